import AuditInput
import Evidence
import Foundation
import KubeletAuthzServer
import Store
import TestPKI
import Testing
import TestSupport

/// The audit webhook as the API server's batching backend drives it: `EventList` batches of up
/// to 400 events, a failed batch sent again unchanged.
@Suite(.serialized) struct AuditWebhookTests {
    static let pki = try! TestPKI.make()
    static let log = TestServer.examples + "/audit/audit.log"

    /// The demo's audit events as the webhook backend batches them (k8s.io/apiserver
    /// plugin/pkg/audit/buffered: at most 400 events per batch; the webhook POSTs an
    /// `audit.k8s.io/v1` `EventList`).
    static func batches(size: Int = 400) throws -> [Data] {
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").filter { !$0.isEmpty }
        return stride(from: 0, to: lines.count, by: size).map { start in
            let items = lines[start..<min(start + size, lines.count)].joined(separator: ",")
            return Data((#"{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":["# + items + "]}").utf8)
        }
    }

    @Test func batchesLandOnceEachAcrossRetries() async throws {
        // What the file reader extracts from the same events: the traffic's records.
        let expected = MemoryEvidenceStore()
        _ = try AuditIngestor().ingest([AuditSource(path: Self.log)], into: expected)
        let expectedRecords = try expected.records(since: nil)
        #expect(expectedRecords.count > 0)

        let dbPath = Fixtures.temporaryDirectory().appendingPathComponent("evidence.db").path
        let db = try EvidenceStore(path: dbPath)
        let server = try await TestServer.start(TestServer.configuration(mode: .observe, pki: Self.pki), store: StoreAccess(evidence: db, decisions: db))
        let client = try APIServerClient(port: server.port, pki: Self.pki)
        let batches = try Self.batches()
        #expect(batches.count == 2)
        for batch in batches {
            let a = try await client.post("/audit", batch)
            #expect(a.status == 200)
        }
        // The API server retries a batch whose answer it did not get: sent again, stored once.
        #expect(try await client.post("/audit", batches[0]).status == 200)
        try await client.shutdown()
        try await server.stop()

        let stored = try EvidenceStore(path: dbPath)
        let records = try stored.records(since: nil)
        #expect(records.count == expectedRecords.count)
        #expect(Set(records.map(\.requestKey)) == Set(expectedRecords.map(\.requestKey)))
        #expect(records.allSatisfy { if case .stream("audit-webhook", _) = $0.source { true } else { false } })
        let totals = try stored.totals()
        let fileTotals = try expected.totals()
        #expect(totals.events == fileTotals.events)
        #expect(totals.kubeletReviews == fileTotals.kubeletReviews)
        #expect(totals.nodeProxy == fileTotals.nodeProxy)
        #expect(try stored.inputs().count == 2)
    }

    @Test func oversizedMalformedAndOverloadedBatches() async throws {
        var config = TestServer.configuration(mode: .observe, pki: Self.pki)
        config.auditBodyLimit = 64 << 10
        let server = try await TestServer.start(config)
        let client = try APIServerClient(port: server.port, pki: Self.pki)
        let big = try Self.batches()[0]
        #expect(big.count > 64 << 10)
        let tooLarge = try await client.post("/audit", big)
        #expect(tooLarge.status == 413)
        let malformed = try await client.post("/audit", Data("{\n\"kind\": \"EventList\", oops".utf8))
        #expect(malformed.status == 400)
        let metrics = try await client.get("/metrics")
        #expect(metrics.body.contains(#"kubelet_authz_audit_batches_rejected_total{reason="too_large"} 1"#))
        #expect(metrics.body.contains(#"kubelet_authz_audit_batches_rejected_total{reason="malformed"} 1"#))
        try await client.shutdown()
        try await server.stop()

        // No room for another batch: 429 with Retry-After, not a queue.
        var full = TestServer.configuration(mode: .observe, pki: Self.pki)
        full.auditConcurrency = 0
        let busy = try await TestServer.start(full)
        let busyClient = try APIServerClient(port: busy.port, pki: Self.pki)
        let refused = try await busyClient.post("/audit", try Self.batches(size: 10)[0])
        #expect(refused.status == 429)
        #expect(refused.headers.contains { $0.0.lowercased() == "retry-after" && $0.1 == "1" })
        try await busyClient.shutdown()
        try await busy.stop()
    }

    /// The default limit takes the API server's largest truncated batch (10 MiB).
    @Test func defaultLimitTakesATruncatedBatch() {
        let config = ServerConfiguration(tls: nil)
        #expect(config.auditBodyLimit >= 10 * 1024 * 1024)
    }
}
