import KubeletModel
import RBAC

/// A request `plan` replays against the cluster before and after its change: an observed one
/// or a catalogue path the agent needs.
public struct ReplayRequest: Sendable, Hashable {
    public enum Origin: Sendable, Hashable {
        case evidence(count: Int, passedInLog: Bool)
        /// A catalogue path of the recognised agent (id, path template).
        case catalogue(collector: String, path: String)
    }

    public let route: ObservedUse.Route
    public let user: UserInfo
    public let node: String
    /// The HTTP method, for the kubelet's verb.
    public let method: String
    /// The kubelet path; nil when the evidence does not say (a kubelet review of
    /// `nodes/proxy`): the request is then replayed as that one check.
    public let path: String?
    public let origin: Origin

    public init(route: ObservedUse.Route, user: UserInfo, node: String, method: String, path: String?, origin: Origin) {
        self.route = route
        self.user = user
        self.node = node
        self.method = method
        self.path = path
        self.origin = origin
    }

    public var verb: String { HTTPVerbMapping.verb(forMethod: method) }

    /// The checks in the order they are asked: the kubelet's (fine-grained first, then the
    /// `nodes/proxy` fallback), or the API server's one `nodes/proxy` check for its node proxy,
    /// whatever kubelet path follows — fine-grained subresources never help there.
    public func checks(profile: KubeletProfile) -> [KubeletCheck] {
        guard route == .kubelet, let path else { return [KubeletCheck(verb: verb, subresource: KubeletSubresource.proxy.rawValue)] }
        let decoded = (try? KubeletRequestPath(path))?.decodedPath ?? path
        return KubeletAttributeMapper.checks(method: method, path: decoded, profile: profile)
    }

    /// `GET /pods on gpu-node-1` style, for reports.
    public var text: String {
        let where_ = route == .apiServerProxy ? "via the API server's node proxy" : "on the kubelet"
        return "\(method) \(path ?? "(path unknown)") \(where_) of \(node)"
    }
}

/// Decides replayed requests against one RBAC state, as the API server answers the kubelet's
/// reviews: `system:masters` first, then RBAC. Node checks are cluster-scoped, so only
/// ClusterRoleBindings count; they are indexed by subject so that a request costs the bindings
/// naming its caller or the caller's groups, not every binding of a 100k-binding cluster. Each
/// candidate is still confirmed with the RBAC engine's own `SubjectMatcher` and `RuleMatcher`.
public struct ReplayAuthorizer: Sendable {
    struct Key: Hashable { let kind: String, name: String }
    let policy: RBACPolicy
    let bindings: [Key: [Int]]

    public init(policy: RBACPolicy) {
        self.policy = policy
        var index: [Key: [Int]] = [:]
        for (i, b) in policy.clusterRoleBindings.enumerated() {
            var seen = Set<Key>()
            for s in b.subjects {
                let key: Key
                switch s.kind {
                case Subject.userKind, Subject.groupKind: key = Key(kind: s.kind, name: s.name)
                case Subject.serviceAccountKind where !s.namespace.isEmpty:
                    key = Key(kind: Subject.userKind, name: UserInfo.serviceAccountPrefix + s.namespace + ":" + s.name)
                default: continue  // matches nobody at cluster scope
                }
                if seen.insert(key).inserted { index[key, default: []].append(i) }
            }
        }
        bindings = index
    }

    /// Whether RBAC (or `system:masters`) allows the check to the caller on `node`.
    public func allows(_ user: UserInfo, _ check: KubeletCheck, node: String) -> Bool {
        if user.groups.contains(UserInfo.mastersGroup) { return true }
        let attributes = AuthorizationAttributes(user: user, verb: check.verb, resource: check.resource, subresource: check.subresource, name: node)
        var candidates = bindings[Key(kind: Subject.userKind, name: user.name)] ?? []
        for g in user.groups { candidates += bindings[Key(kind: Subject.groupKind, name: g)] ?? [] }
        for i in candidates {
            let b = policy.clusterRoleBindings[i]
            guard SubjectMatcher.firstApplying(b.subjects, user: user, bindingNamespace: "") != nil,
                  case .success(let role) = policy.resolve(b.roleRef, bindingNamespace: "") else { continue }
            if role.rules.contains(where: { RuleMatcher.allows($0, attributes) }) { return true }
        }
        return false
    }

    /// The check that lets the request through (the first allowed, as the kubelet stops
    /// there), or nil when it is denied.
    public func passingCheck(_ r: ReplayRequest, profile: KubeletProfile) -> KubeletCheck? {
        r.checks(profile: profile).first { allows(r.user, $0, node: r.node) }
    }
}
