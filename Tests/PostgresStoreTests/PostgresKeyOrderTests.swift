import Evidence
@testable import PostgresStore
import Testing
import TestSupport

/// A batch goes to PostgreSQL as one copy per request in request-key order
/// (`PostgresEvidenceStore.keyOrder`, which reads the records in place): held to the plain way
/// of doing it, a key string per record, a dictionary of them, and a sort of the strings.
@Suite("PostgreSQL batches: one copy per request, in key order")
struct PostgresKeyOrderTests {
    /// Requests logged up to three times (stages, lines, files), some distinct requests whose
    /// parts join into the same key (an auditID holding the separator), some with a cluster.
    static func batch(seed: UInt64) -> [AuditRecord] {
        var rng = SplitMix(state: seed)
        var out: [AuditRecord] = []
        for k in 0..<2000 {
            let time = 1_800_000_000 + Double(Int.random(in: 0..<50, using: &rng))
            let collide = Int.random(in: 0..<40, using: &rng) == 0
            // "a\u{1F}n1" on node "x" joins as "a", node "n1\u{1F}x"... both give "…a\u{1F}n1\u{1F}x…".
            let id = collide ? "id-\(k % 7)\u{1F}n1" : "id-\(k % 1500)"
            let node = collide ? "x" : ["n1", "n1\u{1F}x", "n2", "é"].randomElement(using: &rng)!
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let line = Int.random(in: 1..<300, using: &rng)
                out.append(AuditRecord(auditID: id, path: Bool.random(using: &rng) ? .kubelet : .apiserverProxy, time: time,
                                       timestamp: AuditTimestamp.text(time), level: "RequestResponse",
                                       stage: Bool.random(using: &rng) ? "ResponseComplete" : "RequestReceived",
                                       user: Bool.random(using: &rng) ? "system:serviceaccount:monitoring:agent" : nil,
                                       groups: ["system:authenticated"], uid: nil, podName: nil, credentialID: nil, node: node,
                                       verb: "get", subresource: "pods", kubeletPath: nil,
                                       decision: [.allow, .deny, .unknown].randomElement(using: &rng)!, reason: "\(line)", code: 201,
                                       cluster: Int.random(in: 0..<5, using: &rng) == 0 ? "prod" : "",
                                       source: .file(path: ["/a.log", "/b.log"].randomElement(using: &rng)!, line: line, offset: line * 10)))
            }
        }
        // Two requests whose parts join into one key, each logged twice: one row.
        for (id, node) in [("c", "n1\u{1F}x"), ("c\u{1F}n1", "x"), ("c", "n1\u{1F}x"), ("c\u{1F}n1", "x")] {
            var r = out[0]
            r.auditID = id
            r.node = node
            r.reason = "collides"
            out.append(r)
        }
        return out
    }

    /// The plain way: the first copy of each key, replaced by a later one the upsert would keep.
    static func reference(_ records: [AuditRecord]) -> [(key: String, record: AuditRecord)] {
        var at: [String: Int] = [:]
        var kept: [(key: String, record: AuditRecord)] = []
        for r in records {
            let key = r.requestKey
            if let i = at[key] {
                let old = kept[i].record
                if r.richness > old.richness || (r.richness == old.richness && r.source.precedes(old.source)) { kept[i].record = r }
            } else {
                at[key] = kept.count
                kept.append((key, r))
            }
        }
        kept.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        return kept
    }

    @Test("the records and keys of the plain way, in its order", arguments: [1, 2, 3, 4])
    func sameAsPlain(seed: UInt64) {
        let batch = Self.batch(seed: seed)
        let (order, keys) = PostgresEvidenceStore.keyOrder(batch)
        let expected = Self.reference(batch)
        #expect(expected.count > 1000 && expected.count < batch.count)
        #expect(Set(keys).count == keys.count)
        let requests = Set(batch.map { [$0.timestamp, $0.auditID, $0.node, $0.path.rawValue, $0.cluster] })
        #expect(requests.count > expected.count)  // requests that join into one key are one row
        #expect(keys == expected.map(\.key))
        #expect(order.map { batch[$0] } == expected.map(\.record))
        #expect(PostgresEvidenceStore.keyOrder([]).order.isEmpty)
    }
}
