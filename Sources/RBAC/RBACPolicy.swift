/// The RBAC objects of one cluster, indexed the way the authorizer looks them up. Bindings
/// are kept sorted by name so that every answer is reproducible (the API server's own
/// iteration order is not stable, so the binding it names among several may vary).
public struct RBACPolicy: Sendable {
    public private(set) var clusterRoles: [String: Role] = [:]
    public private(set) var roles: [String: [String: Role]] = [:]
    public private(set) var clusterRoleBindings: [Binding] = []
    public private(set) var roleBindings: [String: [Binding]] = [:]
    /// What the aggregation controller did (or refused to do), for explanations.
    public private(set) var aggregation: AggregationReport = .init()

    /// - Parameter aggregate: apply the clusterrole-aggregation controller's algorithm to
    ///   aggregating ClusterRoles first, as a running cluster would have done.
    public init(roles: [Role], bindings: [Binding], aggregate: Bool = true) {
        var clusterRoleList: [Role] = []
        for role in roles {
            switch role.kind {
            case .clusterRole: clusterRoleList.append(role)
            case .role: self.roles[role.namespace, default: [:]][role.name] = role
            }
        }
        if aggregate {
            let (resolved, report) = ClusterRoleAggregator.aggregate(clusterRoleList)
            clusterRoleList = resolved
            aggregation = report
        }
        for role in clusterRoleList { clusterRoles[role.name] = role }
        for binding in bindings {
            switch binding.kind {
            case .clusterRoleBinding: clusterRoleBindings.append(binding)
            case .roleBinding: roleBindings[binding.namespace, default: []].append(binding)
            }
        }
        clusterRoleBindings.sort { $0.name < $1.name }
        for ns in roleBindings.keys { roleBindings[ns]!.sort { $0.name < $1.name } }
    }

    public enum RoleLookupError: Error, Hashable, Sendable, CustomStringConvertible {
        case notFound(kind: Role.Kind, name: String)
        case unsupportedKind(String)

        /// The API server's error text, as it appears in an RBAC reason.
        public var description: String {
            switch self {
            case .notFound(.clusterRole, let name): return "clusterrole.rbac.authorization.k8s.io \(goQuote(name)) not found"
            case .notFound(.role, let name): return "role.rbac.authorization.k8s.io \(goQuote(name)) not found"
            case .unsupportedKind(let kind): return "unsupported role reference kind: \(goQuote(kind))"
            }
        }
    }

    /// `GetRoleReferenceRules`: a ClusterRoleBinding looks a `Role` up in namespace `""`,
    /// where none can exist.
    public func resolve(_ ref: RoleRef, bindingNamespace: String) -> Result<Role, RoleLookupError> {
        switch ref.kind {
        case "ClusterRole":
            if let role = clusterRoles[ref.name] { return .success(role) }
            return .failure(.notFound(kind: .clusterRole, name: ref.name))
        case "Role":
            if let role = roles[bindingNamespace]?[ref.name] { return .success(role) }
            return .failure(.notFound(kind: .role, name: ref.name))
        default:
            return .failure(.unsupportedKind(ref.kind))
        }
    }

    /// Every binding: ClusterRoleBindings, then RoleBindings by namespace. A visit, not an
    /// array, so that 100k bindings are not copied to be looked at once.
    public func forEachBinding(_ body: (Binding) throws -> Void) rethrows {
        for binding in clusterRoleBindings { try body(binding) }
        for namespace in roleBindings.keys.sorted() {
            for binding in roleBindings[namespace]! { try body(binding) }
        }
    }
}
