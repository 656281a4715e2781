import RBAC

/// What makes an identity worth stealing, most powerful first: cluster-wide through a
/// ClusterRoleBinding, or in one namespace through a RoleBinding (to a Role or a ClusterRole).
public struct IdentityPower: Hashable, Sendable, Comparable, CustomStringConvertible {
    public enum Kind: Int, Sendable, CaseIterable {
        case everything = 0, escalate, bind, impersonate, secrets, tokens, nodesProxy, createPods

        /// A short name, for tables and JSON.
        public var name: String {
            switch self {
            case .everything: return "cluster-admin"
            case .escalate: return "escalate"
            case .bind: return "bind"
            case .impersonate: return "impersonate"
            case .secrets: return "secrets"
            case .tokens: return "tokens"
            case .nodesProxy: return "nodes/proxy"
            case .createPods: return "create-pods"
            }
        }

        public var label: String {
            switch self {
            case .everything: return "do anything (every verb on every resource)"
            case .escalate: return "escalate on clusterroles"
            case .bind: return "bind clusterroles"
            case .impersonate: return "impersonate users, groups or ServiceAccounts"
            case .secrets: return "read secrets in every namespace"
            case .tokens: return "create ServiceAccount tokens in every namespace"
            case .nodesProxy: return "exec in every pod through nodes/proxy"
            case .createPods: return "create pods in every namespace"
            }
        }

        /// In one namespace: what a RoleBinding there can give, as `label` says it for the
        /// whole cluster.
        public func label(in namespace: String) -> String {
            switch self {
            case .everything: return "do anything in namespace \(namespace)"
            case .escalate: return "escalate on roles in namespace \(namespace)"
            case .bind: return "bind clusterroles in namespace \(namespace) (cluster-admin there)"
            case .impersonate: return "impersonate ServiceAccounts in namespace \(namespace)"
            case .secrets: return "read secrets in namespace \(namespace)"
            case .tokens: return "create ServiceAccount tokens in namespace \(namespace)"
            case .nodesProxy: return "nodes/proxy (never in a namespace)"
            case .createPods: return "create pods in namespace \(namespace)"
            }
        }

        /// The request an authorizer would have to allow, at cluster scope.
        var probe: (verb: String, group: String, resource: String, subresource: String) {
            switch self {
            case .everything: return ("*", "*", "*", "")
            case .escalate: return ("escalate", "rbac.authorization.k8s.io", "clusterroles", "")
            case .bind: return ("bind", "rbac.authorization.k8s.io", "clusterroles", "")
            case .impersonate: return ("impersonate", "", "users", "")
            case .secrets: return ("get", "", "secrets", "")
            case .tokens: return ("create", "", "serviceaccounts", "token")
            case .nodesProxy: return ("get", "", "nodes", "proxy")
            case .createPods: return ("create", "", "pods", "")
            }
        }

        /// The request a RoleBinding's role would have to allow in its namespace; nil where no
        /// RoleBinding can give the power. A RoleBinding's rules apply only to requests in its
        /// namespace (VisitRulesFor in plugin/pkg/auth/authorizer/rbac/rbac.go): users and
        /// nodes have none, so user impersonation and nodes/proxy are cluster-wide only, while
        /// ServiceAccounts are namespaced and can be impersonated there. Binding a ClusterRole
        /// in a namespace is checked as `bind` on `clusterroles` in that namespace, and
        /// writing a Role as `escalate` on `roles` there (BindingAuthorized and
        /// RoleEscalationAuthorized in pkg/registry/rbac/escalation_check.go).
        var namespacedProbe: (verb: String, group: String, resource: String, subresource: String)? {
            switch self {
            case .escalate: return ("escalate", "rbac.authorization.k8s.io", "roles", "")
            case .impersonate: return ("impersonate", "", "serviceaccounts", "")
            case .nodesProxy: return nil
            default: return probe
            }
        }
    }

    public let kind: Kind
    /// The binding and role that grant it: a ClusterRoleBinding and ClusterRole when
    /// `namespace` is nil, else a RoleBinding in `namespace` and a Role there or a ClusterRole.
    public let binding: String
    public let role: String
    public var bindingSource: SourceLocation? = nil
    /// Nil: in every namespace. Else the one namespace a RoleBinding gives it in.
    public var namespace: String? = nil
    public var roleKind: Role.Kind = .clusterRole

    /// Where a power holds, for telling which powers another identity already has.
    public struct Scope: Hashable, Sendable {
        public let kind: Kind
        public let namespace: String?
    }

    public var scope: Scope { Scope(kind: kind, namespace: namespace) }

    /// Cluster-wide before any namespace, then kube-system before other namespaces: its
    /// ServiceAccounts are the control plane's controllers, so its secrets, tokens and pods are
    /// theirs. Within a scope, by kind.
    public var rank: (scope: Int, kind: Int) {
        (namespace == nil ? 0 : namespace == "kube-system" ? 1 : 2, kind.rawValue)
    }

    public static func < (a: IdentityPower, b: IdentityPower) -> Bool {
        (a.rank.scope, a.rank.kind, a.namespace ?? "", a.binding, a.role) < (b.rank.scope, b.rank.kind, b.namespace ?? "", b.binding, b.role)
    }

    /// What it allows, with its namespace when it has one.
    public var label: String { namespace.map(kind.label(in:)) ?? kind.label }

    /// The short name, for tables and JSON: `secrets`, `secrets in kube-system`.
    public var name: String { kind.name + (namespace.map { " in " + $0 } ?? "") }

    public var bindingKind: Binding.Kind { namespace == nil ? .clusterRoleBinding : .roleBinding }

    /// The binding's kind and name as a reader finds them: `ClusterRoleBinding`, `NAME` or
    /// `RoleBinding`, `NS/NAME`.
    public var bindingLabel: String { namespace == nil ? "ClusterRoleBinding" : "RoleBinding" }
    public var bindingName: String { namespace.map { "\($0)/\(binding)" } ?? binding }
    public var roleLabel: String { roleKind == .role ? "Role" : "ClusterRole" }
    public var roleName: String { roleKind == .role ? "\(namespace ?? "")/\(role)" : role }

    public var bindingText: String { "\(bindingLabel) \(bindingName)" }
    public var roleText: String { "\(roleLabel) \(roleName)" }

    /// Does `held` (another identity's powers) already give this? A cluster-wide power gives
    /// it in every namespace; doing anything in a namespace gives every power there.
    public func isCovered(by held: Set<Scope>) -> Bool {
        held.contains(scope) || isCovered(byOtherScopesIn: held)
    }

    /// As `isCovered(by:)`, with this power's own scope in `held` not counted: whether
    /// another power an identity holds implies it (without building a set per power).
    func isCovered(byOtherScopesIn held: Set<Scope>) -> Bool {
        if kind != .everything || namespace != nil, held.contains(Scope(kind: .everything, namespace: nil)) { return true }
        guard let namespace else { return false }
        return held.contains(Scope(kind: kind, namespace: nil))
            || (kind != .everything && held.contains(Scope(kind: .everything, namespace: namespace)))
    }

    /// Granted by the same binding (a name is unique per namespace, or cluster-wide).
    public func grantedAlike(_ other: IdentityPower) -> Bool { binding == other.binding && namespace == other.namespace }

    /// `binding → role` as a reader finds them.
    public var chain: String { "\(bindingText) → \(roleText)" }

    public var description: String { "\(label) via \(chain)" }
}

/// Answers "what can this identity do that matters" for many identities against one policy,
/// walking each one's own bindings only: an index of ClusterRoleBindings and RoleBindings by
/// subject is built once, so a cluster of 100k bindings is not walked once per identity.
public struct IdentityPowerIndex: Sendable {
    let policy: RBACPolicy
    /// The RoleBindings, namespace by namespace in name order: positions after the
    /// ClusterRoleBindings' in `byUser`, `byServiceAccount` and `byGroup`. Each namespace's
    /// array is the policy's own (shared, not copied: copying 40,000 bindings cost more than
    /// the rest of the index), and `roleBindingAt` says where each position lies.
    let roleBindingsByNamespace: [[Binding]]
    let roleBindingAt: [(namespace: Int32, offset: Int32)]
    /// User name, ServiceAccount, or group name → bindings naming it.
    let byUser: [String: [Int]]
    let byServiceAccount: [ServiceAccountName: [Int]]
    let byGroup: [String: [Int]]

    /// A ServiceAccount subject's namespace and name, hashed as they are rather than joined
    /// into `system:serviceaccount:NS:NAME` for every subject of every binding.
    struct ServiceAccountName: Hashable, Sendable {
        let namespace: String, name: String
    }

    public init(policy: RBACPolicy) {
        self.policy = policy
        let namespaced = policy.roleBindings.keys.sorted().map { policy.roleBindings[$0]! }
        var users: [String: [Int]] = [:], serviceAccounts: [ServiceAccountName: [Int]] = [:], groups: [String: [Int]] = [:]
        func add(_ b: Binding, at i: Int) {
            for s in b.subjects {
                switch s.kind {
                case Subject.serviceAccountKind:
                    // A RoleBinding's ServiceAccount without a namespace is in the binding's (SubjectMatcher).
                    let ns = s.namespace.isEmpty ? b.namespace : s.namespace
                    // A colon in either part would make the joined name split differently:
                    // index those by the joined name, as the matcher compares them.
                    if ns.utf8.contains(UInt8(ascii: ":")) || s.name.utf8.contains(UInt8(ascii: ":")) {
                        users[UserInfo.serviceAccountPrefix + ns + ":" + s.name, default: []].append(i)
                    } else {
                        serviceAccounts[ServiceAccountName(namespace: ns, name: s.name), default: []].append(i)
                    }
                case Subject.userKind: users[s.name, default: []].append(i)
                case Subject.groupKind: groups[s.name, default: []].append(i)
                default: continue
                }
            }
        }
        for (i, b) in policy.clusterRoleBindings.enumerated() where b.roleRef.kind == "ClusterRole" { add(b, at: i) }
        var position = policy.clusterRoleBindings.count
        var at: [(namespace: Int32, offset: Int32)] = []
        at.reserveCapacity(namespaced.reduce(0) { $0 + $1.count })
        for (n, bindings) in namespaced.enumerated() {
            for (j, b) in bindings.enumerated() {
                add(b, at: position)
                at.append((Int32(n), Int32(j)))
                position += 1
            }
        }
        roleBindingsByNamespace = namespaced
        roleBindingAt = at
        byUser = users
        byServiceAccount = serviceAccounts
        byGroup = groups
    }

    /// The bindings that may name `name`: by the whole name, and, for a ServiceAccount's
    /// name, by its namespace and name.
    func bindings(naming name: String) -> [Int] {
        var found = byUser[name] ?? []
        if let sa = UserInfo.splitServiceAccount(name) {
            found += byServiceAccount[ServiceAccountName(namespace: sa.namespace, name: sa.name)] ?? []
        }
        return found
    }

    /// A role as the probe cache knows it: hashed as it is, not joined into a string per
    /// binding visited.
    struct RoleKey: Hashable {
        let namespaced: Bool
        let kind: Role.Kind
        let namespace: String, name: String
    }

    typealias Found = [IdentityPower.Scope: (index: Int, power: IdentityPower)]

    /// What each role allows of the probes, and what each group's bindings give, worked out
    /// once: a probe's answer does not depend on who asks, only on the role's rules, and a
    /// group's bindings apply alike to every member.
    final class Cache: @unchecked Sendable {
        var roleKinds: [RoleKey: [IdentityPower.Kind]] = [:]
        var groupPowers: [String: Found] = [:]
    }
    let cache = Cache()

    /// The powers the role gives through a ClusterRoleBinding, or (`namespaced`) through a
    /// RoleBinding.
    func kinds(of role: Role, namespaced: Bool) -> [IdentityPower.Kind] {
        let key = RoleKey(namespaced: namespaced, kind: role.kind, namespace: role.namespace, name: role.name)
        if let known = cache.roleKinds[key] { return known }
        let user = UserInfo(name: "")
        let found = IdentityPower.Kind.allCases.filter { kind in
            guard let p = namespaced ? kind.namespacedProbe : kind.probe else { return false }
            let a = AuthorizationAttributes(user: user, verb: p.verb, apiGroup: p.group, resource: p.resource, subresource: p.subresource)
            return role.rules.contains { RuleMatcher.allows($0, a) }
        }
        cache.roleKinds[key] = found
        return found
    }

    /// The first granting binding (in binding order) of each power, among `indices`.
    func powers(of user: UserInfo, bindings indices: [Int]) -> Found {
        var found: Found = [:]
        let first = policy.clusterRoleBindings.count
        for i in indices.sorted() {
            let namespaced = i >= first
            let b: Binding
            if namespaced {
                let at = roleBindingAt[i - first]
                b = roleBindingsByNamespace[Int(at.namespace)][Int(at.offset)]
            } else {
                b = policy.clusterRoleBindings[i]
            }
            // The index is by name only: the matcher decides, as the authorizer would.
            guard SubjectMatcher.firstApplying(b.subjects, user: user, bindingNamespace: b.namespace) != nil,
                  case .success(let role) = policy.resolve(b.roleRef, bindingNamespace: b.namespace) else { continue }
            for kind in kinds(of: role, namespaced: namespaced) {
                let scope = IdentityPower.Scope(kind: kind, namespace: namespaced ? b.namespace : nil)
                guard found[scope] == nil else { continue }
                found[scope] = (i, IdentityPower(kind: kind, binding: b.name, role: role.name, bindingSource: b.source,
                                                 namespace: scope.namespace, roleKind: role.kind))
            }
        }
        return found
    }

    /// The powers of `user`, one per kind and scope (the first granting binding in binding
    /// order), strongest first; none that a wider one implies.
    public func powers(of user: UserInfo) -> [IdentityPower] {
        var found = powers(of: UserInfo(name: user.name), bindings: bindings(naming: user.name))
        for g in user.groups {
            let shared: Found
            if let known = cache.groupPowers[g] { shared = known } else {
                shared = powers(of: UserInfo(name: "", groups: [g]), bindings: byGroup[g] ?? [])
                cache.groupPowers[g] = shared
            }
            for (scope, p) in shared where found[scope].map({ p.index < $0.index }) ?? true { found[scope] = p }
        }
        // Everything implies the rest: name it alone.
        if let all = found[IdentityPower.Scope(kind: .everything, namespace: nil)] { return [all.power] }
        let held = Set(found.keys)
        return found.values.map(\.power).filter { p in
            p.namespace == nil || !p.isCovered(byOtherScopesIn: held)
        }.sorted()
    }

    /// The identity a subject stands for: a group as one of its members.
    public static func user(for key: SubjectKey) -> UserInfo {
        switch key.kind {
        case Subject.serviceAccountKind: return UserInfo.asAuthenticated(name: UserInfo.serviceAccountPrefix + key.namespace + ":" + key.name)
        case Subject.groupKind: return UserInfo(name: "", groups: [key.name])
        default: return UserInfo.asAuthenticated(name: key.name)
        }
    }
}
