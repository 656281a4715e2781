import AsyncHTTPClient
import Evidence
import Foundation
import Governance
import KubeletAuthzApp
import KubeletAuthzServer
import Logging
import NIOCore
import NIOSSL
import Store
import TestPKI
import TestSupport

/// A `kubelet-authz serve` started in-process on 127.0.0.1 with an ephemeral port, and stopped
/// as SIGTERM stops it.
final class TestServer: Sendable {
    let server: KubeletAuthzServer
    let port: Int
    let dashboardPort: Int?
    let healthPort: Int?
    let task: Task<Void, any Error>

    /// The demo cluster and register, judged on 2026-11-27 (the demo's day).
    static let demoDay = 1_795_780_800.0  // 2026-11-27T12:00:00Z
    static let examples = Fixtures.repositoryRoot.appendingPathComponent("examples").path

    static func demoSource(register: String = examples + "/register.yaml") -> EnforcementPolicySource {
        EnforcementPolicySource(files: [examples + "/ai-cluster"], live: nil, register: register, neverDeny: .defaults())
    }

    static func start(_ configuration: ServerConfiguration, store: StoreAccess = StoreAccess(evidence: MemoryEvidenceStore(), decisions: MemoryDecisionStore()),
                      load: KubeletAuthzServer.PolicyLoad? = nil,
                      dashboard: KubeletAuthzServer.DashboardRenderer? = nil) async throws -> TestServer {
        let source = demoSource()
        var logger = Logger(label: "kubelet-authz-test")
        logger.logLevel = .warning
        let server = try KubeletAuthzServer(configuration: configuration, store: store,
                                            load: load ?? { day in try await source.load(today: day) },
                                            dashboard: dashboard ?? { DashboardView.plainPage($0) }, logger: logger)
        let (ports, continuation) = AsyncStream<(KubeletAuthzServer.Listener, Int)>.makeStream()
        let task = Task {
            defer { continuation.finish() }
            try await server.run(handleSignals: false) { listener, port in continuation.yield((listener, port)) }
        }
        var port: Int? = nil, dashboardPort: Int? = nil, health: Int? = nil
        for await (listener, p) in ports {
            switch listener {
            case .webhook: port = p
            case .dashboard: dashboardPort = p
            case .health: health = p
            }
            if port != nil && (configuration.dashboardAddress == nil || dashboardPort != nil)
                && (configuration.healthAddress == nil || health != nil) { break }
        }
        guard let port else {
            _ = try await task.value
            throw TestServerError(description: "the server stopped before listening")
        }
        return TestServer(server: server, port: port, dashboardPort: dashboardPort, healthPort: health, task: task)
    }

    init(server: KubeletAuthzServer, port: Int, dashboardPort: Int?, healthPort: Int? = nil, task: Task<Void, any Error>) {
        self.server = server
        self.port = port
        self.dashboardPort = dashboardPort
        self.healthPort = healthPort
        self.task = task
    }

    func stop() async throws {
        await server.shutdown()
        try await task.value
    }

    static func configuration(mode: ServerConfiguration.Mode, pki: TestPKI?, clientCA: Bool = true) -> ServerConfiguration {
        var c = ServerConfiguration(mode: mode, address: ListenAddress(host: "127.0.0.1", port: 0),
                                    tls: pki.map { .init(certificate: $0.serverCert, privateKey: $0.serverKey, clientCA: clientCA ? $0.caCert : nil) })
        c.clock = { demoDay }
        c.decisionFlushInterval = .seconds(3600)  // flushed at shutdown: the test reads after it
        return c
    }
}

struct TestServerError: Error, CustomStringConvertible { let description: String }

/// The API server's side of both webhooks: POSTs with the headers its REST client sends
/// (k8s.io/client-go/rest: Content-Type and Accept application/json), over TLS with the
/// client certificate of its webhook kubeconfig.
struct APIServerClient {
    let client: HTTPClient
    let base: String

    /// `connectTimeout`: a client expected to fail its handshake fails within it (the pool
    /// retries a failed handshake until then).
    init(port: Int, pki: TestPKI?, clientCertificate: Bool = true, trust: String? = nil, connectTimeout: Int64 = 10) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let pki {
            tls.trustRoots = .file(trust ?? pki.caCert)
            if clientCertificate {
                tls.certificateChain = try NIOSSLCertificate.fromPEMFile(pki.clientCert).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: pki.clientKey, format: .pem))
            }
        }
        var config = HTTPClient.Configuration(tlsConfiguration: tls)
        config.timeout = .init(connect: .seconds(connectTimeout), read: .seconds(30))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
        base = "\(pki == nil ? "http" : "https")://127.0.0.1:\(port)"
    }

    func post(_ path: String, _ body: Data, extraHeaders: [(String, String)] = []) async throws -> (status: Int, body: Data, headers: [(String, String)]) {
        var request = HTTPClientRequest(url: base + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json, */*")
        request.headers.add(name: "User-Agent", value: "kube-apiserver/v1.36.2 (linux/amd64) kubernetes/a1b2c3d")
        for (k, v) in extraHeaders { request.headers.add(name: k, value: v) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return (Int(response.status.code), Data(bytes.readableBytesView), response.headers.map { ($0.name, $0.value) })
    }

    func get(_ path: String) async throws -> (status: Int, body: String) {
        let response = try await client.execute(HTTPClientRequest(url: base + path), timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), String(buffer: bytes))
    }

    func shutdown() async throws { try await client.shutdown() }
}

/// A SubjectAccessReview as the API server's webhook authorizer writes it for a kubelet's
/// check (v1; the kubelet's request attributes as the API server received them).
func kubeletReview(user: String, groups: [String], verb: String, subresource: String, node: String) -> Data {
    let review: [String: Any] = [
        "kind": "SubjectAccessReview", "apiVersion": "authorization.k8s.io/v1", "metadata": ["creationTimestamp": NSNull()],
        "spec": [
            "resourceAttributes": ["verb": verb, "version": "v1", "resource": "nodes", "subresource": subresource, "name": node],
            "user": user, "groups": groups, "uid": "6f1b2a3c-0000-4000-8000-000000000001",
        ] as [String: Any],
        "status": ["allowed": false],
    ]
    return try! JSONSerialization.data(withJSONObject: review, options: [.sortedKeys])
}

/// The status the webhook answered.
struct ReviewStatus: Equatable {
    let allowed: Bool, denied: Bool, reason: String

    init(_ data: Data) throws {
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let status = object["status"] as? [String: Any] else { throw TestServerError(description: "no status in \(String(decoding: data, as: UTF8.self))") }
        allowed = status["allowed"] as? Bool ?? false
        denied = status["denied"] as? Bool ?? false
        reason = status["reason"] as? String ?? ""
    }
}
