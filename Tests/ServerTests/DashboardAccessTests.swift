import CLITestSupport
import Evidence
import Foundation
import KubeletAuthzServer
import TestPKI
import Testing
import TestSupport

/// The dashboard shows who can exec where: plain HTTP only on loopback; anywhere else only with
/// `--dashboard-client-ca-file`, over TLS with client certificates signed by that CA; never on
/// the webhook listener.
@Suite(.serialized) struct DashboardAccessTests {
    static let cluster = ["serve", "-f", TestServer.examples + "/ai-cluster"]

    @Test(arguments: [
        ("127.0.0.1", true), ("127.3.2.1", true), ("::1", true), ("localhost", true), ("::ffff:127.0.0.1", true),
        ("0.0.0.0", false), ("::", false), ("10.0.0.5", false), ("192.168.1.10", false), ("128.0.0.1", false),
        ("::2", false), ("::ffff:10.0.0.1", false), ("dashboard.example.com", false), ("fe80::1", false),
    ])
    func loopback(host: String, expected: Bool) {
        #expect(ListenAddress(host: host, port: 8080).isLoopback == expected)
    }

    @Test(arguments: [
        (["--insecure-http", "--dashboard-address", "0.0.0.0:8080"],
         "--dashboard-address 0.0.0.0:8080 is not a loopback address, and the dashboard shows who can exec where: listen on 127.0.0.1 (or [::1]), or give --dashboard-client-ca-file"),
        (["--insecure-http", "--dashboard-address", "[::]:8080"], "--dashboard-address [::]:8080 is not a loopback address"),
        (["--insecure-http", "--dashboard-address", "10.0.0.5:8080"], "--dashboard-address 10.0.0.5:8080 is not a loopback address"),
        (["--insecure-http", "--dashboard-address", "0.0.0.0:8080", "--dashboard-client-ca-file", "ca.crt"],
         "--dashboard-client-ca-file needs TLS: the dashboard serves the webhooks' certificate"),
        (["--insecure-http", "--dashboard-client-ca-file", "ca.crt"], "--dashboard-client-ca-file needs --dashboard-address"),
        (["--tls-cert-file", "a.crt", "--tls-private-key-file", "a.key", "--dashboard-address", "0.0.0.0:8080", "--dashboard-client-ca-file", "/nonexistent/ca.crt"],
         "--dashboard-client-ca-file /nonexistent/ca.crt: the file does not exist"),
    ])
    func refusedBeforeListening(arguments: [String], message: String) async {
        let r = await kubeletAuthz(Self.cluster + arguments)
        #expect(r.code == 2)
        #expect(r.err.contains(message), "\(r.err)")
    }

    /// The server refuses the same configuration when built by other code than the command.
    @Test func theServerRefusesAnOpenDashboardToo() {
        var config = TestServer.configuration(mode: .observe, pki: nil)
        config.dashboardAddress = ListenAddress(host: "0.0.0.0", port: 0)
        #expect(throws: TLSContextHolder.LoadError.self) {
            _ = try KubeletAuthzServer(configuration: config, store: StoreAccess(evidence: MemoryEvidenceStore(), decisions: MemoryDecisionStore()),
                                       load: { _ in throw TestServerError(description: "not loaded") })
        }
    }

    /// The webhooks trust the API server's CA; the dashboard trusts another (its readers'). Only
    /// a certificate signed by the dashboard's CA reads it, and the webhook listener has no
    /// dashboard for anyone.
    @Test func clientCertificatesSignedByTheDashboardCA() async throws {
        let webhookPKI = try TestPKI.make(), readers = try TestPKI.make()
        var config = TestServer.configuration(mode: .observe, pki: webhookPKI)
        config.dashboardAddress = ListenAddress(host: "127.0.0.1", port: 0)
        config.dashboardClientCA = readers.caCert
        let server = try await TestServer.start(config)
        let port = try #require(server.dashboardPort)

        // Signed by the readers' CA: the page (the server's certificate is the webhooks').
        let reader = try APIServerClient(port: port, pki: readers, trust: webhookPKI.caCert)
        let page = try await reader.get("/")
        #expect(page.status == 200)
        #expect(page.body.contains("<h1>kubelet-authz serve (observe)</h1>"))
        try await reader.shutdown()

        // No certificate, or one of the API server's: the handshake fails.
        let anonymous = try APIServerClient(port: port, pki: webhookPKI, clientCertificate: false, connectTimeout: 1)
        await #expect(throws: (any Error).self) { _ = try await anonymous.get("/") }
        try await anonymous.shutdown()
        let apiServer = try APIServerClient(port: port, pki: webhookPKI, connectTimeout: 1)
        await #expect(throws: (any Error).self) { _ = try await apiServer.get("/") }
        try await apiServer.shutdown()
        // Plain HTTP gets nothing from the TLS listener.
        let plain = try APIServerClient(port: port, pki: nil, connectTimeout: 1)
        await #expect(throws: (any Error).self) { _ = try await plain.get("/") }
        try await plain.shutdown()

        // The webhook listener: the API server's certificate opens it, and it has no dashboard.
        let webhook = try APIServerClient(port: server.port, pki: webhookPKI)
        #expect(try await webhook.get("/").status == 404)
        #expect(try await webhook.get("/readyz").status == 200)
        try await webhook.shutdown()
        try await server.stop()
    }
}
