import CLITestSupport
import Foundation
import TestSupport
import Testing

/// A plan whose proof fails prints no RBAC and exits 1 unless `--allow-breaking`: piped into
/// `kubectl apply`, printed RBAC would be applied whatever the exit code. The failing plan is a
/// real one: the demo plus `bob@example.com`, bound to a ClusterRole that already carries the
/// name the plan gives alice's own role, and seen using `create nodes/proxy` in the audit log
/// (the planner does not check that the name is free; the proof catches what follows).
/// Alice's new role replaces that object, so bob's request would break.
@Suite("plan: a failed proof")
struct PlanProofGateTests {
    static let root = Fixtures.repositoryRoot.path

    /// The demo's audit log plus bob's allowed `create nodes/proxy` (the demo's own record of
    /// alice, with bob's name and verb), and the colliding role and bob's binding.
    static func inputs() throws -> (dir: URL, audit: String, rbac: String) {
        let dir = Fixtures.temporaryDirectory()
        let log = try String(contentsOfFile: root + "/examples/audit/audit.log", encoding: .utf8)
        let alice = try #require(log.split(separator: "\n").first {
            $0.contains("\"user\":\"alice@example.com\"") && $0.contains("\"subresource\":\"proxy\"") && $0.contains("\"allowed\":true")
        })
        let bob = String(alice).replacingOccurrences(of: "alice@example.com", with: "bob@example.com")
            .replacingOccurrences(of: "\"verb\":\"get\",\"version\"", with: "\"verb\":\"create\",\"version\"")
            .replacingOccurrences(of: "\"auditID\":\"", with: "\"auditID\":\"b0b-")
            // Not of alice's on-call group, whose own binding would let the request through.
            .replacingOccurrences(of: "\"groups\":[\"ml-platform-oncall\",", with: "\"groups\":[")
        #expect(bob.contains("\"verb\":\"create\",\"version\":\"v1\",\"resource\":\"nodes\",\"subresource\":\"proxy\"") && !bob.contains("ml-platform-oncall"))
        let audit = dir.appendingPathComponent("audit.log").path
        try (log + (log.hasSuffix("\n") ? "" : "\n") + bob + "\n").write(toFile: audit, atomically: true, encoding: .utf8)
        let rbac = dir.appendingPathComponent("bob.yaml").path
        try """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: "kubelet-authz:user:alice@example.com"
        rules:
        - apiGroups: [""]
          resources: [nodes/proxy]
          verbs: [get, create]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata:
          name: bob-debug
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "kubelet-authz:user:alice@example.com"}
        subjects:
        - {apiGroup: rbac.authorization.k8s.io, kind: User, name: bob@example.com}

        """.write(toFile: rbac, atomically: true, encoding: .utf8)
        return (dir, audit, rbac)
    }

    static func plan(_ extra: [String], _ i: (dir: URL, audit: String, rbac: String)) async -> CommandResult {
        await kubeletAuthz(["plan", "-f", root + "/examples/ai-cluster", "-f", i.rbac, "--audit", i.audit,
                            "--register", root + "/examples/register.yaml", "--now", "2026-11-27", "--subject", "user/alice@example.com"] + extra)
    }

    @Test("no RBAC and exit 1, for the default output and -o yaml; the proof is shown in -o json, which exits 1 too")
    func blocked() async throws {
        let i = try Self.inputs()
        for extra in [[], ["-o", "yaml"]] {
            let r = await Self.plan(extra, i)
            #expect(r.code == 1, "\(extra): \(r.err)")
            #expect(r.out.isEmpty, "\(extra): RBAC printed for a failed proof:\n\(r.out)")
            #expect(r.err.contains("The proof does not hold") && r.err.contains("no RBAC printed"), "\(r.err)")
            #expect(r.err.contains("1 breaking request"), "\(r.err)")
        }
        let json = await Self.plan(["-o", "json"], i)
        #expect(json.code == 1)
        let summary = try #require(try jsonObject(json.out)["summary"] as? [String: Any])
        #expect(summary["proofHolds"] as? Bool == false)
        #expect(summary["breakingRequests"] as? Int == 1)
    }

    @Test("--allow-breaking prints the RBAC and exits 0")
    func allowed() async throws {
        let i = try Self.inputs()
        let r = await Self.plan(["--allow-breaking"], i)
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.contains("kind: ClusterRole\nmetadata:\n  name: \"kubelet-authz:user:alice@example.com\""), "\(r.out)")
        #expect(r.out.contains("# proof: 1 breaking request;"))
    }
}
