/// One subject that holds a permission, and every binding → role → rule that gives it.
public struct WhoCanSubject: Hashable, Sendable {
    public let subject: Subject
    public var grants: [RBACGrant]
}

/// Answers "which subjects may do this" for cluster-scoped requests (namespace `""` —
/// every kubelet check) without evaluating subjects one by one: rules are bucketed by the
/// resource form that can match them (`nodes/proxy`, `*/proxy`, `*`), so a question costs
/// the size of its buckets, not of the cluster.
public struct WhoCanIndex: Sendable {
    struct Entry: Sendable {
        let binding: Int
        let role: Role
        let ruleIndex: Int
    }

    public let policy: RBACPolicy
    private var exact: [String: [Entry]] = [:]
    private var anySubresource: [String: [Entry]] = [:]
    private var wildcard: [Entry] = []
    /// ClusterRoleBindings whose role is missing: they grant nothing, and say so.
    public private(set) var unresolved: [(binding: Binding, error: RBACPolicy.RoleLookupError)] = []

    public init(policy: RBACPolicy) {
        self.policy = policy
        for (b, binding) in policy.clusterRoleBindings.enumerated() {
            switch policy.resolve(binding.roleRef, bindingNamespace: "") {
            case .failure(let e):
                unresolved.append((binding, e))
            case .success(let role):
                for (r, rule) in role.rules.enumerated() where !rule.resources.isEmpty {
                    let entry = Entry(binding: b, role: role, ruleIndex: r)
                    var seen = Set<String>()
                    for resource in rule.resources where seen.insert(resource).inserted {
                        if resource == "*" {
                            wildcard.append(entry)
                        } else if resource.hasPrefix("*/") {
                            anySubresource[String(resource.dropFirst(2)), default: []].append(entry)
                        } else {
                            exact[resource, default: []].append(entry)
                        }
                    }
                }
            }
        }
    }

    /// Subjects that may perform `verb` on `resource/subresource` in group `apiGroup` at
    /// cluster scope. With `name == nil` any object name counts: grants pinned by
    /// `resourceNames` are included, and the caller reads the scope from the rule.
    public func subjects(verb: String, apiGroup: String = "", resource: String, subresource: String = "",
                         name: String?) -> [WhoCanSubject] {
        let combined = subresource.isEmpty ? resource : resource + "/" + subresource
        var candidates = wildcard + (exact[combined] ?? [])
        if !subresource.isEmpty { candidates += anySubresource[subresource] ?? [] }
        candidates.sort { ($0.binding, $0.ruleIndex) < ($1.binding, $1.ruleIndex) }

        var order: [Subject] = []
        var found: [Subject: WhoCanSubject] = [:]
        var lastKey: (Int, Int)? = nil
        for entry in candidates {
            // A rule listing both `*` and `nodes/proxy` sits in two buckets; count it once.
            if let lastKey, lastKey == (entry.binding, entry.ruleIndex) { continue }
            lastKey = (entry.binding, entry.ruleIndex)
            let rule = entry.role.rules[entry.ruleIndex]
            guard RuleMatcher.verbMatches(rule, verb), RuleMatcher.apiGroupMatches(rule, apiGroup),
                  RuleMatcher.resourceMatches(rule, combined: combined, subresource: subresource) else { continue }
            if let name, !RuleMatcher.resourceNameMatches(rule, name) { continue }
            let binding = policy.clusterRoleBindings[entry.binding]
            for subject in binding.subjects where Self.canMatchAtClusterScope(subject) {
                let grant = RBACGrant(binding: binding, subject: subject, role: entry.role, ruleIndex: entry.ruleIndex)
                if found[subject] == nil {
                    order.append(subject)
                    found[subject] = WhoCanSubject(subject: subject, grants: [grant])
                } else if !found[subject]!.grants.contains(grant) {
                    found[subject]!.grants.append(grant)
                }
            }
        }
        return order.map { found[$0]! }
    }

    /// Subjects of a ClusterRoleBinding that can match any user: a ServiceAccount without
    /// namespace there, or an unknown kind, matches nobody.
    public static func canMatchAtClusterScope(_ s: Subject) -> Bool {
        switch s.kind {
        case Subject.userKind, Subject.groupKind: return true
        case Subject.serviceAccountKind: return !s.namespace.isEmpty
        default: return false
        }
    }
}
