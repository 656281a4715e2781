import CLITestSupport
import Foundation
import TestSupport
import Testing

@Suite("scan with kubelet-config/ files")
struct KubeletConfigCommandTests {
    static let demo = Fixtures.repositoryRoot.appendingPathComponent("examples/ai-cluster").path

    @Test("the demo's kubelet-config/ folder is read: gpu-node-2's read-only port is found, every node has a row")
    func demo() async throws {
        let r = await kubeletAuthz(["scan", "-f", Self.demo, "--now", "2026-11-27", "-o", "json"])
        #expect(r.code == 0, "\(r.err)")
        let j = try jsonObject(r.out)
        let findings = try #require(j["findings"] as? [[String: Any]])
        let readOnly = findings.filter { $0["id"] as? String == "KA053" }
        #expect(readOnly.count == 1)
        #expect((readOnly.first?["message"] as? String)?.contains("node gpu-node-2 serves the read-only port 10255") == true)
        #expect(!findings.contains { ["KA050", "KA051", "KA052", "KA055", "KA056"].contains($0["id"] as? String ?? "") })
        let section = try #require(j["kubeletConfig"] as? [String: Any])
        #expect(section["origin"] as? String == "files")
        let nodes = try #require(section["nodes"] as? [[String: Any]])
        #expect(nodes.map { $0["node"] as? String ?? "" } == ["control-plane-1", "cpu-node-1", "gpu-node-1", "gpu-node-2"])
        #expect(nodes.allSatisfy { $0["status"] as? String == "read" })

        let md = await kubeletAuthz(["scan", "-f", Self.demo, "--now", "2026-11-27", "-o", "markdown"])
        #expect(md.out.contains("## Kubelet configuration"))
        #expect(md.out.contains("| gpu-node-2 | Webhook | disabled | enabled | **10255** | 5m0s / 30s |"))
    }

    @Test("a kubelet that lets anonymous callers in is critical when RBAC grants them kubelet access")
    func anonymousGrant() async throws {
        let dir = Fixtures.temporaryDirectory()
        try """
        apiVersion: v1
        kind: Node
        metadata: {name: edge-1}
        status: {nodeInfo: {kubeletVersion: v1.36.1}}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: anonymous-metrics}
        rules:
        - apiGroups: [""]
          resources: ["nodes/metrics"]
          verbs: ["get"]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: anonymous-metrics}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: anonymous-metrics}
        subjects:
        - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:unauthenticated"}
        """.write(to: dir.appendingPathComponent("cluster.yaml"), atomically: true, encoding: .utf8)
        let folder = dir.appendingPathComponent("kubelet-config")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nauthentication:\n  anonymous:\n    enabled: true\n"
            .write(to: folder.appendingPathComponent("edge-1.yaml"), atomically: true, encoding: .utf8)
        let r = await kubeletAuthz(["scan", "-f", dir.path, "--now", "2026-11-27", "-o", "json"])
        #expect(r.code == 0, "\(r.err)")
        let findings = try #require(try jsonObject(r.out)["findings"] as? [[String: Any]])
        let anonymous = try #require(findings.first { $0["id"] as? String == "KA051" })
        #expect(anonymous["severity"] as? String == "critical")
        #expect((anonymous["message"] as? String)?.contains("grants system:anonymous or system:unauthenticated nodes/metrics") == true)
    }

    @Test("--kubelet-config DIR: a node without a file is a blind spot; a malformed file is exit 2 naming file and line")
    func explicitFolder() async throws {
        let dir = Fixtures.temporaryDirectory()
        try "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nauthorization:\n  mode: AlwaysAllow\n"
            .write(to: dir.appendingPathComponent("gpu-node-1.yaml"), atomically: true, encoding: .utf8)
        let r = await kubeletAuthz(["scan", "-f", Self.demo, "--kubelet-config", dir.path, "--now", "2026-11-27", "-o", "json"])
        #expect(r.code == 0, "\(r.err)")
        let findings = try #require(try jsonObject(r.out)["findings"] as? [[String: Any]])
        #expect(findings.contains { $0["id"] as? String == "KA050" && ($0["message"] as? String)?.contains("gpu-node-1") == true })
        let blind = findings.filter { $0["id"] as? String == "KA055" }
        #expect(blind.count == 1)
        #expect((blind.first?["message"] as? String)?.contains("nodes control-plane-1, cpu-node-1, gpu-node-2: no <node>.yaml or <node>.json in \(dir.path)") == true)

        try "{\"kubeletconfig\": {\"authentication\": {\"anonymous\": {\"enabled\": \"true\"}}}}\n"
            .write(to: dir.appendingPathComponent("gpu-node-1.yaml"), atomically: true, encoding: .utf8)
        let bad = await kubeletAuthz(["scan", "-f", Self.demo, "--kubelet-config", dir.path])
        #expect(bad.code == 2)
        #expect(bad.err.contains("gpu-node-1.yaml:1: kubeletconfig.authentication.anonymous.enabled: expected true or false"), "\(bad.err)")
        let missing = await kubeletAuthz(["scan", "-f", Self.demo, "--kubelet-config", dir.appendingPathComponent("nope").path])
        #expect(missing.code == 2)
        #expect(missing.err.contains("not a directory"))
    }
}
