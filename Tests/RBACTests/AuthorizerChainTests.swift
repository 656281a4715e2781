import RBAC
import Testing

/// The API server's union of authorizers (k8s.io/apiserver/pkg/authorization/union): the first
/// allow or deny wins with its own reason and error; no opinion passes on, and when every link
/// passes, reasons join with newlines and errors aggregate.
@Suite("Authorizer chain")
struct AuthorizerChainTests {
    struct Fixed: Authorizer {
        let answer: AuthorizerAnswer
        func decide(_ attributes: AuthorizationAttributes) -> AuthorizerAnswer { answer }
    }

    let policy = RBACPolicy(roles: [Role.clusterRole("proxy", rules: [PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["nodes/proxy"])])],
                            bindings: [.clusterRoleBinding("proxy", clusterRole: "proxy", subjects: [Subject(kind: "User", name: "alice")]),
                                       .clusterRoleBinding("gone", clusterRole: "missing", subjects: [Subject(kind: "User", name: "bob")])])

    func proxy(_ user: String, groups: [String] = []) -> AuthorizationAttributes {
        AuthorizationAttributes(user: UserInfo(name: user, groups: groups), verb: "get", apiVersion: "v1", resource: "nodes", subresource: "proxy", name: "n1")
    }

    @Test("a deny link before RBAC wins over RBAC's allow")
    func denyFirst() {
        let deny = Fixed(answer: AuthorizerAnswer(.deny, reason: "webhook says no", evaluationError: "partial"))
        let rbac = RBACAuthorizer(policy: policy)
        let reviewer = SubjectAccessReviewer(authorizer: rbac, chain: AuthorizerChain([PrivilegedGroupAuthorizer(), deny, rbac]))
        let a = reviewer.answer(proxy("alice"))
        #expect(a.status == .init(allowed: false, denied: true, reason: "webhook says no", evaluationError: "partial"))
        #expect(a.decision == nil, "RBAC was never asked")
        // system:masters comes first and is not overruled.
        #expect(reviewer.answer(proxy("alice", groups: ["system:masters"])).status == .init(allowed: true))
    }

    @Test("no-opinion links pass on; RBAC's allow carries only its own reason")
    func noOpinionThenAllow() {
        let pass = Fixed(answer: AuthorizerAnswer(.noOpinion, reason: "not mine", evaluationError: "timeout"))
        let rbac = RBACAuthorizer(policy: policy)
        let a = SubjectAccessReviewer(authorizer: rbac, chain: AuthorizerChain([pass, rbac])).answer(proxy("alice"))
        #expect(a.status.allowed && !a.status.denied)
        #expect(a.status.reason == #"RBAC: allowed by ClusterRoleBinding "proxy" of ClusterRole "proxy" to User "alice""#)
        #expect(a.status.evaluationError == "", "the deciding link's error only")
        #expect(a.decision?.grant?.binding.name == "proxy")
    }

    @Test("when nobody decides, reasons join with newlines and errors aggregate")
    func nobodyDecides() {
        let rbac = RBACAuthorizer(policy: policy)
        let chain = AuthorizerChain([Fixed(answer: AuthorizerAnswer(.noOpinion, reason: "first", evaluationError: "e1")), rbac,
                                     Fixed(answer: AuthorizerAnswer(.noOpinion, evaluationError: "e2"))])
        let answer = chain.decide(proxy("bob"))
        #expect(answer.decision == .noOpinion)
        #expect(answer.reason == "first\n" + #"RBAC: clusterrole.rbac.authorization.k8s.io "missing" not found"#)
        #expect(answer.evaluationError == "[e1, e2]")
        #expect(answer.status == .init(allowed: false, denied: false, reason: answer.reason, evaluationError: "[e1, e2]"))
    }

    @Test("the default reviewer is chain(system:masters, RBAC)")
    func defaultChain() {
        let reviewer = SubjectAccessReviewer(authorizer: RBACAuthorizer(policy: policy))
        #expect(reviewer.chain.links.count == 2)
        #expect(reviewer.answer(proxy("carol", groups: ["system:masters"])).status == .init(allowed: true))
        #expect(reviewer.answer(proxy("carol")).status == .init(allowed: false))
        #expect(reviewer.answer(proxy("alice")).status.allowed)
    }
}
