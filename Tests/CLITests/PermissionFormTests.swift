import CLITestSupport
import Foundation
import TestSupport
import Testing

/// kubectl's and RBAC's `VERB nodes/SUB` beside the kubelet's `METHOD PATH`: who-can and explain
/// answer that one check with the same engine.
@Suite("VERB nodes/SUB")
struct PermissionFormTests {
    static func subjects(_ args: [String]) async throws -> [[String: Any]] {
        let r = await kubeletAuthz(["who-can", "-f", exampleDir, "-o", "json"] + args)
        #expect(r.code == 0, "\(r.err)")
        return try jsonObject(r.out)["subjects"] as? [[String: Any]] ?? []
    }

    static func keys(_ subjects: [[String: Any]]) -> Set<String> {
        Set(subjects.map { "\($0["kind"] as? String ?? "") \($0["namespace"] as? String ?? "")/\($0["name"] as? String ?? "")" })
    }

    @Test("who-can get nodes/proxy is who passes the one check GET /exec sends")
    func proxy() async throws {
        let permission = try await Self.subjects(["get", "nodes/proxy"])
        let exec = try await Self.subjects(["GET", "/exec/tenant-a-inference/llm-0/vllm"])
        #expect(!permission.isEmpty)
        #expect(Self.keys(permission) == Self.keys(exec))
        let json = try jsonObject(await kubeletAuthz(["who-can", "-f", exampleDir, "-o", "json", "get", "nodes/proxy"]).out)
        #expect(json["verb"] as? String == "get" && json["subresource"] as? String == "proxy")
        #expect((json["paths"] as? [String])?.contains("/exec/") == true, "\(json["paths"] ?? "")")
        #expect(json["method"] == nil)
    }

    @Test("who-can get nodes/pods leaves out those GET /pods lets through only by the nodes/proxy fallback")
    func withoutFallback() async throws {
        let permission = Self.keys(try await Self.subjects(["get", "nodes/pods"]))
        let request = try await Self.subjects(["GET", "/pods"])
        let direct = Self.keys(request.filter { $0["onlyViaFallback"] as? Bool == false })
        #expect(permission == direct)
        #expect(permission.count < request.count, "the example cluster has nodes/proxy holders")
    }

    @Test("--node names the node: a grant pinned by resourceNames counts for its node only")
    func node() async throws {
        let reader = "ServiceAccount ml-platform/gpu-log-reader"
        #expect(Self.keys(try await Self.subjects(["--node", "gpu-node-1", "get", "nodes/log"])).contains(reader))
        #expect(!Self.keys(try await Self.subjects(["--node", "cpu-node-1", "get", "nodes/log"])).contains(reader))
        // Without --node, who-can lists whoever reaches some node, with the nodes it reaches.
        let any = try await Self.subjects(["get", "nodes/log"])
        let via = try #require(any.first { $0["name"] as? String == "gpu-log-reader" }?["via"] as? [[String: Any]])
        #expect(via.map { $0["nodes"] as? [String] } == [["gpu-node-1"]])
    }

    @Test("explain --as SA get nodes/SUB answers that one check; --exit-code follows it")
    func explain() async throws {
        let base = ["explain", "-f", exampleDir, "--as", "system:serviceaccount:datadog:datadog", "--node", "gpu-node-1", "--exit-code"]
        let proxy = await kubeletAuthz(base + ["get", "nodes/proxy"])
        #expect(proxy.code == 0, "\(proxy.err)")
        #expect(proxy.out.contains("Permission:   get nodes/proxy on node gpu-node-1"))
        #expect(proxy.out.contains("ALLOWED"))
        let pods = await kubeletAuthz(base + ["get", "nodes/pods"])
        #expect(pods.code == 1)
        #expect(pods.out.contains("DENIED"))
        let json = try jsonObject(await kubeletAuthz(Array(base.dropLast()) + ["-o", "json", "get", "nodes/pods"]).out)
        #expect(json["allowed"] as? Bool == false)
        #expect((json["checks"] as? [[String: Any]])?.map { $0["subresource"] as? String } == ["pods"])
    }

    @Test("bad permissions are exit 2 with what is known", arguments: [
        (["get", "nodes/foo"], "nodes/foo: no kubelet checks this subresource; the known ones are nodes/proxy, nodes/checkpoint"),
        (["list", "nodes/proxy"], "a kubelet only ever checks create, get, update, patch, delete"),
        (["GET", "nodes/proxy"], "did you mean get nodes/proxy?"),
        (["get", "nodes/proxy/gpu-node-1"], "name the node with --node gpu-node-1"),
        (["get", "nodes"], "a kubelet checks nodes/<subresource>"),
    ])
    func bad(_ c: ([String], String)) async {
        let r = await kubeletAuthz(["who-can", "-f", exampleDir] + c.0)
        #expect(r.code == 2)
        #expect(r.err.contains(c.1), "\(r.err)")
    }

    @Test("a subresource the release never checks is answered with a warning")
    func unchecked() async {
        let r = await kubeletAuthz(["who-can", "-f", exampleDir, "--kube-version", "1.36", "get", "nodes/spec"])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.err.contains("never check nodes/spec: holding it opens no kubelet path"), "\(r.err)")
    }

    @Test("map takes only the request; a lower-case method gets both readings as a hint")
    func mapAndHints() async {
        let map = await kubeletAuthz(["map", "get", "nodes/pods"])
        #expect(map.code == 2)
        #expect(map.err.contains("names a permission, not a request"))
        let lower = await kubeletAuthz(["who-can", "-f", exampleDir, "get", "/pods"])
        #expect(lower.code == 2)
        #expect(lower.err.contains("did you mean GET /pods, or get nodes/pods?"), "\(lower.err)")
    }
}
