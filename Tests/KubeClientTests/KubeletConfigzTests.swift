import TestPKI
import CLITestSupport
import Foundation
import KubeClient
import Testing
import TestSupport

/// `scan --kubelet-configz` against in-test HTTPS "kubelets" on 127.0.0.1: each serves
/// /configz with one bad setting, under a CA of its own (kubelet serving certificates are
/// often not the cluster's).
@Suite("scan reads each kubelet's /configz directly", .serialized)
struct KubeletConfigzTests {
    static let clusterPKI = try! TestPKI.make()
    static let kubeletPKI = try! TestPKI.make()

    /// The /configz answers, as kubelets write them (defaults applied), with one setting changed each.
    static func configz(mode: String = "Webhook", anonymous: Bool = false, webhook: Bool = true, readOnlyPort: Int = 0,
                        authorized: String = "5m0s") -> String {
        #"{"kubeletconfig":{"enableServer":true,"port":10250,"readOnlyPort":\#(readOnlyPort),"authentication":{"x509":{"clientCAFile":"/etc/kubernetes/pki/ca.crt"},"webhook":{"enabled":\#(webhook),"cacheTTL":"2m0s"},"anonymous":{"enabled":\#(anonymous)}},"authorization":{"mode":"\#(mode)","webhook":{"cacheAuthorizedTTL":"\#(authorized)","cacheUnauthorizedTTL":"30s"}}}}"#
    }

    struct Kubelet {
        let name: String
        let version: String
        let server: FakeAPIServer
    }

    /// A kubelet answering /configz with `body` (or `status`) to a caller with the scan's token.
    static func kubelet(_ name: String, version: String = "v1.36.2", status: Int = 200, body: String) throws -> Kubelet {
        let server = try FakeAPIServer(pki: kubeletPKI) { r in
            guard r.header("Authorization") == "Bearer live-token" else { return .init(status: 401, body: "Unauthorized") }
            guard r.uri == "/configz" else { return .init(status: 404, body: "404 page not found") }
            return .init(status: status, body: body)
        }
        return Kubelet(name: name, version: version, server: server)
    }

    static func node(_ k: Kubelet) -> String {
        #"{"apiVersion":"v1","kind":"Node","metadata":{"name":"\#(k.name)"},"status":{"addresses":[{"type":"Hostname","address":"\#(k.name)"},{"type":"InternalIP","address":"127.0.0.1"}],"daemonEndpoints":{"kubeletEndpoint":{"Port":\#(k.server.port)}},"nodeInfo":{"kubeletVersion":"\#(k.version)"}}}"#
    }

    /// The example cluster's RBAC with these kubelets as its Nodes, served by a fake API server.
    static func apiServer(_ kubelets: [Kubelet]) throws -> FakeAPIServer {
        let example = try ServedCluster.example()
        let cluster = ServedCluster(objects: example.objects.merging(["Node": kubelets.map(node)]) { $1 })
        return try FakeAPIServer(pki: clusterPKI) { r in
            guard r.header("Authorization") == "Bearer live-token" else { return .init(status: 401, body: Wire.status(401, "Unauthorized", "Unauthorized")) }
            let parts = r.uri.split(separator: "?", maxSplits: 1).map(String.init)
            if parts[0] == "/version" { return .init(status: 200, body: Wire.version) }
            return cluster.page(path: parts[0], query: parts.count > 1 ? parts[1] : "")
                ?? .init(status: 404, body: Wire.status(404, "NotFound", "the server could not find the requested resource"))
        }
    }

    /// The API server for these kubelets and a kubeconfig (token `live-token`) that reaches it.
    static func cluster(_ kubelets: [Kubelet]) throws -> (api: FakeAPIServer, kubeconfig: String) {
        let api = try apiServer(kubelets)
        return (api, try writeKubeconfig(server: api, ca: clusterPKI.caCert, in: Fixtures.temporaryDirectory()))
    }

    /// `scan -o json` of that cluster, with these options.
    static func scan(_ kubeconfig: String, _ options: [String]) async -> CommandResult {
        await run(["scan", "--kubeconfig", kubeconfig, "--now", "2026-11-27", "-o", "json"] + options)
    }

    static func findings(_ json: String) throws -> [(id: String, message: String)] {
        let report = try jsonObject(json)
        return (report["findings"] as? [[String: Any]] ?? []).map { ($0["id"] as? String ?? "", $0["message"] as? String ?? "") }
    }

    @Test("each bad setting is found on its kubelet, the token is sent, a 1.32 kubelet is never called, nothing goes through the node proxy")
    func badSettings() async throws {
        let kubelets = [
            try Self.kubelet("always-allow", body: Self.configz(mode: "AlwaysAllow")),
            try Self.kubelet("anonymous", body: Self.configz(anonymous: true)),
            try Self.kubelet("no-token-webhook", body: Self.configz(webhook: false)),
            try Self.kubelet("read-only-port", body: Self.configz(readOnlyPort: 10255)),
            try Self.kubelet("long-cache", body: Self.configz(authorized: "1h0m0s")),
            try Self.kubelet("old", version: "v1.32.4", body: Self.configz(mode: "AlwaysAllow")),
        ]
        defer { for k in kubelets { k.server.stop() } }
        let (api, kubeconfig) = try Self.cluster(kubelets)
        defer { api.stop() }

        let r = await Self.scan(kubeconfig, ["--kubelet-ca", Self.kubeletPKI.caCert])
        #expect(r.code == 0, "\(r.err)")
        let found = try Self.findings(r.out)
        let expected: [(String, String)] = [("KA050", "always-allow"), ("KA051", "anonymous"), ("KA052", "no-token-webhook"),
                                            ("KA053", "read-only-port")]
        for (id, node) in expected {
            #expect(found.contains { $0.id == id && $0.message.contains("node \(node) ") }, "\(id) on \(node): \(found.filter { $0.id.hasPrefix("KA05") })")
        }
        // Only the bad kubelet's finding names it.
        #expect(found.filter { ["KA050", "KA051", "KA052", "KA053"].contains($0.id) }.count == 4)
        // The longer cache is its own, low, group; the others share the defaults.
        let ttl = found.filter { $0.id == "KA054" }
        #expect(ttl.count == 2)
        #expect(ttl.contains { $0.message.contains("node long-cache ") && $0.message.contains("1h0m0s") })
        // The 1.32 kubelet: a blind spot, and not one request.
        let blind = found.filter { $0.id == "KA055" }
        #expect(blind.count == 1)
        #expect(blind.first?.message.contains("node old: kubelet 1.32 may check /configz as nodes/proxy") == true, "\(blind)")
        #expect(kubelets.last!.server.requests.isEmpty)
        for k in kubelets.dropLast() {
            #expect(k.server.requests.map(\.uri) == ["/configz"])
            #expect(k.server.requests.allSatisfy { $0.header("Authorization") == "Bearer live-token" })
        }
        #expect(!api.requests.contains { $0.uri.contains("/proxy") })
        #expect(!r.out.contains("live-token") && !r.err.contains("live-token"))
        let report = try jsonObject(r.out)
        let section = try #require(report["kubeletConfig"] as? [String: Any])
        #expect(section["origin"] as? String == "live")
        let nodes = section["nodes"] as? [[String: Any]] ?? []
        #expect(nodes.count == 6)
        #expect(nodes.first { $0["node"] as? String == "read-only-port" }?["readOnlyPort"] as? Int == 10255)
        #expect(nodes.first { $0["node"] as? String == "old" }?["status"] as? String == "notRead")
    }

    @Test("a kubelet certificate the trusted CA did not sign is a reported failure; --kubelet-ca or a loud --kubelet-insecure-tls reads it")
    func trust() async throws {
        let k = try Self.kubelet("gpu-1", body: Self.configz(anonymous: true))
        defer { k.server.stop() }
        let (api, kubeconfig) = try Self.cluster([k])
        defer { api.stop() }

        // The kubeconfig's CA is the cluster's, not the kubelet's: the handshake fails, the scan does not.
        let untrusted = await Self.scan(kubeconfig, ["--kubelet-configz"])
        #expect(untrusted.code == 0, "\(untrusted.err)")
        let failed = try Self.findings(untrusted.out)
        #expect(failed.contains { $0.id == "KA056" && $0.message.contains("gpu-1") && $0.message.contains("--kubelet-ca") }, "\(failed)")
        #expect(!failed.contains { $0.id == "KA051" })
        // The advice is the kubelet's CA, not the kubeconfig's; no path of the machine that built BoringSSL.
        let failure = failed.first { $0.id == "KA056" }?.message ?? ""
        #expect(!failure.contains("kubeconfig") && !failure.contains(".inc:") && !failure.contains(".build/"), "\(failure)")

        let withCA = await Self.scan(kubeconfig, ["--kubelet-ca", Self.kubeletPKI.caCert])
        #expect(try Self.findings(withCA.out).contains { $0.id == "KA051" }, "\(withCA.err)")
        #expect(!withCA.err.contains("NOT verified"))

        let insecure = await Self.scan(kubeconfig, ["--kubelet-insecure-tls"])
        #expect(try Self.findings(insecure.out).contains { $0.id == "KA051" }, "\(insecure.err)")
        #expect(insecure.err.contains("--kubelet-insecure-tls: kubelet serving certificates are NOT verified"))

        let both = await Self.scan(kubeconfig, ["--kubelet-insecure-tls", "--kubelet-ca", Self.kubeletPKI.caCert])
        #expect(both.code == 2)
        let notPEM = await Self.scan(kubeconfig, ["--kubelet-ca", kubeconfig])
        #expect(notPEM.code == 2)
        #expect(notPEM.err.contains("not a PEM certificate bundle"))
    }

    @Test("a kubeconfig that skips verification for the API server does not skip it for kubelets: no token reaches an unverified kubelet")
    func insecureKubeconfig() async throws {
        let k = try Self.kubelet("gpu-1", body: Self.configz(anonymous: true))
        defer { k.server.stop() }
        let api = try Self.apiServer([k])
        defer { api.stop() }
        let dir = Fixtures.temporaryDirectory()
        try "live-token\n".write(to: dir.appendingPathComponent("token"), atomically: true, encoding: .utf8)
        let kubeconfig = try writeKubeconfig(in: dir, cluster: #"{server: "\#(api.url)", insecure-skip-tls-verify: true}"#, user: "{tokenFile: token}")
        for options in [["--kubelet-configz"], ["--kubelet-ca", Self.clusterPKI.caCert]] {
            let r = await Self.scan(kubeconfig, options)
            #expect(r.code == 0, "\(r.err)")
            #expect(try Self.findings(r.out).contains { $0.id == "KA056" && $0.message.contains("gpu-1") }, "\(options)")
        }
        // The handshake failed each time: the kubelet never saw an HTTP request, so no token.
        #expect(k.server.requests.isEmpty)
    }

    @Test("kubelets that refuse the scan's access (403) are one blind spot, said once")
    func forbidden() async throws {
        let a = try Self.kubelet("node-a", status: 403, body: "Forbidden (user=auditor, verb=get, resource=nodes, subresource(s)=[configz])")
        let b = try Self.kubelet("node-b", status: 403, body: "Forbidden (user=auditor, verb=get, resource=nodes, subresource(s)=[configz])")
        defer { a.server.stop(); b.server.stop() }
        let (api, kubeconfig) = try Self.cluster([a, b])
        defer { api.stop() }
        let r = await Self.scan(kubeconfig, ["--kubelet-ca", Self.kubeletPKI.caCert])
        #expect(r.code == 0, "\(r.err)")
        let blind = try Self.findings(r.out).filter { $0.id == "KA055" }
        #expect(blind.count == 1)
        #expect(blind.first?.message.contains("nodes node-a, node-b: 403 Forbidden") == true, "\(blind)")
        #expect(blind.first?.message.contains("deploy/kubelet-authz-configz.yaml") == true)
    }

    @Test("a kubelet that does not answer is reported by node, and the scan goes on; without the flag a live scan says it did not look")
    func unreachable() async throws {
        let k = try Self.kubelet("gone", body: Self.configz())
        let noDebug = try Self.kubelet("no-debug", status: 405, body: "Debug endpoints are disabled.")
        defer { noDebug.server.stop() }
        let (api, kubeconfig) = try Self.cluster([k, noDebug])
        defer { api.stop() }
        k.server.stop()  // its port is now closed
        let r = await Self.scan(kubeconfig, ["--kubelet-ca", Self.kubeletPKI.caCert])
        #expect(r.code == 0, "\(r.err)")
        let failed = try Self.findings(r.out).filter { $0.id == "KA056" }
        #expect(failed.count == 2)
        let gone = failed.first { $0.message.contains("node gone could not be read") }?.message ?? ""
        #expect(gone.contains("connection refused") && !gone.contains("kubeconfig"), "\(failed)")
        #expect(failed.contains { $0.message.contains("node no-debug could not be read") && $0.message.contains("answered 405: Debug endpoints are disabled.") }, "\(failed)")

        let unasked = await Self.scan(kubeconfig, [])
        #expect(unasked.code == 0)
        #expect(unasked.err.contains("whether each kubelet delegates to RBAC was not checked"))
        #expect(try jsonObject(unasked.out)["kubeletConfig"] == nil)
    }

    @Test("snapshot --kubelet-configz saves each /configz as kubelet-config/<node>.json, and scan -f judges it as live")
    func snapshot() async throws {
        let kubelets = [
            // A kubelet fetching static pods from a URL shows that URL's headers in /configz
            // (kubernetes/kubernetes#140101): the snapshot, made to be shared, must not keep them.
            try Self.kubelet("anonymous", body: Self.configz(anonymous: true).replacingOccurrences(
                of: #"{"kubeletconfig":{"#, with: #"{"kubeletconfig":{"staticPodURL":"https://pods.example.com","staticPodURLHeader":{"Authorization":["Bearer static-pod-secret"]},"#)),
            try Self.kubelet("read-only-port", body: Self.configz(readOnlyPort: 10255)),
            try Self.kubelet("old", version: "v1.31.2", body: Self.configz()),
        ]
        defer { for k in kubelets { k.server.stop() } }
        let (api, kubeconfig) = try Self.cluster(kubelets)
        defer { api.stop() }
        let out = Fixtures.temporaryDirectory().appendingPathComponent("snap").path
        let saved = await run(["snapshot", "--kubeconfig", kubeconfig, "--output-dir", out, "--kubelet-ca", Self.kubeletPKI.caCert])
        #expect(saved.code == 0, "\(saved.err)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out + "/kubelet-config").sorted()
        #expect(files == ["anonymous.json", "read-only-port.json"])
        let written = try String(contentsOfFile: out + "/kubelet-config/anonymous.json", encoding: .utf8)
        #expect(!written.contains("static-pod-secret") && !written.contains("staticPodURL"))
        #expect(written.contains("\"anonymous\"") && written.contains("\"readOnlyPort\""))
        #expect(saved.err.contains("no kubelet configuration saved for 1 node (old)"))
        #expect(kubelets.last!.server.requests.isEmpty)

        let live = try Self.findings(await Self.scan(kubeconfig, ["--kubelet-ca", Self.kubeletPKI.caCert]).out)
        let offline = await run(["scan", "-f", out, "--now", "2026-11-27", "-o", "json"])
        #expect(offline.code == 0, "\(offline.err)")
        let ids = { (f: [(id: String, message: String)]) in f.filter { $0.id.hasPrefix("KA05") }.map { "\($0.id) \($0.message.prefix(60))" }.sorted() }
        #expect(ids(try Self.findings(offline.out)).count == 4)  // KA051, KA053, KA054, KA055
        // The blind spot's reason differs (no file, not an old kubelet); the rest is the same.
        #expect(ids(try Self.findings(offline.out)).filter { !$0.hasPrefix("KA055") } == ids(live).filter { !$0.hasPrefix("KA055") })

        let single = await run(["snapshot", "--kubeconfig", kubeconfig, "--file", out + ".json", "--kubelet-configz"])
        #expect(single.code == 2)
        #expect(single.err.contains("give --output-dir DIR"))
    }

    @Test("the kubelet options are for live clusters")
    func filesRefused() async throws {
        let demo = Fixtures.repositoryRoot.appendingPathComponent("examples/ai-cluster").path
        let r = await run(["scan", "-f", demo, "--kubelet-configz"])
        #expect(r.code == 2)
        #expect(r.err.contains("read live kubelets"))
    }
}
