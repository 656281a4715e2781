import CLITestSupport
import Evidence
import Foundation
@testable import KubeletAuthzCLI
import KubeletAuthzApp
import KubeletAuthzServer
import TestPKI
import Testing
import TestSupport

/// What the serve command puts around the server: the health listener the kubelet's probes
/// use, the report as the dashboard, and `--print-config`.
@Suite(.serialized) struct ServeWiringTests {
    /// The webhook listener asks for a client certificate once a CA is given; the kubelet's
    /// probes have none, so they go to the health listener, which serves nothing else.
    @Test func probesReachTheHealthListenerWithoutAClientCertificate() async throws {
        let pki = try TestPKI.make()
        var config = TestServer.configuration(mode: .enforce, pki: pki)
        config.healthAddress = ListenAddress(host: "127.0.0.1", port: 0)
        let server = try await TestServer.start(config)
        let healthPort = try #require(server.healthPort)
        #expect(healthPort != server.port)

        let probe = try APIServerClient(port: healthPort, pki: nil)
        #expect(try await probe.get("/readyz").status == 200)
        #expect(try await probe.get("/healthz").status == 200)
        #expect(try await probe.get("/metrics").body.contains("kubelet_authz_"))
        let review = kubeletReview(user: "system:serviceaccount:monitoring:netdata", groups: [], verb: "get", subresource: "proxy", node: "gpu-node-1")
        #expect(try await probe.post("/authorize", review).status == 404)
        #expect(try await probe.post("/audit", Data("{}".utf8)).status == 404)
        try await probe.shutdown()

        let anonymous = try APIServerClient(port: server.port, pki: pki, clientCertificate: false, connectTimeout: 1)
        await #expect(throws: (any Error).self) { _ = try await anonymous.get("/readyz") }
        try await anonymous.shutdown()
        try await server.stop()
    }

    /// The dashboard is the scan report of the loaded policy, with the webhook's decisions as
    /// its live evidence: a would-be denial in observe mode shows as a denial of that subject.
    @Test func dashboardIsTheReportWithTheWebhooksDecisions() async throws {
        var config = TestServer.configuration(mode: .observe, pki: nil)
        config.dashboardAddress = ListenAddress(host: "127.0.0.1", port: 0)
        config.decisionFlushInterval = .milliseconds(50)
        let server = try await TestServer.start(config, dashboard: { ServeDashboard.page($0, mode: .observe, now: Date()) })
        let client = try APIServerClient(port: server.port, pki: nil)
        let review = kubeletReview(user: "system:serviceaccount:monitoring:netdata", groups: [], verb: "get", subresource: "proxy", node: "gpu-node-1")
        for _ in 0..<3 { #expect(try await client.post("/authorize", review).status == 200) }
        try await client.shutdown()

        let dashboard = try APIServerClient(port: try #require(server.dashboardPort), pki: nil)
        var page = ""
        for _ in 0..<100 {
            page = try await dashboard.get("/").body
            if page.contains("authorization webhook (observe mode)") && page.contains("monitoring/netdata") { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await dashboard.shutdown()
        try await server.stop()
        #expect(page.contains("Kubelet access review"))
        #expect(page.contains("http-equiv=\"refresh\""))
        #expect(page.contains("the authorization webhook (observe mode)"))
        #expect(page.contains("Observe mode: the denials are what enforce mode would deny"))
        #expect(page.contains("gpu-node-1"))
    }

    @Test func liveEvidenceCountsDenialsAndLeavesTheRestToRBAC() {
        func decision(_ user: String, _ verdict: AuthorizationDecision.Verdict, _ count: Int, _ first: Double, _ last: Double) -> AuthorizationDecision {
            AuthorizationDecision(key: .init(user: user, node: "n1", subresource: "proxy", verb: "get", mode: "enforce", verdict: verdict),
                                  count: count, firstSeen: first, lastSeen: last)
        }
        let live = ServeDashboard.live([decision("system:serviceaccount:ns:agent", .deny, 4, 10, 20),
                                        decision("system:serviceaccount:ns:agent", .noOpinion, 2, 5, 30),
                                        decision("alice", .noOpinion, 1, 1, 1)], mode: .enforce)
        #expect(live.decisions.count == 2)
        let agent = try! #require(live.decisions.first { $0.subject.kind == "ServiceAccount" })
        #expect(agent.subject.namespace == "ns" && agent.subject.name == "agent")
        #expect(agent.denied == 4 && agent.undecided == 2 && agent.allowed == 0)
        #expect(agent.firstSeen == 5 && agent.lastSeen == 30)
        #expect(live.decisions.first { $0.subject.kind == "User" }?.undecided == 1)
        #expect(!live.notes.contains { $0.hasPrefix("Observe mode") })
    }

    /// `--print-config` prints what deploy/serve/ holds for the defaults, one file per artefact
    /// with `--print-config-dir`, and refuses an address it cannot render.
    @Test func printConfigWritesTheDeployFiles() async throws {
        let stream = await kubeletAuthz(["serve", "--print-config"])
        #expect(stream.code == 0, "\(stream.err)")
        #expect(stream.out == ServeDeploymentRenderer.stream(try ServeDeploymentRenderer.render(ServeDeploymentOptions())))
        #expect(stream.out.contains("failurePolicy: NoOpinion"))

        let dir = Fixtures.temporaryDirectory()
        let written = await kubeletAuthz(["serve", "--print-config", "--print-config-dir", dir.path])
        #expect(written.code == 0, "\(written.err)")
        let deploy = Fixtures.repositoryRoot.appendingPathComponent("deploy/serve")
        let names = try FileManager.default.contentsOfDirectory(atPath: deploy.path).sorted()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == names)
        for name in names {
            #expect(try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
                        == String(contentsOf: deploy.appendingPathComponent(name), encoding: .utf8), "\(name)")
        }

        let enforce = await kubeletAuthz(["serve", "--print-config", "--mode", "enforce", "--address", "127.0.0.1:9443", "--health-address", "127.0.0.1:9081"])
        #expect(enforce.code == 0)
        #expect(enforce.out.contains("failurePolicy: Deny"))
        #expect(enforce.out.contains("https://127.0.0.1:9443/authorize"))
        #expect(enforce.out.contains("--health-address=127.0.0.1:9081"))

        let bad = await kubeletAuthz(["serve", "--print-config", "--address", "nowhere"])
        #expect(bad.code == 2)
        #expect(bad.err.contains("address"))
    }
}
