import CLITestSupport
import Foundation
import TestSupport
import Testing

/// `scan --ai` and the review's place in `scan -o json` and `-o markdown`, on the bundled demo
/// (examples/ai-cluster, its register and audit log).
@Suite("scan --ai")
struct AIReviewCommandTests {
    let fixed = ["--now", "2026-11-27"]

    @Test("json: the review and only its findings; the demo's audit log keeps failed reviews")
    func json() async throws {
        let r = await kubeletAuthz(["scan", "--demo", "--ai", "-o", "json"] + fixed)
        #expect(r.code == 0, "\(r.err)")
        let j = try jsonObject(r.out)
        #expect(j["schemaVersion"] as? Int == 2)
        let review = try #require(j["aiReview"] as? [String: Any])
        let audit = try #require(review["auditKeepsFailedReviews"] as? [String: Any])
        #expect(audit["answer"] as? String == "yes")
        let nodes = try #require(review["aiNodes"] as? [[String: Any]])
        #expect(nodes.compactMap { $0["name"] as? String } == ["gpu-node-1", "gpu-node-2"])
        let subjects = try #require(review["subjects"] as? [[String: Any]])
        let netdata = try #require(subjects.first { $0["name"] as? String == "netdata" })
        #expect(netdata["aiNodes"] as? String == "*")
        #expect(netdata["collector"] as? String == "netdata")
        let path = try #require(netdata["path"] as? [String])
        #expect(path.first == "ServiceAccount monitoring/netdata" && path.contains("Pod kube-system/gpu-operator-6d8f9c7b5-xk2lp"))
        let escalations = try #require(netdata["escalations"] as? [[String: Any]])
        #expect((escalations.first?["powers"] as? [String])?.contains("escalate") == true)
        // A power through a RoleBinding carries its namespace, binding and role.
        let oncall = try #require(subjects.first { $0["name"] as? String == "ml-platform-oncall" })
        let mirror = try #require((oncall["escalations"] as? [[String: Any]])?.first {
            ($0["serviceAccount"] as? [String: Any])?["name"] as? String == "registry-mirror"
        })
        #expect(mirror["powers"] as? [String] == ["secrets in kube-system"])
        #expect(mirror["via"] as? [String] == ["kube-system/registry-mirror → registry-mirror"])
        let grant = try #require((mirror["grants"] as? [[String: Any]])?.first)
        #expect(grant["power"] as? String == "secrets" && grant["namespace"] as? String == "kube-system")
        #expect(grant["binding"] as? [String: String] == ["kind": "RoleBinding", "namespace": "kube-system", "name": "registry-mirror"])
        #expect(grant["role"] as? [String: String] == ["kind": "Role", "name": "registry-mirror"])
        let operatorGrant = try #require((escalations.first?["grants"] as? [[String: Any]])?.first)
        #expect(operatorGrant["namespace"] is NSNull)
        #expect((operatorGrant["binding"] as? [String: String])?["kind"] == "ClusterRoleBinding")
        // The pinned log reader: a list, one node.
        let reader = try #require(subjects.first { $0["name"] as? String == "gpu-log-reader" })
        #expect((reader["aiNodes"] as? [[String: Any]])?.compactMap { $0["node"] as? String } == ["gpu-node-1"])
        let ids = Set(try #require(j["findings"] as? [[String: Any]]).compactMap { $0["id"] as? String })
        #expect(ids == ["KA041", "KA042", "KA043", "KA044"])
    }

    @Test("the full report carries the review as a member and a markdown section")
    func inScan() async throws {
        let json = await kubeletAuthz(["scan", "--demo", "-o", "json"] + fixed)
        let j = try jsonObject(json.out)
        #expect(j["aiReview"] is [String: Any])
        let md = await kubeletAuthz(["scan", "--demo", "-o", "markdown"] + fixed)
        for heading in ["## AI-workload review", "### AI nodes", "### Cross-tenant reach", "### Escalation paths"] {
            #expect(md.out.contains(heading), "\(heading)")
        }
        #expect(md.out.contains("without a mounted token (`automountServiceAccountToken: false`): kube-system/cluster-backup-7c9d4b6f8-m2q9z on gpu-node-2"))
        #expect(md.out.contains("`ServiceAccount kube-system/registry-mirror` → `RoleBinding kube-system/registry-mirror` → `Role kube-system/registry-mirror: read secrets in namespace kube-system`"))
        let alone = await kubeletAuthz(["scan", "--demo", "--ai", "-o", "markdown"] + fixed)
        #expect(alone.out.hasPrefix("# AI-workload review\n"))
        #expect(alone.out.contains("KA043"))
    }

    @Test("--tenant-label names tenants by the namespace label; bad use is exit 2", arguments: [
        ["--ai", "-o", "csv"], ["--ai", "-o", "sarif"], ["--tenant-label", " "],
    ])
    func badInput(args: [String]) async {
        let r = await kubeletAuthz(["scan", "--demo"] + fixed + args)
        #expect(r.code == 2, "\(args): \(r.err)")
        #expect(!r.err.isEmpty)
    }

    @Test("--fail-on judges only the review's findings under --ai")
    func failOn() async {
        let r = await kubeletAuthz(["scan", "--demo", "--ai", "--fail-on", "critical"] + fixed)
        #expect(r.code == 1)
        #expect(r.err.contains("finding") && r.err.contains("critical"))
        let labelled = await kubeletAuthz(["scan", "--demo", "--ai", "--tenant-label", "tenant.example.com/name", "-o", "json"] + fixed)
        let ids = (try? jsonObject(labelled.out)["findings"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
        #expect(!ids.isEmpty && !ids.contains("KA041"))
    }
}
