import RBAC
import TestSupport
import Testing

@Suite("RBAC against the vectors")
struct RBACVectorTests {
    @Test("RuleAllows", arguments: Fixtures.vectors.rbacRuleMatches)
    func ruleMatches(_ v: RuleMatchVector) {
        #expect(RuleMatcher.allows(v.rule.rule, v.request.attributes) == v.expected)
    }

    @Test("Authorize", arguments: Fixtures.vectors.rbacAuthorizer)
    func authorizer(_ v: AuthorizerVector) {
        let d = RBACAuthorizer(policy: v.policy).authorize(v.request.attributes)
        #expect(d.allowed == v.expectedAllowed)
        // An allow always names its binding; a plain miss has no reason at all.
        #expect(d.allowed ? d.reason.hasPrefix("RBAC: allowed by ") : d.reason.isEmpty)
        #expect((d.grant != nil) == d.allowed)
    }

    @Test("appliesTo", arguments: Fixtures.vectors.rbacAppliesTo)
    func appliesTo(_ v: AppliesToVector) {
        let user = UserInfo(name: v.user, groups: v.groups)
        let got = SubjectMatcher.firstApplying(v.subjects.map(\.subject), user: user, bindingNamespace: v.bindingNamespace) != nil
        #expect(got == v.expected)
    }
}
