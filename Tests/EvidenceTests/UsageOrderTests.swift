@testable import Evidence
import Testing

/// `UsageAggregator.sortedByKey` sorts rows by ranks of their fields: held to sorting the rows by
/// `UsageRow.Key.<` itself.
@Suite("Usage rows in key order")
struct UsageOrderTests {
    /// Deterministic pseudo-random numbers (SplitMix64), so a failure can be replayed.
    struct Numbers {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    @Test("the same order as sorting by the key", arguments: [1, 2, 3, 4])
    func sameOrder(seed: UInt64) {
        var n = Numbers(state: seed)
        // Few values per field, so that rows share prefixes and every field decides somewhere;
        // empty strings, case, non-ASCII and prefixes of one another among them.
        let kinds = ["ServiceAccount", "User", "Group"]
        let names = ["", "a", "ab", "B", "é", "e\u{301}x", "z", "metrics-server", "system:kube-proxy"]
        let nodes = ["", "node-1", "node-10", "node-2", "Node-1", "ñode", "n"]
        let words = ["", "get", "proxy", "pods", "Log", "stats", "create"]
        var seen = Set<UsageRow.Key>()
        var rows: [UsageRow] = []
        for _ in 0..<3000 {
            let key = UsageRow.Key(subjectKind: kinds[n.next(kinds.count)], subjectName: names[n.next(names.count)],
                                   subjectNamespace: names[n.next(names.count)], path: n.next(2) == 0 ? .kubelet : .apiserverProxy,
                                   node: nodes[n.next(nodes.count)], subresource: words[n.next(words.count)], verb: words[n.next(words.count)])
            // Distinct keys (as the aggregator makes them), so that the order is total.
            guard seen.insert(key).inserted else { continue }
            rows.append(UsageRow(key: key, firstSeen: Double(n.next(100)), lastSeen: 100))
        }
        #expect(rows.count > 1000)
        let expected = rows.sorted { $0.key < $1.key }
        #expect(UsageAggregator.sortedByKey(rows) == expected)
        #expect(UsageAggregator.sortedByKey(rows.reversed()) == expected)
        // The fields ranked at once, on the cores.
        #expect(UsageAggregator.sortedByKey(rows, parallelFrom: 0) == expected)
        #expect(UsageAggregator.sortedByKey(rows.reversed(), parallelFrom: 0) == expected)
    }
}
