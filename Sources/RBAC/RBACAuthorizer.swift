/// Which binding, subject, role and rule allowed a request.
public struct RBACGrant: Hashable, Sendable {
    public let binding: Binding
    public let subject: Subject
    public let role: Role
    public let ruleIndex: Int
    public var rule: PolicyRule { role.rules[ruleIndex] }

    /// The binding's part of the API server's reason text.
    public var describedSource: String {
        "\(binding.kind.rawValue) \(goQuote(binding.describedName)) of \(binding.roleRef.kind) \(goQuote(binding.roleRef.name)) to \(subject.describe(bindingNamespace: binding.namespace))"
    }
}

/// The RBAC authorizer's answer. RBAC never denies: a miss is "no opinion".
public struct RBACDecision: Hashable, Sendable {
    public let allowed: Bool
    /// Exactly the API server's `status.reason`.
    public let reason: String
    public let grant: RBACGrant?
    /// Role lookups that failed for bindings that apply to this user, in visiting order.
    public let errors: [RBACPolicy.RoleLookupError]
}

/// plugin/pkg/auth/authorizer/rbac: one rule visitor that both decides and explains.
public struct RBACAuthorizer: Sendable {
    public let policy: RBACPolicy

    public init(policy: RBACPolicy) { self.policy = policy }

    public enum Visit {
        case rule(binding: Binding, subjectIndex: Int, role: Role, ruleIndex: Int)
        case error(binding: Binding, RBACPolicy.RoleLookupError)
    }

    /// `VisitRulesFor`: ClusterRoleBindings first, then — only for a non-empty namespace —
    /// RoleBindings of that namespace. Return `false` from the visitor to stop.
    public func visitRules(for user: UserInfo, namespace: String, _ visitor: (Visit) -> Bool) {
        for binding in policy.clusterRoleBindings {
            guard let i = SubjectMatcher.firstApplying(binding.subjects, user: user, bindingNamespace: "") else { continue }
            switch policy.resolve(binding.roleRef, bindingNamespace: "") {
            case .failure(let e):
                if !visitor(.error(binding: binding, e)) { return }
            case .success(let role):
                for r in role.rules.indices where !visitor(.rule(binding: binding, subjectIndex: i, role: role, ruleIndex: r)) { return }
            }
        }
        guard !namespace.isEmpty, let bindings = policy.roleBindings[namespace] else { return }
        for binding in bindings {
            guard let i = SubjectMatcher.firstApplying(binding.subjects, user: user, bindingNamespace: namespace) else { continue }
            switch policy.resolve(binding.roleRef, bindingNamespace: namespace) {
            case .failure(let e):
                if !visitor(.error(binding: binding, e)) { return }
            case .success(let role):
                for r in role.rules.indices where !visitor(.rule(binding: binding, subjectIndex: i, role: role, ruleIndex: r)) { return }
            }
        }
    }

    public func authorize(_ a: AuthorizationAttributes) -> RBACDecision {
        var grant: RBACGrant? = nil
        var errors: [RBACPolicy.RoleLookupError] = []
        visitRules(for: a.user, namespace: a.namespace) { visit in
            switch visit {
            case .error(_, let e):
                errors.append(e)
                return true
            case .rule(let binding, let subjectIndex, let role, let ruleIndex):
                if RuleMatcher.allows(role.rules[ruleIndex], a) {
                    grant = RBACGrant(binding: binding, subject: binding.subjects[subjectIndex], role: role, ruleIndex: ruleIndex)
                    return false
                }
                return true
            }
        }
        if let grant {
            return RBACDecision(allowed: true, reason: "RBAC: allowed by \(grant.describedSource)", grant: grant, errors: errors)
        }
        return RBACDecision(allowed: false, reason: errors.isEmpty ? "" : "RBAC: " + Self.aggregate(errors.map(\.description)), grant: nil, errors: errors)
    }

    /// `utilerrors.NewAggregate(...).Error()`: one message alone, several de-duplicated in
    /// brackets.
    static func aggregate(_ messages: [String]) -> String {
        var seen: [String] = []
        for m in messages where !seen.contains(m) { seen.append(m) }
        if seen.count == 1 { return seen[0] }
        return "[" + seen.joined(separator: ", ") + "]"
    }
}
