import Evidence
import Foundation
import KubeletAuthzServer
import PostgresStore
import PostgresTestSupport
import Testing

/// `serve --store postgres://…`: the webhook's aggregated decisions land in the fleet's
/// PostgreSQL database, and two replicas sharing it add up.
@Suite("serve with a PostgreSQL store", .serialized, .enabled(if: PostgresTestServer.enabled))
struct PostgresDecisionServeTests {
    @Test("two replicas on one database: each review counted once, in the shared rows")
    func replicasShareDecisions() async throws {
        let postgres = try PostgresTestServer.require()
        let url = try postgres.makeDatabase()
        let pki = AuthorizationWebhookTests.pki
        let netdata = "system:serviceaccount:monitoring:netdata"
        var servers: [TestServer] = []
        for _ in 0..<2 {
            let db = try PostgresEvidenceStore(url: url, environment: [:])
            servers.append(try await TestServer.start(TestServer.configuration(mode: .observe, pki: pki), store: StoreAccess(evidence: db, decisions: db)))
        }
        for (i, server) in servers.enumerated() {
            let client = try APIServerClient(port: server.port, pki: pki)
            for _ in 0..<(2 + i) {
                let s = try ReviewStatus(try await client.post("/authorize", kubeletReview(user: netdata, groups: [], verb: "get", subresource: "proxy", node: "gpu-node-1")).body)
                #expect(!s.denied)
            }
            try await client.shutdown()
        }
        for server in servers { try await server.stop() }  // the last flushes
        let rows = try PostgresEvidenceStore(url: url, environment: [:]).decisions()
        #expect(rows.count == 1)
        #expect(rows.first?.count == 5)
        #expect(rows.first?.key.user == netdata && rows.first?.key.verdict == .deny && rows.first?.key.mode == "observe")
        #expect(rows.first?.firstSeen == TestServer.demoDay)
    }
}
