import TestPKI
import CLITestSupport
import Foundation
import KubeClient
import NIOSSL
import Testing
import TestSupport

/// kubectl verifies the server's certificate against tls-server-name alone
/// (`x509: certificate is valid for 127.0.0.1, not wrong-name.test`).
@Suite("tls-server-name is the only name the certificate is checked against", .serialized)
struct TLSServerNameTests {
    /// The certificate names 127.0.0.1 only: it matches the address dialled, not the name asked for.
    static let ipOnly = try! TestPKI.make(serverNames: "IP:127.0.0.1")

    func serve(_ pki: TestPKI) throws -> FakeAPIServer {
        let served = try ServedCluster.example()
        return try FakeAPIServer(pki: pki) { r in
            let parts = r.uri.split(separator: "?", maxSplits: 1).map(String.init)
            if parts[0] == "/version" { return .init(status: 200, body: Wire.version) }
            return served.page(path: parts[0], query: parts.count > 1 ? parts[1] : "") ?? .init(status: 404, body: Wire.status(404, "NotFound", "not found"))
        }
    }

    func client(_ server: FakeAPIServer, _ pki: TestPKI, name: String?) throws -> KubeAPIClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(pki.caCert))
        return KubeAPIClient(server: server.url, userName: "auditor", clusterName: "lab", tls: tls, tlsServerName: name,
                             token: { _ in "t" }, retry: RetryPolicy(attempts: 1, baseDelay: 0, maxDelay: 0), connectTimeout: .seconds(2))
    }

    @Test("a certificate valid only for the dialled IP is refused when tls-server-name names something else; without the name it is accepted")
    func ipSANDoesNotStandInForTheName() async throws {
        let server = try serve(Self.ipOnly)
        defer { server.stop() }
        let named = try client(server, Self.ipOnly, name: "wrong-name.test")
        let refused = await #expect(throws: KubeAPIError.self) { try await named.get("/version") }
        await named.shutdown()
        #expect(refused?.description.contains("cluster \"lab\"") == true, "\(String(describing: refused))")
        #expect(refused?.description.contains("valid for 127.0.0.1, not wrong-name.test") == true, "\(String(describing: refused))")
        #expect(server.requests.isEmpty, "a request reached a server whose certificate does not name wrong-name.test")

        let plain = try client(server, Self.ipOnly, name: nil)
        #expect(try await plain.get("/version").count > 0)
        await plain.shutdown()

        // The same holds for the server URL's own host name, as in kubectl.
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(Self.ipOnly.caCert))
        let byName = KubeAPIClient(server: "https://localhost:\(server.port)", userName: "auditor", tls: tls, token: { _ in "t" },
                                   retry: RetryPolicy(attempts: 1, baseDelay: 0, maxDelay: 0), connectTimeout: .seconds(2))
        let alsoRefused = await #expect(throws: KubeAPIError.self) { try await byName.get("/version") }
        await byName.shutdown()
        #expect(alsoRefused?.description.contains("valid for 127.0.0.1, not localhost") == true, "\(String(describing: alsoRefused))")
        #expect(server.requests.count == 1)
    }

    /// A refused connection's channel is closed a second after the refusal (AsyncHTTPClient's
    /// pool traps when told of the close first): many refusals in a row and at once, on one
    /// client, must each give the same error, and shutting the client down with closes still
    /// pending must not trap.
    @Test("repeated and concurrent refusals on one client: the same error each time, no request sent, no trap")
    func repeatedRefusals() async throws {
        let server = try serve(Self.ipOnly)
        defer { server.stop() }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(Self.ipOnly.caCert))
        let c = KubeAPIClient(server: server.url, userName: "auditor", clusterName: "lab", tls: tls, tlsServerName: "wrong-name.test",
                              token: { _ in "t" }, retry: RetryPolicy(attempts: 3, baseDelay: 0, maxDelay: 0), connectTimeout: .seconds(2))
        for _ in 0..<5 {
            let refused = await #expect(throws: KubeAPIError.self) { try await c.get("/version") }
            #expect(refused?.description.contains("valid for 127.0.0.1, not wrong-name.test") == true, "\(String(describing: refused))")
        }
        let messages = await withTaskGroup(of: String.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    do { _ = try await c.get("/version"); return "answered" } catch { return "\(error)" }
                }
            }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(messages.count == 8)
        for m in messages { #expect(m.contains("not wrong-name.test"), "\(m)") }
        await c.shutdown()
        #expect(server.requests.isEmpty)
    }

    @Test("through the CLI the refusal exits 2 and names the cluster; a certificate naming tls-server-name (any case) still works")
    func cli() async throws {
        let server = try serve(Self.ipOnly)
        defer { server.stop() }
        let dir = Fixtures.temporaryDirectory()
        let wrong = try writeKubeconfig("wrong", in: dir, cluster: #"{server: "\#(server.url)", certificate-authority: "\#(Self.ipOnly.caCert)", tls-server-name: wrong-name.test}"#,
                                        user: "{token: t}")
        let r = await run(["who-can", "GET", "/pods", "--kubeconfig", wrong])
        #expect(r.code == 2)
        #expect(r.err.contains("cluster \"lab\"") && r.err.contains("not wrong-name.test"), "\(r.err)")
        #expect(r.out.isEmpty)
        #expect(server.requests.isEmpty)

        let pki = try TestPKI.make(serverNames: "DNS:api.lab.test")
        let good = try serve(pki)
        defer { good.stop() }
        let right = try writeKubeconfig("right", in: dir, cluster: #"{server: "\#(good.url)", certificate-authority: "\#(pki.caCert)", tls-server-name: API.Lab.Test}"#,
                                        user: "{token: t}")
        let ok = await run(["who-can", "GET", "/pods", "--kubeconfig", right])
        #expect(ok.code == 0, "\(ok.err)")
        #expect(ok.out.contains("datadog"))
    }

    @Test("a non-ASCII tls-server-name is refused before anything is dialled, never turned into its IDNA name")
    func nonASCII() async throws {
        let server = try serve(Self.ipOnly)
        defer { server.stop() }
        let dir = Fixtures.temporaryDirectory()
        let config = try writeKubeconfig(in: dir, cluster: #"{server: "\#(server.url)", certificate-authority: "\#(Self.ipOnly.caCert)", tls-server-name: "wröng-name.test"}"#,
                                         user: "{token: t}")
        let r = await run(["who-can", "GET", "/pods", "--kubeconfig", config])
        #expect(r.code == 2)
        #expect(r.err.contains("cluster \"lab\": tls-server-name \"wröng-name.test\" is not an ASCII host name"), "\(r.err)")

        // The client on its own refuses too, rather than look up xn--wrng-name-... and dial it.
        let c = try client(server, Self.ipOnly, name: "wröng-name.test")
        let refused = await #expect(throws: KubeAPIError.self) { try await c.get("/version") }
        await c.shutdown()
        #expect(refused?.description.contains("is not an ASCII host name") == true)
        #expect(server.requests.isEmpty)
    }
}
