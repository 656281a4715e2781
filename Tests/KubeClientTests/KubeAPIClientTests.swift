import TestPKI
import Foundation
import KubeClient
import NIOSSL
import TestSupport
import Testing

/// Answers in the API server's wire format (lists with metadata.continue, Status errors).
enum Wire {
    static func nodeList(_ names: [String], continue token: String? = nil) -> String {
        let items = names.map { #"{"metadata":{"name":"\#($0)","uid":"u-\#($0)","resourceVersion":"7"},"status":{"nodeInfo":{"kubeletVersion":"v1.36.2"}}}"# }
        let meta = token.map { #"{"resourceVersion":"100","continue":"\#($0)","remainingItemCount":1}"# } ?? #"{"resourceVersion":"100"}"#
        return #"{"kind":"NodeList","apiVersion":"v1","metadata":\#(meta),"items":[\#(items.joined(separator: ","))]}"#
    }
    static func emptyList(_ kind: String, _ apiVersion: String) -> String {
        #"{"kind":"\#(kind)","apiVersion":"\#(apiVersion)","metadata":{"resourceVersion":"100"},"items":[]}"#
    }
    static func status(_ code: Int, _ reason: String, _ message: String) -> String {
        #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"\#(message)","reason":"\#(reason)","code":\#(code)}"#
    }
    static let version = #"{"major":"1","minor":"36","gitVersion":"v1.36.2","platform":"linux/amd64"}"#
}

@Suite("API client against an HTTPS server speaking the API server's wire format", .serialized)
struct KubeAPIClientTests {
    static let pki = try! TestPKI.make()

    func client(_ server: FakeAPIServer, token: String? = "t0k", clientCert: Bool = false, ca: String? = nil) throws -> KubeAPIClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca ?? Self.pki.caCert))
        if clientCert {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(Self.pki.clientCert).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: Self.pki.clientKey, format: .pem))
        }
        return KubeAPIClient(server: server.url, userName: "tester", tls: tls, token: { _ in token },
                             retry: RetryPolicy(attempts: 4, baseDelay: 0.01, maxDelay: 0.05), connectTimeout: .seconds(2))
    }

    @Test("pagination follows metadata.continue; the bearer token is sent")
    func pagination() async throws {
        let server = try FakeAPIServer(pki: Self.pki) { r in
            r.uri.contains("continue=page2") ? .init(status: 200, body: Wire.nodeList(["n3"]))
                : .init(status: 200, body: Wire.nodeList(["n1", "n2"], continue: "page2"))
        }
        defer { server.stop() }
        let c = try client(server)
        let pages = try await c.list("/api/v1/nodes", pageSize: 2)
        await c.shutdown()
        #expect(pages.count == 2)
        #expect(server.requests.map(\.uri) == ["/api/v1/nodes?limit=2", "/api/v1/nodes?limit=2&continue=page2"])
        #expect(server.requests.allSatisfy { $0.header("Authorization") == "Bearer t0k" })
    }

    @Test("an expired continue token (410) restarts the list")
    func expired() async throws {
        let counter = Counter()
        let server = try FakeAPIServer(pki: Self.pki) { r in
            if r.uri.contains("continue=") && counter.next() == 1 {
                return .init(status: 410, body: Wire.status(410, "Expired", "The provided continue parameter is too old to display a consistent list result."))
            }
            return r.uri.contains("continue=") ? .init(status: 200, body: Wire.nodeList(["n3"])) : .init(status: 200, body: Wire.nodeList(["n1", "n2"], continue: "page2"))
        }
        defer { server.stop() }
        let c = try client(server)
        let pages = try await c.list("/api/v1/nodes", pageSize: 2)
        await c.shutdown()
        #expect(pages.count == 2)
        #expect(server.requests.count == 4)  // page 1, 410, page 1 again, page 2
    }

    @Test("429 and 5xx are retried, honouring Retry-After")
    func retries() async throws {
        let counter = Counter()
        let server = try FakeAPIServer(pki: Self.pki) { _ in
            switch counter.next() {
            case 1: return .init(status: 429, body: Wire.status(429, "TooManyRequests", "too many requests"), headers: [("Retry-After", "0")])
            case 2: return .init(status: 503, body: Wire.status(503, "ServiceUnavailable", "etcd leader changed"))
            default: return .init(status: 200, body: Wire.version)
            }
        }
        defer { server.stop() }
        let c = try client(server)
        let data = try await c.get("/version")
        await c.shutdown()
        #expect(String(decoding: data, as: UTF8.self).contains("v1.36.2"))
        #expect(server.requests.count == 3)
    }

    @Test("a POST that changes something is not retried on 5xx; a SubjectAccessReview (idempotent) is")
    func postRetries() async throws {
        let server = try FakeAPIServer(pki: Self.pki) { _ in .init(status: 503, body: Wire.status(503, "ServiceUnavailable", "busy")) }
        defer { server.stop() }
        let c = try client(server)
        await #expect(throws: KubeAPIError.self) { _ = try await c.post("/api/v1/namespaces", body: Data("{}".utf8)) }
        #expect(server.requests.count == 1)
        await #expect(throws: KubeAPIError.self) { _ = try await c.post(SubjectAccessReviewClient.path, body: Data("{}".utf8), idempotent: true) }
        await c.shutdown()
        #expect(server.requests.count == 1 + 4, "four attempts of the review")
    }

    @Test("401 and 403 say what is wrong and what permission is missing")
    func denied() async throws {
        let server = try FakeAPIServer(pki: Self.pki) { r in
            r.uri.hasPrefix("/api/v1/pods") ? .init(status: 403, body: Wire.status(403, "Forbidden", #"pods is forbidden: User \"tester\" cannot list resource \"pods\" in API group \"\" at the cluster scope"#))
                : .init(status: 401, body: Wire.status(401, "Unauthorized", "Unauthorized"))
        }
        defer { server.stop() }
        let c = try client(server)
        await #expect { try await c.get("/version") } throws: { e in
            let e = e as! KubeAPIError
            return e.status == 401 && e.description.contains("user \"tester\"") && !e.description.contains("t0k")
        }
        await #expect { try await c.list("/api/v1/pods") } throws: { e in
            let e = e as! KubeAPIError
            return e.status == 403 && e.description.contains("may not list /api/v1/pods") && e.description.contains("kubelet-authz-reader.yaml")
        }
        await c.shutdown()
        #expect(server.requests.filter { $0.uri == "/version" }.count == 2)  // one retry with a refreshed credential
    }

    @Test("TLS: a server the CA did not sign is refused; a client certificate is presented")
    func tls() async throws {
        let other = try TestPKI.make()
        let server = try FakeAPIServer(pki: Self.pki, requireClientCertificate: true) { _ in .init(status: 200, body: Wire.version) }
        defer { server.stop() }
        let wrongCA = try client(server, ca: other.caCert)
        let refused = await #expect(throws: KubeAPIError.self) { try await wrongCA.get("/version") }
        #expect(refused?.description.contains("TLS handshake failed") == true)
        await wrongCA.shutdown()
        let noCert = try client(server)
        await #expect(throws: KubeAPIError.self) { try await noCert.get("/version") }
        await noCert.shutdown()
        let withCert = try client(server, token: nil, clientCert: true)
        #expect(try await withCert.get("/version").count > 0)
        await withCert.shutdown()
    }

    @Test("a kubeconfig with a token file, and an in-cluster configuration, reach the server")
    func fromConfigs() async throws {
        let dir = Fixtures.temporaryDirectory()
        let server = try FakeAPIServer(pki: Self.pki) { _ in .init(status: 200, body: Wire.version) }
        defer { server.stop() }
        let path = try writeKubeconfig(server: server, ca: Self.pki.caCert, in: dir)  // tokenFile: token
        let resolved = try KubeconfigLoader.load([path]) { try Data(contentsOf: URL(fileURLWithPath: $0)) }.resolve(context: nil)
        let c = try await KubeClientFactory.client(for: resolved, environment: [:], stdinIsTerminal: false,
                                                   retry: RetryPolicy(attempts: 2, baseDelay: 0.01, maxDelay: 0.01))
        _ = try await c.get("/version")
        await c.shutdown()
        #expect(server.requests.last?.header("Authorization") == "Bearer live-token")

        let sa = dir.appendingPathComponent("sa")
        try FileManager.default.createDirectory(at: sa, withIntermediateDirectories: true)
        try "sa-token".write(to: sa.appendingPathComponent("token"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: Self.pki.caCert, toPath: sa.appendingPathComponent("ca.crt").path)
        let inCluster = try InClusterConfig.load(environment: ["KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": String(server.port)],
                                                 directory: sa.path, exists: { FileManager.default.fileExists(atPath: $0) },
                                                 read: { FileManager.default.contents(atPath: $0) })
        let ic = try KubeClientFactory.client(inCluster: inCluster)
        _ = try await ic.get("/version")
        await ic.shutdown()
        #expect(server.requests.last?.header("Authorization") == "Bearer sa-token")
    }

    @Test("the live reader builds the same snapshot the file reader would")
    func liveReader() async throws {
        let server = try FakeAPIServer(pki: Self.pki) { r in
            let path = String(r.uri.split(separator: "?").first ?? "")
            switch path {
            case "/version": return .init(status: 200, body: Wire.version)
            case "/api/v1/nodes": return .init(status: 200, body: Wire.nodeList(["gpu-1", "gpu-2"]))
            case "/apis/rbac.authorization.k8s.io/v1/clusterroles":
                return .init(status: 200, body: #"{"kind":"ClusterRoleList","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"resourceVersion":"1"},"items":[{"metadata":{"name":"proxy"},"rules":[{"verbs":["get"],"apiGroups":[""],"resources":["nodes/proxy"]}]}]}"#)
            case "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings":
                return .init(status: 200, body: #"{"kind":"ClusterRoleBindingList","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"resourceVersion":"1"},"items":[{"metadata":{"name":"agent"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"proxy"},"subjects":[{"kind":"ServiceAccount","name":"agent","namespace":"mon"}]}]}"#)
            case "/api/v1/namespaces": return .init(status: 200, body: Wire.emptyList("NamespaceList", "v1"))
            case "/api/v1/serviceaccounts": return .init(status: 200, body: Wire.emptyList("ServiceAccountList", "v1"))
            case "/apis/rbac.authorization.k8s.io/v1/roles": return .init(status: 200, body: Wire.emptyList("RoleList", "rbac.authorization.k8s.io/v1"))
            case "/apis/rbac.authorization.k8s.io/v1/rolebindings": return .init(status: 200, body: Wire.emptyList("RoleBindingList", "rbac.authorization.k8s.io/v1"))
            case "/api/v1/pods": return .init(status: 200, body: Wire.emptyList("PodList", "v1"))
            default: return .init(status: 404, body: Wire.status(404, "NotFound", "the server could not find the requested resource"))
            }
        }
        defer { server.stop() }
        let c = try client(server)
        let result = try await LiveClusterReader.read(c)
        await c.shutdown()
        #expect(result.serverVersion == "v1.36.2")
        #expect(result.snapshot.nodes.map(\.name) == ["gpu-1", "gpu-2"])
        #expect(result.snapshot.roles.map(\.name) == ["proxy"])
        #expect(result.snapshot.bindings.first?.subjects.first?.name == "agent")
        #expect(result.pages.count == LiveClusterReader.paths.count)
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func next() -> Int { lock.lock(); defer { lock.unlock() }; n += 1; return n }
}
