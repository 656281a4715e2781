import AuditInput
@testable import Evidence
import Foundation
import Testing

/// `UsageAggregator.usage` splits the records by node between two threads: held to one thread
/// on the real sample's records spread over several nodes, fallback pairs and cached proxy
/// allows among them.
@Suite("Usage rows aggregated on two threads, against one")
struct UsageSplitTests {
    /// The real sample's records repeated `copies` times, each copy's records on the node
    /// `node(copy)` names (the copy's number begins its auditIDs).
    static func records(copies: Int, node: (Int) -> String) throws -> [AuditRecord] {
        let (text, _) = IngestTests.repeatedLog(copies: copies, truncate: { _ in false })
        let store = MemoryEvidenceStore()
        try AuditIngestor().ingest(body: Array(text.utf8), stream: "s", batch: "1", into: store)
        return store.all.map { r -> AuditRecord in
            var r = r
            r.node = node(Int(r.auditID.prefix(8), radix: 16)!)
            return r
        }
    }

    @Test("the same rows, in the same order")
    func sameRows() throws {
        // Each copy of the sample on one of seven nodes.
        let records = try Self.records(copies: 60) { "node-\($0 % 7)" }
        let one = UsageAggregator.usage(records, parallelFrom: .max)
        let two = UsageAggregator.usage(records, parallelFrom: 0)
        #expect(Set(one.map(\.key.node)).count == 7)
        #expect(one.contains { !$0.fallbackFor.isEmpty } && one.contains { $0.deniedButPassedViaProxy > 0 })
        #expect(two == one)
    }

    /// The split hashes an ASCII node name's bytes; a name with other bytes can still equal one
    /// (`==`: U+212A KELVIN SIGN is canonically "K"), and must then land in the same half, as
    /// one row. Eight such pairs: a split that tore them apart would do so for most.
    @Test("node names equal under ==, one ASCII and one not: the same rows as one thread")
    func canonicallyEqualNodes() throws {
        let records = try Self.records(copies: 32) { "node-\($0 % 8)-" + ($0 % 16 < 8 ? "K" : "\u{212A}") }
        #expect("node-1-K" == "node-1-\u{212A}")
        let one = UsageAggregator.usage(records, parallelFrom: .max)
        let two = UsageAggregator.usage(records, parallelFrom: 0)
        #expect(Set(one.map(\.key.node)).count == 8)
        #expect(two == one)
    }
}
