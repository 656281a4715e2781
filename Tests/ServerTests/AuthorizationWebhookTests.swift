import Evidence
import Foundation
import Governance
import KubeletAuthzApp
import KubeletAuthzServer
import KubeletModel
import RBAC
import Store
import TestPKI
import Testing
import TestSupport

/// The authorization webhook as the API server drives it: TLS with its client certificate,
/// SubjectAccessReviews for kubelet checks, the demo cluster and register.
@Suite(.serialized) struct AuthorizationWebhookTests {
    static let pki = try! TestPKI.make()

    /// The kubelet's checks for a path on a 1.36 kubelet, from the mapping — held to the vector.
    static func checks(vector id: String) throws -> [KubeletCheck] {
        let vector = try #require(Fixtures.vectors.kubeletMapping.first { $0.id == id })
        let checks = KubeletAttributeMapper.checks(method: vector.method, path: vector.path, profile: KubeletProfile(version: .v(36)))
        #expect(checks.map { ExpectedCheck(verb: $0.verb, subresource: $0.subresource) } == vector.expected)
        return checks
    }

    @Test func enforceDeniesAnUnapprovedNodesProxyGet() async throws {
        let server = try await TestServer.start(TestServer.configuration(mode: .enforce, pki: Self.pki))
        let client = try APIServerClient(port: server.port, pki: Self.pki)
        // netdata is approved for get nodes/metrics only (examples/register.yaml).
        let body = kubeletReview(user: "system:serviceaccount:monitoring:netdata",
                                 groups: ["system:serviceaccounts", "system:serviceaccounts:monitoring", "system:authenticated"],
                                 verb: "get", subresource: "proxy", node: "gpu-node-1")
        let answer = try await client.post("/authorize", body)
        #expect(answer.status == 200)
        let status = try ReviewStatus(answer.body)
        #expect(status.denied && !status.allowed)
        #expect(status.reason.contains("system:serviceaccount:monitoring:netdata is not approved for get nodes/proxy"))
        // The same review comes back: kind, apiVersion and spec as sent.
        let sent = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        let back = try #require(try JSONSerialization.jsonObject(with: answer.body) as? [String: Any])
        #expect(back["kind"] as? String == "SubjectAccessReview" && back["apiVersion"] as? String == "authorization.k8s.io/v1")
        #expect(NSDictionary(dictionary: back["spec"] as! [String: Any]) == NSDictionary(dictionary: sent["spec"] as! [String: Any]))
        // The approved check gets no opinion.
        let metrics = try ReviewStatus(try await client.post("/authorize", kubeletReview(
            user: "system:serviceaccount:monitoring:netdata", groups: [], verb: "get", subresource: "metrics", node: "gpu-node-1")).body)
        #expect(!metrics.denied && !metrics.allowed)
        try await client.shutdown()
        try await server.stop()
    }

    /// No room for another review: 429 with Retry-After at once, counted, not a queue.
    @Test func overloadIsAnswered429WithRetryAfter() async throws {
        var config = TestServer.configuration(mode: .enforce, pki: Self.pki)
        config.authorizeConcurrency = 0
        let server = try await TestServer.start(config)
        let client = try APIServerClient(port: server.port, pki: Self.pki)
        let refused = try await client.post("/authorize", kubeletReview(user: "system:serviceaccount:monitoring:netdata", groups: [],
                                                                         verb: "get", subresource: "proxy", node: "gpu-node-1"))
        #expect(refused.status == 429)
        #expect(refused.headers.contains { $0.0.lowercased() == "retry-after" && $0.1 == "1" })
        let status = try #require(try JSONSerialization.jsonObject(with: refused.body) as? [String: Any])
        #expect(status["kind"] as? String == "Status" && status["reason"] as? String == "TooManyRequests" && status["code"] as? Int == 429)
        #expect(try await client.get("/metrics").body.contains("kubelet_authz_reviews_shed_total 1"))
        try await client.shutdown()
        try await server.stop()
    }

    /// The kubelet asks nodes/pods, then nodes/proxy, and treats a deny like no opinion between
    /// them: a path is refused only when every check of its set is denied.
    @Test func enforceDeniesBothChecksOfAnUnapprovedPodsList() async throws {
        let checks = try Self.checks(vector: "km-023")  // GET /pods/ → get nodes/pods, get nodes/proxy
        #expect(checks.count == 2)
        let server = try await TestServer.start(TestServer.configuration(mode: .enforce, pki: Self.pki))
        let client = try APIServerClient(port: server.port, pki: Self.pki)
        func verdicts(_ user: String) async throws -> [Bool] {
            var out: [Bool] = []
            for c in checks {
                let a = try await client.post("/authorize", kubeletReview(user: user, groups: ["system:authenticated"], verb: c.verb,
                                                                          subresource: c.subresource, node: "gpu-node-2"))
                out.append(try ReviewStatus(a.body).denied)
            }
            return out
        }
        // netdata: approved for metrics only → both checks denied → the path is refused.
        #expect(try await verdicts("system:serviceaccount:monitoring:netdata") == [true, true])
        // node-inspector: approved for get nodes/pods → that check has no opinion (RBAC
        // decides), only nodes/proxy is denied → the path is not refused by the webhook.
        let inspector = try await verdicts("system:serviceaccount:ml-platform:node-inspector")
        #expect(inspector == [false, true])
        #expect(inspector.contains(false))
        try await client.shutdown()
        try await server.stop()
    }

    /// ml-platform-oncall may get nodes/proxy on gpu-node-1 and gpu-node-2 until its review on
    /// 2026-11-01: before it the webhook has no opinion and RBAC (gpu-debug) allows; after it,
    /// or on another node, the check is denied.
    @Test func approvedNodesProxyGetIsLeftToRBAC() async throws {
        var config = TestServer.configuration(mode: .enforce, pki: Self.pki)
        config.clock = { 1_792_065_600 }  // 2026-10-15
        let server = try await TestServer.start(config)
        let client = try APIServerClient(port: server.port, pki: Self.pki)
        let oncall = ["ml-platform-oncall", "system:authenticated"]
        let review = kubeletReview(user: "bob@example.com", groups: oncall, verb: "get", subresource: "proxy", node: "gpu-node-1")
        let status = try ReviewStatus(try await client.post("/authorize", review).body)
        #expect(!status.denied && !status.allowed)
        // The API server asks RBAC next: the demo's gpu-debug binding allows the group.
        let snapshot = try ClusterFileReader.read([TestServer.examples + "/ai-cluster"], stdin: { Data() })
        let rbac = SubjectAccessReviewer(authorizer: RBACAuthorizer(policy: snapshot.policy()))
        let answered = try rbac.review(SubjectAccessReview.decode(review)).get()
        #expect(answered.status?.allowed == true)
        let elsewhere = try ReviewStatus(try await client.post("/authorize", kubeletReview(
            user: "bob@example.com", groups: oncall, verb: "get", subresource: "proxy", node: "cpu-node-1")).body)
        #expect(elsewhere.denied)
        try await client.shutdown()
        try await server.stop()

        let later = try await TestServer.start(TestServer.configuration(mode: .enforce, pki: Self.pki))  // 2026-11-27
        let again = try APIServerClient(port: later.port, pki: Self.pki)
        let lapsed = try ReviewStatus(try await again.post("/authorize", review).body)
        #expect(lapsed.denied)
        #expect(lapsed.reason.contains("lapsed after its review date 2026-11-01"))
        try await again.shutdown()
        try await later.stop()
    }

    @Test func neverDeniedSubjectsGetNoOpinion() async throws {
        let server = try await TestServer.start(TestServer.configuration(mode: .enforce, pki: Self.pki))
        let client = try APIServerClient(port: server.port, pki: Self.pki)
        for (user, groups) in [("kube-apiserver-kubelet-client", ["system:authenticated"]),
                               ("system:node:gpu-node-1", ["system:nodes", "system:authenticated"]),
                               ("admin", ["system:masters", "system:authenticated"])] {
            let s = try ReviewStatus(try await client.post("/authorize", kubeletReview(user: user, groups: groups, verb: "create", subresource: "proxy", node: "gpu-node-1")).body)
            #expect(!s.denied, "\(user) must never be denied")
        }
        // Not a kubelet check: none of the webhook's business, even for an unknown user.
        var other = try JSONSerialization.jsonObject(with: kubeletReview(user: "mallory", groups: [], verb: "get", subresource: "status", node: "n")) as! [String: Any]
        var spec = other["spec"] as! [String: Any]
        spec["resourceAttributes"] = ["verb": "get", "version": "v1", "resource": "pods", "namespace": "default"]
        other["spec"] = spec
        let s = try ReviewStatus(try await client.post("/authorize", JSONSerialization.data(withJSONObject: other)).body)
        #expect(!s.denied)
        try await client.shutdown()
        try await server.stop()
    }

    /// Observe mode answers no opinion to everything, and records what enforce would have done.
    @Test func observeChangesNoVerdictAndRecordsDecisions() async throws {
        let dbPath = Fixtures.temporaryDirectory().appendingPathComponent("evidence.db").path
        let db = try EvidenceStore(path: dbPath)
        let server = try await TestServer.start(TestServer.configuration(mode: .observe, pki: Self.pki), store: StoreAccess(evidence: db, decisions: db))
        let client = try APIServerClient(port: server.port, pki: Self.pki)
        let netdata = "system:serviceaccount:monitoring:netdata"
        for _ in 0..<3 {
            let s = try ReviewStatus(try await client.post("/authorize", kubeletReview(user: netdata, groups: [], verb: "get", subresource: "proxy", node: "gpu-node-1")).body)
            #expect(!s.denied && !s.allowed && s.reason.isEmpty)
        }
        let m = try ReviewStatus(try await client.post("/authorize", kubeletReview(user: netdata, groups: [], verb: "get", subresource: "metrics", node: "gpu-node-1")).body)
        #expect(!m.denied)
        try await client.shutdown()
        try await server.stop()  // the last flush
        let rows = try EvidenceStore(path: dbPath).decisions()
        let byCheck = Dictionary(uniqueKeysWithValues: rows.map { ("\($0.key.verb) \($0.key.subresource) \($0.key.verdict.rawValue)", $0) })
        #expect(rows.count == 2)
        #expect(byCheck["get proxy deny"]?.count == 3)
        #expect(byCheck["get proxy deny"]?.key.mode == "observe")
        #expect(byCheck["get proxy deny"]?.key.user == netdata && byCheck["get proxy deny"]?.key.node == "gpu-node-1")
        #expect(byCheck["get metrics no-opinion"]?.count == 1)
        #expect(byCheck["get proxy deny"]?.firstSeen == TestServer.demoDay)
    }

    @Test func malformedAndOversizedReviewsAreRefusedWithAStatus() async throws {
        let server = try await TestServer.start(TestServer.configuration(mode: .enforce, pki: Self.pki))
        let client = try APIServerClient(port: server.port, pki: Self.pki)
        for body in [Data("{not json".utf8), Data(#"{"kind":"Pod","apiVersion":"v1"}"#.utf8), Data(#"{"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1","spec":{"user":7}}"#.utf8), Data()] {
            let a = try await client.post("/authorize", body)
            #expect(a.status == 400)
            let status = try #require(try JSONSerialization.jsonObject(with: a.body) as? [String: Any])
            #expect(status["kind"] as? String == "Status" && status["reason"] as? String == "BadRequest" && status["code"] as? Int == 400)
        }
        let huge = try await client.post("/authorize", Data(repeating: 0x20, count: (1 << 20) + 1))
        #expect(huge.status == 413)
        // Still serving.
        let ok = try await client.post("/authorize", kubeletReview(user: "u", groups: [], verb: "get", subresource: "proxy", node: "n"))
        #expect(ok.status == 200)
        let metrics = try await client.get("/metrics")
        #expect(metrics.body.contains("kubelet_authz_malformed_reviews_total 5"))
        #expect(metrics.body.contains(#"kubelet_authz_decisions_total{mode="enforce",subresource="proxy",verb="get",result="deny"} 1"#))
        #expect(metrics.body.contains("kubelet_authz_decision_duration_seconds_bucket"))
        #expect(metrics.body.contains("kubelet_authz_policy_age_seconds"))
        #expect(metrics.body.contains("kubelet_authz_policy_reload_failures_total 0"))
        #expect((try await client.get("/readyz")).status == 200)
        #expect((try await client.get("/healthz")).status == 200)
        try await client.shutdown()
        try await server.stop()
    }
}
