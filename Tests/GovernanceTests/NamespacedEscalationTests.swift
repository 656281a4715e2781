import Cluster
import Governance
import RBAC
import Testing

/// Escalation through exec to ServiceAccounts whose power comes from RoleBindings
/// (Tests/Fixtures/ai-review/namespaced-escalation.yaml): named with their namespace, ranked
/// below cluster-wide power (kube-system before other namespaces), not counted where a
/// RoleBinding cannot give them, and not counted when the subject already holds them.
@Suite("AIWorkloadReview: namespaced powers")
struct NamespacedEscalationTests {
    static let report = AIWorkloadReviewTests.scan(try! AIWorkloadReviewTests.load("namespaced-escalation.yaml"))
    static func sa(_ namespace: String, _ name: String) -> SubjectKey { AIWorkloadReviewTests.sa(namespace, name) }

    static var agent: AISubjectReview { AIWorkloadReviewTests.review(report, sa("monitoring", "agent"))! }

    @Test("RoleBindings' powers are reached, each named with its namespace, cluster-wide first, then kube-system, then by strength")
    func ranking() throws {
        let reached = Self.agent.reachableEscalations
        #expect(reached.map(\.serviceAccount) == [
            Self.sa("kube-system", "cluster-reader"), Self.sa("kube-system", "token-minter"),
            Self.sa("team-a", "deployer"), Self.sa("team-b", "ci"),
        ])
        let powers = Dictionary(uniqueKeysWithValues: reached.map { ($0.serviceAccount.name, $0.powers.map(\.name)) })
        // The kube-system RoleBinding repeats what the ClusterRoleBinding gives everywhere: named once.
        #expect(powers["cluster-reader"] == ["secrets"])
        #expect(powers["token-minter"] == ["tokens in kube-system"])
        // cluster-admin bound in a namespace is everything there, and implies the rest there.
        #expect(powers["deployer"] == ["cluster-admin in team-a"])
        #expect(powers["ci"] == ["impersonate in team-b", "secrets in team-b", "create-pods in team-b"])
        #expect(reached.allSatisfy { !$0.amountsToEverything })
    }

    @Test("the path names the RoleBinding and the Role with their namespace")
    func path() throws {
        let minter = try #require(Self.agent.reachableEscalations.first { $0.serviceAccount.name == "token-minter" })
        #expect(Self.agent.path(to: minter) == [
            "ServiceAccount monitoring/agent", "ClusterRoleBinding agents", "ClusterRole node-proxy", "nodes/proxy (exec)", "node gpu-a",
            "Pod kube-system/token-minter-0", "ServiceAccount kube-system/token-minter", "RoleBinding kube-system/token-minter",
            "Role kube-system/token-minter: create ServiceAccount tokens in namespace kube-system",
        ])
        let ci = try #require(Self.agent.reachableEscalations.first { $0.serviceAccount.name == "ci" })
        #expect(Self.agent.path(to: ci)?.suffix(2) == [
            "RoleBinding team-b/ci",
            "ClusterRole small-admin: impersonate ServiceAccounts in namespace team-b, read secrets in namespace team-b, create pods in namespace team-b",
        ])
    }

    @Test("a RoleBinding gives no nodes/proxy and no user impersonation: that ServiceAccount is no escalation")
    func clusterOnlyPowers() throws {
        #expect(!Self.agent.escalations.contains { $0.serviceAccount == Self.sa("team-c", "odd") })
    }

    @Test("powers the subject holds in the namespace already are no escalation")
    func ownNamespacedPowers() throws {
        let b = try #require(AIWorkloadReviewTests.review(Self.report, Self.sa("monitoring", "agent-b")))
        #expect(b.reachableEscalations.map(\.serviceAccount) == [
            Self.sa("kube-system", "cluster-reader"), Self.sa("kube-system", "token-minter"), Self.sa("team-a", "deployer"),
        ])
    }

    @Test("KA043 names the namespace of each power and points at the RoleBindings")
    func finding() throws {
        let f = try #require(Self.report.findings.first { $0.rule == .escalationThroughExec && $0.subject == Self.sa("monitoring", "agent") })
        #expect(f.severity == .high)
        #expect(f.message.contains("take the token of ServiceAccount kube-system/cluster-reader, which can read secrets in every namespace"))
        #expect(f.message.contains("3 more identities with powers it lacks: ServiceAccount kube-system/token-minter, ServiceAccount team-a/deployer, ServiceAccount team-b/ci"))
        let bindings = f.locations.filter { $0.kind == "RoleBinding" }.map { "\($0.namespace)/\($0.name)" }
        #expect(bindings == ["kube-system/token-minter", "team-a/deployer-admin", "team-b/ci"])
    }
}
