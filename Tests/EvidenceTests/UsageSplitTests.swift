import AuditInput
@testable import Evidence
import Foundation
import Testing

/// `UsageAggregator.usage` splits the records by node between two threads: held to one thread
/// on the real sample's records spread over several nodes, fallback pairs and cached proxy
/// allows among them.
@Suite("Usage rows aggregated on two threads, against one")
struct UsageSplitTests {
    @Test("the same rows, in the same order")
    func sameRows() throws {
        let (text, _) = IngestTests.repeatedLog(copies: 60, truncate: { _ in false })
        let store = MemoryEvidenceStore()
        try AuditIngestor().ingest(body: Array(text.utf8), stream: "s", batch: "1", into: store)
        // Each copy of the sample on one of seven nodes (its auditIDs begin with the copy's number).
        let records = store.all.map { r -> AuditRecord in
            var r = r
            r.node = "node-\(Int(r.auditID.prefix(8), radix: 16)! % 7)"
            return r
        }
        let one = UsageAggregator.usage(records, parallelFrom: .max)
        let two = UsageAggregator.usage(records, parallelFrom: 0)
        #expect(Set(one.map(\.key.node)).count == 7)
        #expect(one.contains { !$0.fallbackFor.isEmpty } && one.contains { $0.deniedButPassedViaProxy > 0 })
        #expect(two == one)
    }
}
