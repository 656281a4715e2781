import Foundation

/// A batch's request keys (`AuditRecord.writeRequestKey`) written into one buffer, and which
/// copy of each request a store keeps: for each key, the copy its upsert would leave after
/// taking the batch in order (the richer, then the earlier by source; between equals, the
/// first). Keys are told apart by their bytes, as the stores' key columns tell them. A store
/// that writes only the kept copies is left as writing all in turn would leave it, without an
/// upsert that finds its row and rewrites it per extra copy (a log holds most kubelet reviews
/// twice: RequestReceived and ResponseComplete).
///
/// Built with the records read in place, the keys hashed and compared as bytes: record copies,
/// key strings and Swift's dictionary cost a tenth of the database's commit.
public struct RequestKeyBatch {
    /// Every record's key, one after another.
    public let bytes: [UInt8]
    /// Record `i`'s key: `bytes[spans[i]]`.
    public let spans: [Range<Int>]
    /// Whether record `i` is the copy of its request that the store keeps.
    public let kept: [Bool]

    public init(_ records: [AuditRecord]) {
        var bytes: [UInt8] = [], spans: [Range<Int>] = [], key: [UInt8] = []
        spans.reserveCapacity(records.count)
        var kept = [Bool](repeating: true, count: records.count)
        // Open addressing over record indices (-1: empty), at most half full.
        var size = 16
        while size < 2 * records.count { size <<= 1 }
        var slots = [Int32](repeating: -1, count: size)
        var hashes = [UInt64](repeating: 0, count: size)
        records.withUnsafeBufferPointer { rs in
            for i in rs.indices {
                AuditRecord.writeRequestKey(into: &key, timestamp: rs[i].timestamp, auditID: rs[i].auditID, node: rs[i].node,
                                            path: rs[i].path, cluster: rs[i].cluster)
                spans.append(bytes.count..<bytes.count + key.count)
                bytes.append(contentsOf: key)
            }
            bytes.withUnsafeBufferPointer { b in
                let base = b.baseAddress
                func equal(_ x: Range<Int>, _ y: Range<Int>) -> Bool {
                    x.count == y.count && (x.isEmpty || memcmp(base! + x.lowerBound, base! + y.lowerBound, x.count) == 0)
                }
                for i in rs.indices {
                    let h = Self.hash(base, spans[i])
                    var s = Int(truncatingIfNeeded: h) & (size - 1)
                    while slots[s] >= 0 {
                        let j = Int(slots[s])
                        if hashes[s] == h && equal(spans[i], spans[j]) {
                            if Self.replaces(rs, i, j) {
                                kept[j] = false
                                slots[s] = Int32(i)
                            } else {
                                kept[i] = false
                            }
                            break
                        }
                        s = (s + 1) & (size - 1)
                    }
                    if slots[s] < 0 {
                        slots[s] = Int32(i)
                        hashes[s] = h
                    }
                }
            }
        }
        self.bytes = bytes
        self.spans = spans
        self.kept = kept
    }

    /// The upsert's rule: the richer copy, then the earlier source. Read in place.
    static func replaces(_ rs: UnsafeBufferPointer<AuditRecord>, _ new: Int, _ old: Int) -> Bool {
        let a = AuditRecord.richnessOf(hasUser: rs[new].user != nil, decision: rs[new].decision, stage: rs[new].stage)
        let b = AuditRecord.richnessOf(hasUser: rs[old].user != nil, decision: rs[old].decision, stage: rs[old].stage)
        return a > b || (a == b && rs[new].source.precedes(rs[old].source))
    }

    static func hash(_ base: UnsafePointer<UInt8>?, _ span: Range<Int>) -> UInt64 {
        guard let base else { return 0 }
        return ByteHash.of(base + span.lowerBound, span.count)
    }
}
