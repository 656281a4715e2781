import RBAC

/// What makes an identity worth stealing, most powerful first. Judged cluster-wide
/// (ClusterRoleBindings only): a namespaced grant is named by the subject's own bindings.
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
    }

    public let kind: Kind
    /// The ClusterRoleBinding and ClusterRole that grant it.
    public let binding: String
    public let role: String
    public var bindingSource: SourceLocation? = nil

    public static func < (a: IdentityPower, b: IdentityPower) -> Bool {
        (a.kind.rawValue, a.binding, a.role) < (b.kind.rawValue, b.binding, b.role)
    }

    public var description: String { "\(kind.label) via ClusterRoleBinding \(binding) → ClusterRole \(role)" }
}

/// Answers "what can this identity do that matters" for many identities against one policy,
/// walking each one's own bindings only: an index of ClusterRoleBindings by subject is built
/// once, so a cluster of 100k bindings is not walked once per identity.
public struct IdentityPowerIndex: Sendable {
    let policy: RBACPolicy
    /// User or ServiceAccount user name, or group name → bindings naming it.
    let byUser: [String: [Int]]
    let byGroup: [String: [Int]]

    public init(policy: RBACPolicy) {
        self.policy = policy
        var users: [String: [Int]] = [:], groups: [String: [Int]] = [:]
        for (i, b) in policy.clusterRoleBindings.enumerated() where b.roleRef.kind == "ClusterRole" {
            for s in b.subjects {
                switch s.kind {
                case Subject.serviceAccountKind: users[UserInfo.serviceAccountPrefix + s.namespace + ":" + s.name, default: []].append(i)
                case Subject.userKind: users[s.name, default: []].append(i)
                case Subject.groupKind: groups[s.name, default: []].append(i)
                default: continue
                }
            }
        }
        byUser = users
        byGroup = groups
    }

    /// What each role allows of the probes, and what each group's bindings give, worked out
    /// once: a probe's answer does not depend on who asks, only on the role's rules, and a
    /// group's bindings apply alike to every member.
    final class Cache: @unchecked Sendable {
        var roleKinds: [String: [IdentityPower.Kind]] = [:]
        var groupPowers: [String: [IdentityPower.Kind: (index: Int, power: IdentityPower)]] = [:]
    }
    let cache = Cache()

    func kinds(of role: Role) -> [IdentityPower.Kind] {
        let key = role.kind.rawValue + "/" + role.namespace + "/" + role.name
        if let known = cache.roleKinds[key] { return known }
        let user = UserInfo(name: "")
        let found = IdentityPower.Kind.allCases.filter { kind in
            let p = kind.probe
            let a = AuthorizationAttributes(user: user, verb: p.verb, apiGroup: p.group, resource: p.resource, subresource: p.subresource)
            return role.rules.contains { RuleMatcher.allows($0, a) }
        }
        cache.roleKinds[key] = found
        return found
    }

    /// The first granting binding (in binding order) of each power, among `indices`.
    func powers(of user: UserInfo, bindings indices: [Int]) -> [IdentityPower.Kind: (index: Int, power: IdentityPower)] {
        var found: [IdentityPower.Kind: (index: Int, power: IdentityPower)] = [:]
        for i in indices.sorted() {
            let b = policy.clusterRoleBindings[i]
            // The index is by name only: the matcher decides, as the authorizer would.
            guard SubjectMatcher.firstApplying(b.subjects, user: user, bindingNamespace: "") != nil,
                  case .success(let role) = policy.resolve(b.roleRef, bindingNamespace: "") else { continue }
            for kind in kinds(of: role) where found[kind] == nil {
                found[kind] = (i, IdentityPower(kind: kind, binding: b.name, role: role.name, bindingSource: b.source))
            }
        }
        return found
    }

    /// The powers of `user`, one per kind (the first granting binding in binding order).
    public func powers(of user: UserInfo) -> [IdentityPower] {
        var found = powers(of: UserInfo(name: user.name), bindings: byUser[user.name] ?? [])
        for g in user.groups {
            let shared: [IdentityPower.Kind: (index: Int, power: IdentityPower)]
            if let known = cache.groupPowers[g] { shared = known } else {
                shared = powers(of: UserInfo(name: "", groups: [g]), bindings: byGroup[g] ?? [])
                cache.groupPowers[g] = shared
            }
            for (kind, p) in shared where found[kind].map({ p.index < $0.index }) ?? true { found[kind] = p }
        }
        // Everything implies the rest: name it alone.
        if let all = found[.everything] { return [all.power] }
        return found.values.map(\.power).sorted()
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
