import TestPKI
import Cluster
import Foundation
import KubeClient
import CLITestSupport
import KubeletAuthzCLI
import NIOSSL
import Testing
import TestSupport
import Yams

func run(_ arguments: [String]) async -> CommandResult { await kubeletAuthz(arguments) }

/// A cluster served the way kube-apiserver serves it: typed lists whose items carry no kind or
/// apiVersion, pages of `limit` items chained by `metadata.continue`.
struct ServedCluster: Sendable {
    /// JSON objects by kind, with their kind and apiVersion.
    let objects: [String: [String]]

    /// The objects of the bundled example cluster that the live reader lists.
    static func example() throws -> ServedCluster {
        let dir = Fixtures.repositoryRoot.appendingPathComponent("examples/ai-cluster")
        let wanted = Set(LiveClusterReader.kinds.values.map(\.kind))
        var byKind: [String: [String]] = [:]
        let resolver = Resolver.default.removing(.timestamp)
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() where name.hasSuffix(".yaml") {
            let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            for doc in try Yams.load_all(yaml: text, resolver) {
                guard let object = doc as? [String: Any] else { continue }
                let items = (object["items"] as? [[String: Any]]).map { list in
                    list.map { item -> [String: Any] in
                        var i = item
                        let kind = object["kind"] as? String ?? ""
                        if i["kind"] == nil, kind.hasSuffix("List"), kind != "List" { i["kind"] = String(kind.dropLast(4)) }
                        if i["apiVersion"] == nil { i["apiVersion"] = object["apiVersion"] }
                        return i
                    }
                } ?? [object]
                for item in items {
                    guard let kind = item["kind"] as? String, wanted.contains(kind) else { continue }
                    let data = try JSONSerialization.data(withJSONObject: item, options: [.sortedKeys])
                    byKind[kind, default: []].append(String(decoding: data, as: UTF8.self))
                }
            }
        }
        return ServedCluster(objects: byKind)
    }

    /// The same objects as one `kind: List` file, as `kubectl get -o json` writes it.
    func file(in dir: URL) throws -> String {
        let all = objects.keys.sorted().flatMap { objects[$0]! }
        let path = dir.appendingPathComponent("cluster.json").path
        try #"{"apiVersion":"v1","kind":"List","items":[\#(all.joined(separator: ","))]}"#.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// One page of a list, as the API server answers `GET path?limit=N&continue=T`.
    func page(path: String, query: String) -> FakeAPIServer.Response? {
        guard let (apiVersion, kind) = LiveClusterReader.kinds[path] else { return nil }
        var limit = 500, start = 0
        var name: String? = nil
        for part in query.split(separator: "&") {
            let kv = part.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            if kv.count == 2 && kv[0] == "limit" { limit = Int(kv[1]) ?? 500 }
            if kv.count == 2 && kv[0] == "continue" { start = Int(kv[1].dropFirst(4)) ?? 0 }
            // The one field selector every resource supports.
            if kv.count == 2 && kv[0] == "fieldSelector" && kv[1].hasPrefix("metadata.name=") { name = String(kv[1].dropFirst(14)) }
        }
        // The wire drops each item's kind and apiVersion: the list's kind names them.
        let all = (objects[kind] ?? []).compactMap { json -> String? in
            var o = try! JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
            if let name, (o["metadata"] as? [String: Any])?["name"] as? String != name { return nil }
            o.removeValue(forKey: "kind"); o.removeValue(forKey: "apiVersion")
            return String(decoding: try! JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]), as: UTF8.self)
        }
        let end = min(all.count, start + limit)
        let slice = start < all.count ? Array(all[start..<end]) : []
        let meta = end < all.count ? #"{"resourceVersion":"4711","continue":"tok-\#(end)","remainingItemCount":\#(all.count - end)}"# : #"{"resourceVersion":"4711"}"#
        return .init(status: 200, body: #"{"kind":"\#(kind)List","apiVersion":"\#(apiVersion)","metadata":\#(meta),"items":[\#(slice.joined(separator: ","))]}"#)
    }
}

/// A one-context kubeconfig ("lab", user "auditor") with the given cluster and user fields.
func writeKubeconfig(_ name: String = "kubeconfig", in dir: URL, cluster: String, user: String, context: String = "lab") throws -> String {
    let text = """
    apiVersion: v1
    kind: Config
    current-context: "\(context)"
    clusters:
    - name: lab
      cluster: \(cluster)
    users:
    - name: auditor
      user: \(user)
    contexts:
    - name: "\(context)"
      context: {cluster: lab, user: auditor}
    """
    let path = dir.appendingPathComponent(name).path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

/// The usual test kubeconfig: the test CA and a token file holding `live-token`.
func writeKubeconfig(server: FakeAPIServer, ca: String, in dir: URL, context: String = "lab") throws -> String {
    try "live-token\n".write(to: dir.appendingPathComponent("token"), atomically: true, encoding: .utf8)
    return try writeKubeconfig(in: dir, cluster: #"{server: "\#(server.url)", certificate-authority: "\#(ca)"}"#, user: "{tokenFile: token}", context: context)
}

@Suite("Commands on a live cluster answer as they do on files", .serialized)
struct LiveCommandTests {
    static let pki = try! TestPKI.make()

    func serve(_ cluster: ServedCluster, pageSize: Int? = nil,
               sar: @escaping @Sendable (FakeAPIServer.Request) -> FakeAPIServer.Response = { _ in .init(status: 404, body: Wire.status(404, "NotFound", "not found")) }) throws -> FakeAPIServer {
        try FakeAPIServer(pki: Self.pki) { r in
            guard r.header("Authorization") == "Bearer live-token" else {
                return .init(status: 401, body: Wire.status(401, "Unauthorized", "Unauthorized"))
            }
            let parts = r.uri.split(separator: "?", maxSplits: 1).map(String.init)
            if parts[0] == "/version" { return .init(status: 200, body: Wire.version) }
            if parts[0] == SubjectAccessReviewClient.path && r.method == "POST" { return sar(r) }
            var query = parts.count > 1 ? parts[1] : ""
            if let pageSize { query = query.replacingOccurrences(of: "limit=500", with: "limit=\(pageSize)") }
            return cluster.page(path: parts[0], query: query)
                ?? .init(status: 404, body: Wire.status(404, "NotFound", "the server could not find the requested resource"))
        }
    }

    @Test("scan, who-can and explain read the live cluster (paginated, token file) and answer as on the same objects in a file")
    func sameAnswers() async throws {
        let cluster = try ServedCluster.example()
        let server = try serve(cluster, pageSize: 3)
        defer { server.stop() }
        let dir = Fixtures.temporaryDirectory()
        let kubeconfig = try writeKubeconfig(server: server, ca: Self.pki.caCert, in: dir)
        let file = try cluster.file(in: dir)
        let register = Fixtures.repositoryRoot.appendingPathComponent("examples/register.yaml").path

        let live = await run(["scan", "--kubeconfig", kubeconfig, "--register", register, "--now", "2026-11-27", "-o", "csv"])
        let files = await run(["scan", "-f", file, "--register", register, "--now", "2026-11-27", "-o", "csv"])
        #expect(live.code == files.code, "\(live.err)")
        #expect(live.out.split(whereSeparator: \.isNewline).count > 10, "\(live.err)")
        #expect(live.out == files.out)
        #expect(!live.err.contains("live-token"))
        // More than one page per large list was asked for.
        #expect(server.requests.contains { $0.uri.contains("continue=tok") })

        for args in [["who-can", "GET", "/exec/ml/trainer/main?command=id"], ["explain", "--as", "system:serviceaccount:monitoring:dcgm-exporter", "GET", "/metrics"]] {
            let l = await run(args + ["--kubeconfig", kubeconfig, "--context", "lab"])
            let f = await run(args + ["-f", file])
            #expect(l.code == 0, "\(l.err)")
            #expect(l.code == f.code)
            // Sources differ (URL vs file:line); the decisions must not.
            let strip = { (s: String) in s.split(separator: "\n").filter { !$0.contains(file) && !$0.contains(server.url) && !$0.contains("source") } }
            #expect(strip(l.out).count > 2)
            #expect(strip(l.out) == strip(f.out))
        }
    }

    @Test("snapshot writes a directory or a file that -f reads back to the same scan, records the version and drops Pod secrets")
    func snapshot() async throws {
        var cluster = try ServedCluster.example()
        // A Pod whose spec holds a secret in an environment variable, as some do.
        cluster = ServedCluster(objects: cluster.objects.merging(["Pod": (cluster.objects["Pod"] ?? []) + [
            #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"leaky","namespace":"ml","labels":{"helm.sh/chart":"vllm-0.6.1"},"managedFields":[{"manager":"kubectl"}]},"spec":{"serviceAccountName":"default","nodeName":"gpu-node-1","containers":[{"name":"c","image":"vllm/vllm-openai:v0.6","env":[{"name":"HF_TOKEN","value":"hf_SECRETSECRET"}]}]}}"#,
        ]]) { $1 })
        let server = try serve(cluster)
        defer { server.stop() }
        let dir = Fixtures.temporaryDirectory()
        let kubeconfig = try writeKubeconfig(server: server, ca: Self.pki.caCert, in: dir)
        let live = await run(["scan", "--kubeconfig", kubeconfig, "--now", "2026-11-27", "-o", "csv"])
        #expect(live.code == 0, "\(live.err)")

        let snapDir = dir.appendingPathComponent("snap").path + "/"
        let snapFile = dir.appendingPathComponent("snap.json").path
        for target in [snapDir, snapFile] {
            let s = await run(["snapshot", "--kubeconfig", kubeconfig] + (target.hasSuffix("/") ? ["--output-dir", target] : ["--file", target]))
            #expect(s.code == 0, "\(s.err)")
            #expect(s.err.contains("v1.36.2"))
            let back = await run(["scan", "-f", target, "--now", "2026-11-27", "-o", "csv"])
            #expect(back.code == 0, "\(back.err)")
            #expect(back.out == live.out)
        }
        let written = try String(contentsOfFile: snapFile, encoding: .utf8)
        #expect(!written.contains("hf_SECRETSECRET"))
        #expect(!written.contains("managedFields"))
        #expect(written.contains("vllm/vllm-openai:v0.6"))
        // The chart label, which collector recognition reads on a live cluster's Pods, is kept.
        let back = try ClusterDocumentDecoder.decode(Data(contentsOf: URL(fileURLWithPath: snapFile)), source: "snap.json")
        #expect(back.workloads.first { $0.name == "leaky" }?.helmChart == "vllm")
        #expect(written.contains(#""serverVersion" : "v1.36.2""#))
        let info = try String(contentsOfFile: snapDir + "cluster-snapshot-info.json", encoding: .utf8)
        #expect(info.contains("v1.36.2") && info.contains(server.url))
    }

    @Test("an installed guardrail is read from the live cluster and kept by snapshot (KA048); a reader that may not list policies is warned")
    func guardrailPolicies() async throws {
        var cluster = try ServedCluster.example()
        cluster = ServedCluster(objects: cluster.objects.merging(["ValidatingAdmissionPolicy": [
            #"{"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingAdmissionPolicy","metadata":{"name":"kubelet-authz-nodes-proxy-roles","labels":{"app.kubernetes.io/managed-by":"kubelet-authz","kubelet-authz.io/guardrail":"nodes-proxy"},"annotations":{"kubelet-authz.io/exceptions-expire":"2026-11-01"}},"spec":{"failurePolicy":"Fail"}}"#,
        ]]) { $1 })
        let server = try serve(cluster)
        defer { server.stop() }
        let dir = Fixtures.temporaryDirectory()
        let kubeconfig = try writeKubeconfig(server: server, ca: Self.pki.caCert, in: dir)
        func ka048(_ input: [String]) async throws -> Int {
            let r = await run(["scan"] + input + ["--now", "2026-11-27", "-o", "json"])
            #expect(r.code == 0, "\(r.err)")
            let findings = try #require((try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])?["findings"] as? [[String: Any]])
            return findings.filter { $0["id"] as? String == "KA048" }.count
        }
        #expect(try await ka048(["--kubeconfig", kubeconfig]) == 1)
        let snapDir = dir.appendingPathComponent("snap").path + "/"
        let s = await run(["snapshot", "--kubeconfig", kubeconfig, "--output-dir", snapDir])
        #expect(s.code == 0, "\(s.err)")
        #expect(try await ka048(["-f", snapDir]) == 1)

        let served = cluster
        let forbidden = try FakeAPIServer(pki: Self.pki) { r in
            if r.uri.hasPrefix(LiveClusterReader.admissionPoliciesPath) { return .init(status: 403, body: Wire.status(403, "Forbidden", "forbidden")) }
            let parts = r.uri.split(separator: "?", maxSplits: 1).map(String.init)
            if parts[0] == "/version" { return .init(status: 200, body: Wire.version) }
            return served.page(path: parts[0], query: parts.count > 1 ? parts[1] : "") ?? .init(status: 404, body: Wire.status(404, "NotFound", "not found"))
        }
        defer { forbidden.stop() }
        let other = try writeKubeconfig(server: forbidden, ca: Self.pki.caCert, in: Fixtures.temporaryDirectory())
        let r = await run(["scan", "--kubeconfig", other, "--now", "2026-11-27"])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.err.contains("cannot list ValidatingAdmissionPolicies (403 Forbidden)"))
    }

    @Test("live input errors name the context, and -f with --kubeconfig is refused")
    func errors() async throws {
        let dir = Fixtures.temporaryDirectory()
        let missing = await run(["scan", "--kubeconfig", dir.appendingPathComponent("nope").path])
        #expect(missing.code == 2)
        #expect(missing.err.contains("nope"))
        let cluster = try ServedCluster.example()
        let server = try serve(cluster)
        defer { server.stop() }
        let kubeconfig = try writeKubeconfig(server: server, ca: Self.pki.caCert, in: dir)
        let badContext = await run(["who-can", "GET", "/pods", "--kubeconfig", kubeconfig, "--context", "prod"])
        #expect(badContext.code == 2)
        #expect(badContext.err.contains("prod"))
        let both = await run(["scan", "-f", dir.path, "--kubeconfig", kubeconfig])
        #expect(both.code == 2)
        #expect(both.err.contains("not both"))
    }

    @Test("an exec credential plugin (as EKS, GKE and AKS use) and a client certificate reach the live cluster through the CLI")
    func execPluginAndClientCertificate() async throws {
        let dir = Fixtures.temporaryDirectory()
        let plugin = dir.appendingPathComponent("get-token.sh").path
        try """
        #!/bin/sh
        echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"live-token","expirationTimestamp":"2099-01-01T00:00:00Z"}}'
        """.write(toFile: plugin, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: plugin)
        let cluster = try ServedCluster.example()
        let server = try serve(cluster)
        defer { server.stop() }
        let config = try writeKubeconfig("exec.kubeconfig", in: dir,
                                         cluster: #"{server: "\#(server.url)", certificate-authority: "\#(Self.pki.caCert)"}"#,
                                         user: #"{exec: {apiVersion: client.authentication.k8s.io/v1, command: "\#(plugin)", interactiveMode: Never}}"#)
        let r = await run(["who-can", "GET", "/pods", "--kubeconfig", config])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.contains("datadog"))
        #expect(!r.out.contains("live-token") && !r.err.contains("live-token"))

        // A server that demands a client certificate, and a kubeconfig that embeds one.
        let mtls = try FakeAPIServer(pki: Self.pki, requireClientCertificate: true) { r in
            let parts = r.uri.split(separator: "?", maxSplits: 1).map(String.init)
            if parts[0] == "/version" { return .init(status: 200, body: Wire.version) }
            return cluster.page(path: parts[0], query: parts.count > 1 ? parts[1] : "") ?? .init(status: 404, body: Wire.status(404, "NotFound", "not found"))
        }
        defer { mtls.stop() }
        let b64 = { (p: String) in try Data(contentsOf: URL(fileURLWithPath: p)).base64EncodedString() }
        let certConfig = try writeKubeconfig("cert.kubeconfig", in: dir,
                                             cluster: #"{server: "\#(mtls.url)", certificate-authority-data: "\#(try b64(Self.pki.caCert))"}"#,
                                             user: #"{client-certificate-data: "\#(try b64(Self.pki.clientCert))", client-key-data: "\#(try b64(Self.pki.clientKey))"}"#)
        let c = await run(["who-can", "GET", "/pods", "--kubeconfig", certConfig])
        #expect(c.code == 0, "\(c.err)")
        #expect(c.out == r.out)
        #expect(!c.err.contains("PRIVATE KEY"))
    }

    @Test("tls-server-name: the certificate is verified against that name while the server's address is dialled")
    func tlsServerName() async throws {
        // A server whose certificate names only kubernetes.default.svc, as behind a load balancer.
        let pki = try TestPKI.make(serverNames: "DNS:kubernetes.default.svc")
        let served = try ServedCluster.example()
        let server = try FakeAPIServer(pki: pki) { r in
            let parts = r.uri.split(separator: "?", maxSplits: 1).map(String.init)
            if parts[0] == "/version" { return .init(status: 200, body: Wire.version) }
            return served.page(path: parts[0], query: parts.count > 1 ? parts[1] : "") ?? .init(status: 404, body: Wire.status(404, "NotFound", "not found"))
        }
        defer { server.stop() }
        let dir = Fixtures.temporaryDirectory()
        let good = try writeKubeconfig("good", in: dir, cluster: #"{server: "\#(server.url)", certificate-authority: "\#(pki.caCert)", tls-server-name: kubernetes.default.svc}"#,
                                       user: "{token: t}")
        let r = await run(["who-can", "GET", "/pods", "--kubeconfig", good])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.contains("datadog"))
        #expect(server.requests.allSatisfy { $0.header("Host")?.hasPrefix("kubernetes.default.svc") == true })

        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(pki.caCert))
        for name in ["other.example", nil] {  // a name the certificate lacks, and none (the IP is not in it either)
            let c = KubeAPIClient(server: server.url, userName: "auditor", tls: tls, tlsServerName: name,
                                  token: { _ in "t" }, retry: RetryPolicy(attempts: 1, baseDelay: 0, maxDelay: 0),
                                  connectTimeout: .seconds(2))
            let refused = await #expect(throws: KubeAPIError.self) { try await c.get("/version") }
            await c.shutdown()
            #expect(refused?.description.contains("TLS handshake failed") == true)
        }
    }
}
