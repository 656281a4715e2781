import TestPKI
import Foundation
import KubeClient
import Testing
import TestSupport

/// `verify` against an API server whose SubjectAccessReview answers come from a table of
/// what these RBAC objects allow — written by hand, not by our engine — so the comparison
/// can fail either way.
@Suite("verify compares our verdicts with the API server's SubjectAccessReviews", .serialized)
struct VerifyCommandTests {
    static let pki = try! TestPKI.make()

    static let cluster = ServedCluster(objects: [
        "Node": [#"{"apiVersion":"v1","kind":"Node","metadata":{"name":"gpu-1"},"status":{"nodeInfo":{"kubeletVersion":"v1.36.2"}}}"#,
                 #"{"apiVersion":"v1","kind":"Node","metadata":{"name":"gpu-2"},"status":{"nodeInfo":{"kubeletVersion":"v1.36.2"}}}"#],
        "ClusterRole": [
            #"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"proxy-get"},"rules":[{"apiGroups":[""],"resources":["nodes/proxy"],"verbs":["get"]}]}"#,
            #"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"stats-gpu-1"},"rules":[{"apiGroups":[""],"resources":["nodes/stats"],"resourceNames":["gpu-1"],"verbs":["get","create"]}]}"#,
        ],
        "ClusterRoleBinding": [
            #"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"agent"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"proxy-get"},"subjects":[{"kind":"ServiceAccount","name":"agent","namespace":"mon"}]}"#,
            #"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"alice-stats"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"stats-gpu-1"},"subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"alice"}]}"#,
        ],
    ])

    /// What the API server allows on these objects: user, verb, subresource, node ("*" = any).
    static let truth: Set<String> = [
        "system:serviceaccount:mon:agent get proxy *",
        "alice get stats gpu-1", "alice create stats gpu-1",
    ]

    static func answer(_ r: FakeAPIServer.Request, truth: Set<String>) -> FakeAPIServer.Response {
        struct SAR: Decodable {
            struct Spec: Decodable {
                struct RA: Decodable { var verb: String?; var resource: String?; var subresource: String?; var name: String? }
                var user: String?; var resourceAttributes: RA?
            }
            var apiVersion: String; var kind: String; var spec: Spec
        }
        guard let sar = try? JSONDecoder().decode(SAR.self, from: Data(r.body.utf8)), sar.kind == "SubjectAccessReview",
              sar.apiVersion == "authorization.k8s.io/v1", let ra = sar.spec.resourceAttributes, ra.resource == "nodes" else {
            return .init(status: 400, body: Wire.status(400, "BadRequest", "malformed SubjectAccessReview"))
        }
        let user = sar.spec.user ?? "", verb = ra.verb ?? "", sub = ra.subresource ?? "", node = ra.name ?? ""
        let allowed = truth.contains("\(user) \(verb) \(sub) \(node)") || truth.contains("\(user) \(verb) \(sub) *")
        let reason = allowed ? #"RBAC: allowed by ClusterRoleBinding \"x\""# : ""
        return .init(status: 201, body: #"{"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1","metadata":{},"spec":{},"status":{"allowed":\#(allowed)\#(reason.isEmpty ? "" : #","reason":""# + reason + #"""#)}}"#)
    }

    func server(truth: Set<String>) throws -> FakeAPIServer {
        let cluster = Self.cluster
        return try FakeAPIServer(pki: Self.pki) { r in
            let path = String(r.uri.split(separator: "?").first ?? "")
            if path == "/version" { return .init(status: 200, body: Wire.version) }
            if path == SubjectAccessReviewClient.path && r.method == "POST" { return Self.answer(r, truth: truth) }
            return cluster.page(path: path, query: "") ?? .init(status: 404, body: Wire.status(404, "NotFound", "not found"))
        }
    }

    @Test("agreement: zero disagreements, exit 0; every subject × subresource × verb on the sampled nodes was asked")
    func agreement() async throws {
        let s = try server(truth: Self.truth)
        defer { s.stop() }
        let kubeconfig = try writeKubeconfig(server: s, ca: Self.pki.caCert, in: Fixtures.temporaryDirectory())
        let r = await run(["verify", "--kubeconfig", kubeconfig])
        #expect(r.code == 0, "\(r.out)\(r.err)")
        #expect(r.out.contains(": 0 disagreements."))
        // agent: unpinned, one node; alice: pinned to gpu-1, plus gpu-2 where she is not.
        let asked = s.requests.filter { $0.method == "POST" }.count
        #expect(asked == (1 + 2) * 10 * 5)
        #expect(r.out.contains("Checked \(asked) combinations"))
        let all = await run(["verify", "--kubeconfig", kubeconfig, "--all", "-o", "json"])
        #expect(all.code == 0)
        let json = try JSONSerialization.jsonObject(with: Data(all.out.utf8)) as? [String: Any]
        #expect(json?["checked"] as? Int == 2 * 2 * 10 * 5)
    }

    @Test("a disagreement is printed in full — ours, theirs, the rule — and exits 1")
    func disagreement() async throws {
        // This API server also lets alice get stats on gpu-2: our engine, reading the same
        // objects, says no — exactly the situation verify exists to catch.
        let s = try server(truth: Self.truth.union(["alice get stats gpu-2"]))
        defer { s.stop() }
        let kubeconfig = try writeKubeconfig(server: s, ca: Self.pki.caCert, in: Fixtures.temporaryDirectory())
        let r = await run(["verify", "--kubeconfig", kubeconfig])
        #expect(r.code == 1)
        // Exactly the README's example.
        #expect(r.out == """
        DISAGREEMENT: User alice get nodes/stats gpu-2
          as:     user alice, groups system:authenticated
          ours:   no opinion (denied)
          rule:   none: no binding grants it
          theirs: allowed — RBAC: allowed by ClusterRoleBinding "x"

        Checked 150 combinations (3 subject–node pairs of 2 subjects on 2 nodes × 10 subresources × 5 verbs) with SubjectAccessReviews to \(s.url): 1 disagreement.

        """)
        // And the other way: the server denies what we allow, with our rule named.
        let t = try server(truth: Self.truth.subtracting(["alice create stats gpu-1"]))
        defer { t.stop() }
        let k2 = try writeKubeconfig(server: t, ca: Self.pki.caCert, in: Fixtures.temporaryDirectory())
        let r2 = await run(["verify", "--kubeconfig", k2, "-o", "json"])
        #expect(r2.code == 1)
        let json = try JSONSerialization.jsonObject(with: Data(r2.out.utf8)) as? [String: Any]
        let d = try #require((json?["disagreements"] as? [[String: Any]])?.first)
        #expect(d["verb"] as? String == "create")
        #expect((d["rule"] as? String)?.contains("alice-stats") == true)
        #expect((d["ours"] as? [String: Any])?["allowed"] as? Bool == true)
        #expect((d["theirs"] as? [String: Any])?["allowed"] as? Bool == false)
    }

    @Test("without create on subjectaccessreviews, verify says which permission is missing")
    func forbidden() async throws {
        let cluster = Self.cluster
        let s = try FakeAPIServer(pki: Self.pki) { r in
            let path = String(r.uri.split(separator: "?").first ?? "")
            if path == "/version" { return .init(status: 200, body: Wire.version) }
            if path == SubjectAccessReviewClient.path {
                return .init(status: 403, body: Wire.status(403, "Forbidden", #"subjectaccessreviews.authorization.k8s.io is forbidden: User \"auditor\" cannot create resource \"subjectaccessreviews\" in API group \"authorization.k8s.io\" at the cluster scope"#))
            }
            return cluster.page(path: path, query: "") ?? .init(status: 404, body: Wire.status(404, "NotFound", "not found"))
        }
        defer { s.stop() }
        let kubeconfig = try writeKubeconfig(server: s, ca: Self.pki.caCert, in: Fixtures.temporaryDirectory())
        let r = await run(["verify", "--kubeconfig", kubeconfig])
        #expect(r.code == 2)
        #expect(r.err.contains("create on subjectaccessreviews.authorization.k8s.io"))
        #expect(!r.err.contains("live-token"))
    }
}
