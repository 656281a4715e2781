import Evidence
import Foundation
import Store
import Testing
import TestSupport

/// The set of records an ingest keeps: which copy of a record wins does not depend on the
/// order the copies come in, and the records come out in `AuditRecord.precedes` order.
@Suite("The record set")
struct AuditRecordSetTests {
    /// `count` records with few distinct times (ties broken by source, then auditID), some
    /// sent twice with a different richness or from another line.
    static func records(_ count: Int, seed: UInt64) -> [AuditRecord] {
        var rng = SplitMix(state: seed)
        var out: [AuditRecord] = []
        for k in 0..<count {
            let time = 1_800_000_000 + Double(Int.random(in: 0..<40, using: &rng))
            let id = Int.random(in: 0..<10, using: &rng) == 0 && k > 0 ? out[Int.random(in: 0..<out.count, using: &rng)].auditID : "id-\(k)"
            let original = out.first { $0.auditID == id }
            let stage = Bool.random(using: &rng) ? "ResponseComplete" : "ResponseStarted"
            let decision: AuditRecord.Decision = [.allow, .deny, .unknown].randomElement(using: &rng)!
            let line = Int.random(in: 1..<500, using: &rng)
            out.append(AuditRecord(auditID: id, path: .kubelet, time: original?.time ?? time,
                                   timestamp: original?.timestamp ?? AuditTimestamp.text(time), level: "RequestResponse", stage: stage,
                                   user: Bool.random(using: &rng) ? "system:serviceaccount:monitoring:agent" : nil,
                                   groups: ["system:authenticated"], uid: nil, podName: nil, credentialID: nil,
                                   node: original?.node ?? "node-\(Int.random(in: 0..<5, using: &rng))", verb: "get", subresource: "pods",
                                   kubeletPath: nil, decision: decision, reason: "", code: 201, cluster: "",
                                   source: .file(path: ["/a.log", "/b.log"].randomElement(using: &rng)!, line: line, offset: line * 100)))
        }
        return out
    }

    @Test("batches taken whole give the set that records added one by one give, in the same order", arguments: [1, 2, 3])
    func takenEqualsAdded(seed: UInt64) {
        let all = Self.records(3000, seed: seed)
        var oneByOne = AuditRecordSet()
        oneByOne.add(contentsOf: all)
        var taken = AuditRecordSet()
        for start in stride(from: 0, to: all.count, by: 700) { taken.add(taking: Array(all[start..<min(start + 700, all.count)])) }
        #expect(oneByOne.duplicates > 100)
        #expect(taken.duplicates == oneByOne.duplicates)
        let expected = oneByOne.ordered
        #expect(expected == expected.sorted(by: AuditRecord.precedes))
        #expect(taken.takeOrdered() == expected)
        #expect(taken.count == 0)
        // Copied in (a batch the database holds too): the same set.
        var copied = AuditRecordSet()
        for start in stride(from: 0, to: all.count, by: 700) { copied.add(copying: Array(all[start..<min(start + 700, all.count)])) }
        #expect(copied.duplicates == oneByOne.duplicates)
        #expect(copied.takeOrdered() == expected)
    }

    /// The stores write only the copies `RequestKeyBatch` keeps: one per request, the one the
    /// set keeps (and the upserts would have left), whatever order the copies come in; each
    /// record's key is its `requestKey`.
    @Test("RequestKeyBatch keeps one copy per request, the one the set keeps", arguments: [1, 2, 3])
    func keptCopiesAreTheSetsRecords(seed: UInt64) throws {
        var batch = Self.records(3000, seed: seed)
        for shuffled in [false, true] {
            if shuffled {
                var rng = SplitMix(state: seed &* 31)
                batch.shuffle(using: &rng)
            }
            let keys = RequestKeyBatch(batch)
            let kept = keys.kept
            #expect(kept.count == batch.count)
            #expect(batch.indices.allSatisfy { String(decoding: keys.bytes[keys.spans[$0]], as: UTF8.self) == batch[$0].requestKey })
            var set = AuditRecordSet()
            set.add(contentsOf: batch)
            #expect(kept.filter { !$0 }.count == set.duplicates)
            #expect(set.duplicates > 100)
            let keptRecords = batch.indices.filter { kept[$0] }.map { batch[$0] }
            #expect(keptRecords.sorted(by: AuditRecord.precedes) == set.ordered, "shuffled: \(shuffled)")
        }
        #expect(RequestKeyBatch([]).kept.isEmpty)
        // And the database, given the whole batch, holds those.
        let database = try EvidenceStore(path: Fixtures.temporaryDirectory().appendingPathComponent("e.sqlite").path)
        try database.commit(EvidenceBatch(cluster: "", input: .stream(name: "webhook", batch: "b-1"), records: batch))
        var set = AuditRecordSet()
        set.add(contentsOf: batch)
        #expect(try database.records(since: nil) == set.ordered)
    }
}

extension AuditRecordSetTests {
    static func review(node: String, reason: String) -> AuditRecord {
        AuditRecord(auditID: "same-id", path: .kubelet, time: 1_800_000_000, timestamp: AuditTimestamp.text(1_800_000_000),
                    level: "RequestResponse", stage: "ResponseComplete", user: "system:serviceaccount:monitoring:agent",
                    groups: [], uid: nil, podName: nil, credentialID: nil, node: node, verb: "get", subresource: "pods",
                    kubeletPath: nil, decision: .allow, reason: reason, code: 201, cluster: "", source: .stream(name: "webhook", batch: "b-1"))
    }

    /// One stream batch: every record has the same source, so neither richness nor source tells
    /// equal copies apart. The first stays, as the database keeps it (its upsert replaces only a
    /// richer copy or one from an earlier source), and records that `precedes` cannot order keep
    /// the order they came in.
    @Test("within one source the first of equal copies stays, and ties keep their order")
    func firstOfEqualCopies() throws {
        let batch = [Self.review(node: "n1", reason: "first"), Self.review(node: "n1", reason: "second"),
                     Self.review(node: "n2", reason: "other node"), Self.review(node: "n0", reason: "third node")]
        var taken = AuditRecordSet()
        taken.add(taking: batch)
        var oneByOne = AuditRecordSet()
        oneByOne.add(contentsOf: batch)
        #expect(taken.duplicates == 1)
        let ordered = taken.takeOrdered()
        #expect(ordered.map(\.reason) == ["first", "other node", "third node"])
        #expect(oneByOne.ordered == ordered)
        // The database keeps the same copy.
        let database = try EvidenceStore(path: Fixtures.temporaryDirectory().appendingPathComponent("e.sqlite").path)
        try database.commit(EvidenceBatch(cluster: "", input: .stream(name: "webhook", batch: "b-1"), records: batch))
        #expect(try database.records(since: nil).filter { $0.node == "n1" }.map(\.reason) == ["first"])
    }
}

@Suite("Request keys")
struct RequestKeyTests {
    @Test("the bytes a store binds spell makeRequestKey, with and without a cluster, whatever the characters")
    func bytesSpellTheKey() {
        var bytes: [UInt8] = [0x41, 0x42]  // left over from a row before
        for (timestamp, id, node, path, cluster) in [("2026-11-27T07:42:40.123456Z", "9f1c-é", "gpu-node-1", AuditRecord.Path.kubelet, ""),
                                                     ("", "", "", .apiserverProxy, "prod-eu"), ("t", "中", "n\u{1F}x", .kubelet, "é")] {
            AuditRecord.writeRequestKey(into: &bytes, timestamp: timestamp, auditID: id, node: node, path: path, cluster: cluster)
            #expect(String(decoding: bytes, as: UTF8.self)
                    == AuditRecord.makeRequestKey(timestamp: timestamp, auditID: id, node: node, path: path, cluster: cluster))
        }
    }
}
