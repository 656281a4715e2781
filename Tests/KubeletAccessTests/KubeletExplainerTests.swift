import KubeletAccess
import KubeletModel
import RBAC
import Testing

@Suite("Explainer and who-can, library API")
struct KubeletExplainerTests {
    let policy = RBACPolicy(
        roles: [Role.clusterRole("pods", rules: [PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["nodes/pods"])]),
                Role.clusterRole("proxy", rules: [PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["*/proxy"])]),
                Role.clusterRole("star", rules: [PolicyRule(verbs: ["*"], apiGroups: ["*"], resources: ["*"], resourceNames: ["n1"])])],
        bindings: [.clusterRoleBinding("pods", clusterRole: "pods", subjects: [Subject(kind: "User", name: "both")]),
                   .clusterRoleBinding("proxy", clusterRole: "proxy", subjects: [Subject(kind: "User", name: "both"), Subject(kind: "Group", name: "proxiers")]),
                   .clusterRoleBinding("star", clusterRole: "star", subjects: [Subject(kind: "User", name: "pinned")])])

    func request(_ method: String, _ path: String, node: String? = "n1", minor: Int = 36) throws -> KubeletRequest {
        KubeletRequest(method: method, path: try KubeletRequestPath(path), node: node, profile: KubeletProfile(version: .v(minor)))
    }

    @Test("the second check is only sent when the first is not allowed")
    func stopsAtFirstAllow() throws {
        let e = KubeletExplainer(policy: policy).explain(try request("GET", "/pods"), as: .asAuthenticated(name: "both"))
        #expect(e.checks.map(\.check.subresource) == ["pods"])
        #expect(e.allowed && !e.usedFallback)
        let f = KubeletExplainer(policy: policy).explain(try request("GET", "/pods"), as: .asAuthenticated(name: "x", groups: ["proxiers"]))
        #expect(f.checks.map(\.check.subresource) == ["pods", "proxy"])
        #expect(f.allowed && f.usedFallback)
    }

    @Test("before 1.33 /pods is proxy alone")
    func oldPods() throws {
        let e = KubeletExplainer(policy: policy).explain(try request("GET", "/pods", minor: 32), as: .asAuthenticated(name: "both"))
        #expect(e.checks.map(\.check.subresource) == ["proxy"])
        #expect(e.allowed)
    }

    @Test("the empty verb of HEAD is allowed only by *, and resourceNames pin the node")
    func emptyVerbAndPinning() throws {
        let x = KubeletExplainer(policy: policy)
        #expect(x.explain(try request("HEAD", "/metrics", node: "n1"), as: .asAuthenticated(name: "pinned")).allowed)
        #expect(!x.explain(try request("HEAD", "/metrics", node: "n2"), as: .asAuthenticated(name: "pinned")).allowed)
        #expect(!x.explain(try request("HEAD", "/metrics", node: nil), as: .asAuthenticated(name: "pinned")).allowed)
        #expect(!x.explain(try request("HEAD", "/pods", node: "n1"), as: .asAuthenticated(name: "both")).allowed)
    }

    @Test("who-can: fallback-only holders, pinned scopes, and system:masters always")
    func whoCan() throws {
        let a = KubeletWhoCan(policy: policy).answer(try request("GET", "/pods", node: nil))
        let byName = Dictionary(uniqueKeysWithValues: a.holders.map { ($0.subject.name, $0) })
        #expect(Set(byName.keys) == ["system:masters", "both", "proxiers", "pinned"])
        #expect(byName["system:masters"]!.implicit)
        #expect(!byName["both"]!.onlyViaFallback)
        #expect(byName["proxiers"]!.onlyViaFallback)
        #expect(byName["pinned"]!.via.first?.nodes == ["n1"])
        let n2 = KubeletWhoCan(policy: policy).answer(try request("GET", "/pods", node: "n2"))
        #expect(!n2.holders.contains { $0.subject.name == "pinned" })
    }

    @Test("ServiceAccount callers get the groups their tokens carry")
    func serviceAccountGroups() {
        #expect(UserInfo.asAuthenticated(name: "system:serviceaccount:ns:sa").groups == ["system:serviceaccounts", "system:serviceaccounts:ns", "system:authenticated"])
        #expect(UserInfo.asAuthenticated(name: "system:anonymous").groups == ["system:unauthenticated"])
        #expect(UserInfo.asAuthenticated(name: "alice", groups: ["dev"]).groups == ["dev", "system:authenticated"])
        #expect(UserInfo.asAuthenticated(name: "system:serviceaccount:bad").groups == ["system:authenticated"])
    }
}
