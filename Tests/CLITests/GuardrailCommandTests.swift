import CLITestSupport
import Foundation
import TestSupport
import Testing
import Yams

@Suite("kubelet-authz guardrail")
struct GuardrailCommandTests {
    @Test("--demo: four objects for kubectl apply, the register's exceptions, the expired one left out")
    func demo() async throws {
        let r = await kubeletAuthz(["guardrail", "--demo"])
        #expect(r.code == 0, "\(r.err)")
        let documents = try Yams.load_all(yaml: r.out).compactMap { $0 as? [String: Any] }
        #expect(documents.map { $0["kind"] as? String ?? "" } == ["ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
                                                                 "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"])
        let metadata = try #require(documents[0]["metadata"] as? [String: Any])
        // gpu-debug (register roles:, 2027-01-15) and the API server's kubelet client (2027-03-15).
        #expect((metadata["annotations"] as? [String: Any])?["kubelet-authz.io/exceptions-expire"] as? String == "2027-01-15")
        #expect((metadata["labels"] as? [String: Any])?["app.kubernetes.io/managed-by"] as? String == "kubelet-authz")
        #expect(r.out.contains("object.metadata.name in ['gpu-debug']"))
        // ml-platform-oncall's approval lapsed on 2026-11-01: its bindings are judged again.
        #expect(r.err.contains("Note: left out Group/ml-platform-oncall (expired 2026-11-01)"))
        #expect(!r.out.contains("'Group/ml-platform-oncall'"))
        #expect(r.out.contains("'User/kube-apiserver-kubelet-client'"))
        let spec = try #require(documents[1]["spec"] as? [String: Any])
        #expect(spec["validationActions"] as? [String] == ["Deny"])
    }

    @Test("--action and -o json")
    func actionAndJSON() async throws {
        let r = await kubeletAuthz(["guardrail", "--demo", "--action", "Audit", "-o", "json"])
        #expect(r.code == 0, "\(r.err)")
        let list = try jsonObject(r.out)
        let items = try #require(list["items"] as? [[String: Any]])
        #expect(items.count == 4 && list["kind"] as? String == "List")
        #expect((items[3]["spec"] as? [String: Any])?["validationActions"] as? [String] == ["Audit"])
        let bad = await kubeletAuthz(["guardrail", "--demo", "--action", "deny"])
        #expect(bad.code == 2 && bad.err.contains("--action \"deny\": expected Deny, Audit or Warn"))
    }

    @Test("an API server older than 1.30 is warned about")
    func oldServer() async throws {
        let examples = Fixtures.repositoryRoot.appendingPathComponent("examples/ai-cluster").path
        let info = try Fixtures.temporaryFile("info.yaml", "apiVersion: v1\nkind: ClusterSnapshotInfo\nserverVersion: v1.29.4\n")
        let r = await kubeletAuthz(["guardrail", "-f", examples, "-f", info, "--now", "2026-11-27"])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.err.contains("Warning: the API server is v1.29.4; ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1) needs Kubernetes 1.30 or later"))
        let current = await kubeletAuthz(["guardrail", "--demo"])
        #expect(!current.err.contains("needs Kubernetes 1.30"))
    }

    @Test("a bad register: exit 2 naming file and line")
    func badRegister() async throws {
        let path = try Fixtures.temporaryFile("reg.yaml", "kind: KubeletAccessRegister\nroles:\n- role: {kind: Role, name: r, namespace: n}\n")
        let r = await kubeletAuthz(["guardrail", "--demo", "--register", path])
        #expect(r.code == 2)
        #expect(r.err.contains("\(path):3: roles[0].role.kind: a Role cannot grant nodes/proxy"))
    }

    @Test("the installed guardrail, scanned after its first exception expired, is KA048")
    func scanAfterExpiry() async throws {
        let r = await kubeletAuthz(["guardrail", "--demo"])
        #expect(r.code == 0)
        let path = try Fixtures.temporaryFile("guardrail.yaml", r.out)
        let examples = Fixtures.repositoryRoot.appendingPathComponent("examples/ai-cluster").path
        func ids(_ now: String) async throws -> [String] {
            let s = await kubeletAuthz(["scan", "-f", examples, "-f", path, "--now", now, "-o", "json"])
            #expect(s.code == 0, "\(s.err)")
            return try #require(try jsonObject(s.out)["findings"] as? [[String: Any]]).compactMap { $0["id"] as? String }
        }
        #expect(try await ids("2027-01-15").filter { $0 == "KA048" }.isEmpty)
        #expect(try await ids("2027-01-16").filter { $0 == "KA048" }.count == 2)
    }
}
