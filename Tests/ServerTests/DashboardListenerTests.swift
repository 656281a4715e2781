import Foundation
import KubeletAuthzServer
import Testing

/// The dashboard shows who can exec where: it has a listener of its own, and the webhook
/// listener does not serve it.
struct DashboardListenerTests {
    @Test func dashboardOnItsOwnListenerOnly() async throws {
        var config = TestServer.configuration(mode: .observe, pki: nil)
        config.dashboardAddress = ListenAddress(host: "127.0.0.1", port: 0)
        let server = try await TestServer.start(config)
        let dashboardPort = try #require(server.dashboardPort)
        #expect(dashboardPort != server.port)
        let dashboard = try APIServerClient(port: dashboardPort, pki: nil)
        let page = try await dashboard.get("/")
        #expect(page.status == 200)
        #expect(page.body.contains("<h1>kubelet-authz serve (observe)</h1>"))
        #expect(page.body.contains("from \(TestServer.examples)/ai-cluster"))
        try await dashboard.shutdown()
        let webhook = try APIServerClient(port: server.port, pki: nil)
        #expect(try await webhook.get("/").status == 404)
        try await webhook.shutdown()
        try await server.stop()
    }
}
