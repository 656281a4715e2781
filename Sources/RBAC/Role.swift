/// A ClusterRole or a Role. `namespace` is empty for ClusterRoles.
public struct Role: Hashable, Sendable {
    public enum Kind: String, Sendable, Codable { case role = "Role", clusterRole = "ClusterRole" }

    public var kind: Kind
    public var namespace: String
    public var name: String
    public var labels: [String: String]
    public var annotations: [String: String]
    public var rules: [PolicyRule]
    /// ClusterRoles only: the selectors whose roles' rules the aggregation controller unions in.
    public var aggregationRule: [LabelSelector]?
    public var source: SourceLocation?

    public init(kind: Kind, name: String, namespace: String = "", rules: [PolicyRule],
                labels: [String: String] = [:], annotations: [String: String] = [:],
                aggregationRule: [LabelSelector]? = nil, source: SourceLocation? = nil) {
        self.kind = kind
        self.namespace = kind == .clusterRole ? "" : namespace
        self.name = name
        self.labels = labels
        self.annotations = annotations
        self.rules = rules
        self.aggregationRule = aggregationRule
        self.source = source
    }

    public static func clusterRole(_ name: String, rules: [PolicyRule], labels: [String: String] = [:],
                                   aggregationRule: [LabelSelector]? = nil) -> Role {
        Role(kind: .clusterRole, name: name, rules: rules, labels: labels, aggregationRule: aggregationRule)
    }

    public static func role(_ name: String, namespace: String, rules: [PolicyRule]) -> Role {
        Role(kind: .role, name: name, namespace: namespace, rules: rules)
    }
}

public struct RoleRef: Hashable, Sendable, Codable {
    public var apiGroup: String
    public var kind: String
    public var name: String

    public init(kind: String, name: String, apiGroup: String = "rbac.authorization.k8s.io") {
        self.apiGroup = apiGroup
        self.kind = kind
        self.name = name
    }

    enum CodingKeys: String, CodingKey { case apiGroup, kind, name }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiGroup = try c.decodeIfPresent(String.self, forKey: .apiGroup) ?? ""
        kind = try c.decodeIfPresent(String.self, forKey: .kind) ?? ""
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
    }
}

/// A ClusterRoleBinding or a RoleBinding. `namespace` is empty for ClusterRoleBindings.
public struct Binding: Hashable, Sendable {
    public enum Kind: String, Sendable, Codable {
        case roleBinding = "RoleBinding", clusterRoleBinding = "ClusterRoleBinding"
    }

    public var kind: Kind
    public var namespace: String
    public var name: String
    public var labels: [String: String]
    public var annotations: [String: String]
    public var roleRef: RoleRef
    public var subjects: [Subject]
    public var source: SourceLocation?

    public init(kind: Kind, name: String, namespace: String = "", roleRef: RoleRef, subjects: [Subject],
                labels: [String: String] = [:], annotations: [String: String] = [:], source: SourceLocation? = nil) {
        self.kind = kind
        self.namespace = kind == .clusterRoleBinding ? "" : namespace
        self.name = name
        self.labels = labels
        self.annotations = annotations
        self.roleRef = roleRef
        self.subjects = subjects
        self.source = source
    }

    public static func clusterRoleBinding(_ name: String, clusterRole: String, subjects: [Subject]) -> Binding {
        Binding(kind: .clusterRoleBinding, name: name, roleRef: RoleRef(kind: "ClusterRole", name: clusterRole), subjects: subjects)
    }

    public static func roleBinding(_ name: String, namespace: String, roleRef: RoleRef, subjects: [Subject]) -> Binding {
        Binding(kind: .roleBinding, name: name, namespace: namespace, roleRef: roleRef, subjects: subjects)
    }

    /// How the RBAC authorizer names the binding in its reason: `"name"` for
    /// ClusterRoleBindings, `"name/namespace"` for RoleBindings.
    public var describedName: String {
        kind == .clusterRoleBinding ? name : name + "/" + namespace
    }
}
