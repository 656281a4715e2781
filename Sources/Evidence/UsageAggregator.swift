import Dispatch
import KubeletModel
import RBAC

public enum UsageAggregator {
    /// The subject a caller name denotes: `system:serviceaccount:NS:NAME` is a ServiceAccount,
    /// anything else a User. An unknown caller (Metadata-level events) has none.
    public static func subject(of user: String) -> (kind: String, name: String, namespace: String) {
        if let sa = UserInfo.splitServiceAccount(user) { return (Subject.serviceAccountKind, sa.name, sa.namespace) }
        return (Subject.userKind, user, "")
    }

    /// Subresources some release tries before the `nodes/proxy` fallback: an audit record does
    /// not say which kubelet release sent it, so every modelled release counts.
    static let fineGrained: Set<String> = Set(KubeletVocabulary.fallbackSubresourcesInAnyRelease.map(\.rawValue))

    /// A denied fine-grained check followed, within a second, by an allowed `proxy` check for
    /// the same caller, node and verb is one request that passed only through the fallback.
    public static let fallbackWindow = 1.0

    /// The kubelet's default cache lifetime for allowed decisions.
    public static let allowCacheTTL = 300.0

    /// Records from `parallelFrom` on are aggregated on two threads, split by node: a row, and
    /// every pairing of a denial with a proxy allow, belongs to one node, so each half is whole,
    /// and the rows, sorted by key, are those of one thread.
    public static func usage(_ records: [AuditRecord], parallelFrom: Int = 8192) -> [UsageRow] {
        // Records are read in place (`rs[i].field`): binding each to a local would copy a dozen
        // strings per record per pass.
        records.withUnsafeBufferPointer { rs in
            guard rs.count >= parallelFrom else { return sortedByKey(usage(in: rs, at: Array(rs.indices))) }
            var halves: [[Int]] = [[], []]
            for i in rs.indices {
                guard let h = asciiHalf(of: rs[i].node) else {
                    // A name with other bytes can equal (`==`) an ASCII one (U+212A KELVIN SIGN is
                    // "K"): then every node is split by `hashValue`, which follows `==`.
                    halves = [[], []]
                    for i in rs.indices { halves[Int(UInt(bitPattern: rs[i].node.hashValue) & 1)].append(i) }
                    break
                }
                halves[h].append(i)
            }
            let split = halves
            var rows: [[UsageRow]] = [[], []]
            nonisolated(unsafe) let records = rs
            rows.withUnsafeMutableBufferPointer { out in
                nonisolated(unsafe) let out = out
                DispatchQueue.concurrentPerform(iterations: 2) { k in out[k] = usage(in: records, at: split[k]) }
            }
            // Moved, not copied (a copy retains each row's strings and collections).
            var second = rows.removeLast()
            var all = rows.removeLast()
            second.reverse()
            while let row = second.popLast() { all.append(consume row) }
            return sortedByKey(all)
        }
    }

    /// Which of the two halves an ASCII node name's records are aggregated in (nil for any
    /// other name). Equal names must land in the same half; among ASCII names `==` is byte
    /// equality, so a cheap hash of the bytes will do (Swift's seeded hash of every record's
    /// node cost more than the split saved).
    static func asciiHalf(of node: String) -> Int? {
        var h: UInt32 = 2_166_136_261
        for b in node.utf8 {
            guard b < 0x80 else { return nil }
            h = (h ^ UInt32(b)) &* 16_777_619
        }
        return Int((h ^ (h >> 16)) & 1)
    }

    /// The rows of the records at `indices` (ascending), in no particular order.
    static func usage(in rs: UnsafeBufferPointer<AuditRecord>, at indices: [Int]) -> [UsageRow] {
        // Pass 1: pair each allowed proxy check with the oldest denied fine-grained check of the
        // same caller, node and verb within the window (concurrent requests queue up).
        struct PairKey: Hashable { let user: String, node: String, verb: String }
        var pending: [PairKey: [(index: Int, time: Double)]] = [:]
        var proxyAllows: [PairKey: [Double]] = [:]
        // By record index: plain arrays, looked up once per record.
        var fallbackOf = [String?](repeating: nil, count: rs.count)
        var covered = [Bool](repeating: false, count: rs.count)
        for i in indices where rs[i].path == .kubelet {
            guard let user = rs[i].user else { continue }
            let time = rs[i].time
            let pk = PairKey(user: user, node: rs[i].node, verb: rs[i].verb)
            if rs[i].decision == .deny && fineGrained.contains(rs[i].subresource) {
                pending[pk, default: []].append((i, time))
            } else if rs[i].decision == .allow && rs[i].subresource == "proxy" {
                proxyAllows[pk, default: []].append(time)
                guard let at = pending.index(forKey: pk) else { continue }
                // Changed where it is: copying the queue out and back would copy it each time.
                pending.values[at].removeAll { time - $0.time > fallbackWindow }
                if let k = pending.values[at].firstIndex(where: { time >= $0.time }) {
                    let denied = pending.values[at].remove(at: k).index
                    fallbackOf[i] = rs[denied].subresource
                    covered[denied] = true
                }
            }
        }
        // Pass 2: a denied check not followed by a proxy review may have passed through a
        // cached proxy allow.
        for key in proxyAllows.keys { proxyAllows[key]!.sort() }
        for i in indices where !covered[i] && rs[i].path == .kubelet && rs[i].decision == .deny && fineGrained.contains(rs[i].subresource) {
            guard let user = rs[i].user, let allows = proxyAllows[PairKey(user: user, node: rs[i].node, verb: rs[i].verb)] else { continue }
            // The latest allow at or before the denial (binary search: a busy collector has
            // thousands), still in the cache if within its lifetime.
            let time = rs[i].time
            var lo = 0, hi = allows.count
            while lo < hi { let mid = (lo + hi) / 2; if allows[mid] <= time { lo = mid + 1 } else { hi = mid } }
            if lo > 0 && time - allows[lo - 1] <= allowCacheTTL { covered[i] = true }
        }

        // The subject is worked out once per row. Rows are kept in an array and found through
        // their key: sorting then moves small integers, not rows of seven strings and three
        // collections each (which cost more than building them).
        struct RawKey: Hashable {
            let user: String, path: AuditRecord.Path, node: String, subresource: String, verb: String
            // Hashes the caller and the node only (equal keys still hash alike): rows that share
            // both differ in a handful of subresources and verbs, and hashing five fields of
            // every record was most of building the rows.
            func hash(into h: inout Hasher) {
                h.combine(user)
                h.combine(node)
            }
        }
        var position: [RawKey: Int] = [:]
        // Rows are far fewer than records (every scrape is a record): size for a large fleet's
        // rows, not for every record, and let a larger one grow.
        position.reserveCapacity(min(indices.count, 1 << 16))
        var rows: [UsageRow] = []
        // The groups last added to each row: a caller's records nearly always carry the same
        // list, which then needs no look-up in the row's set.
        var lastGroups: [[String]] = []
        // By caller: a few hundred callers make tens of thousands of rows.
        var subjects: [String: (kind: String, name: String, namespace: String)] = [:]
        // A new row's groups, shared by every row that starts with the same list (a caller's
        // rows on every node): one set each, not one per row.
        var groupSets: [[String]: Set<String>] = [:]
        for i in indices {
            guard let user = rs[i].user else { continue }
            let raw = RawKey(user: user, path: rs[i].path, node: rs[i].node, subresource: rs[i].subresource, verb: rs[i].verb)
            let at: Int
            if let known = position[raw] {
                at = known
            } else {
                at = rows.count
                position[raw] = at
                let s = subjects[user] ?? subject(of: user)
                subjects[user] = s
                lastGroups.append([])
                var row = UsageRow(key: UsageRow.Key(subjectKind: s.kind, subjectName: s.name, subjectNamespace: s.namespace, path: raw.path,
                                                     node: raw.node, subresource: raw.subresource, verb: raw.verb),
                                   firstSeen: rs[i].time, lastSeen: rs[i].time)
                if !rs[i].groups.isEmpty {
                    let groups = rs[i].groups
                    if let shared = groupSets[groups] { row.groups = shared } else {
                        row.groups = Set(groups)
                        groupSets[groups] = row.groups
                    }
                    lastGroups[at] = groups
                }
                rows.append(row)
            }
            // Updated in place: copying a row out and back would copy its sets each time.
            let newGroups = rs[i].groups != lastGroups[at]
            if newGroups { lastGroups[at] = rs[i].groups }
            Self.add(rs, i, fallbackFrom: fallbackOf[i], passedViaProxy: covered[i], newGroups: newGroups, to: &rows[at])
        }
        return rows
    }

    /// The rows in `UsageRow.Key` order. Each field's distinct values are ranked once (a few
    /// thousand nodes, a handful of everything else) and the rows sorted by their ranks: sorting
    /// tens of thousands of rows by their strings cost more than building them. Ranks follow
    /// `String`'s own `<` and `==`, so the order is the key's.
    /// - Parameter parallelFrom: from this many rows on, the five fields are ranked at once on
    ///   the cores (the ranks were the one stretch of the report left on one core).
    static func sortedByKey(_ input: consuming [UsageRow], parallelFrom: Int = 4096) -> [UsageRow] {
        var rows = input  // moved, not copied: the caller gives the rows up
        struct Subject: Hashable { let kind: String, namespace: String, name: String }
        // Each field taken out of the rows in one pass, read in place (a copy of a row would
        // retain its seven strings and three collections).
        var subjects: [Subject] = [], paths: [AuditRecord.Path] = [], nodes: [String] = [], subresources: [String] = [], verbs: [String] = []
        rows.withUnsafeBufferPointer { rows in
            for i in rows.indices {
                subjects.append(Subject(kind: rows[i].key.subjectKind, namespace: rows[i].key.subjectNamespace, name: rows[i].key.subjectName))
                paths.append(rows[i].key.path); nodes.append(rows[i].key.node)
                subresources.append(rows[i].key.subresource); verbs.append(rows[i].key.verb)
            }
        }
        let fieldRanks: [@Sendable () -> [Int]] = [
            { [subjects] in Self.ranks(subjects) { ($0.kind, $0.namespace, $0.name) < ($1.kind, $1.namespace, $1.name) } },
            // `Path`'s order is its raw value's, as in `UsageRow.Key.<`.
            { [paths] in Self.ranks(paths) { $0.rawValue < $1.rawValue } },
            { [nodes] in Self.ranks(nodes, by: <) },
            { [subresources] in Self.ranks(subresources, by: <) },
            { [verbs] in Self.ranks(verbs, by: <) },
        ]
        var ranked = [[Int]](repeating: [], count: fieldRanks.count)
        if rows.count >= parallelFrom {
            ranked.withUnsafeMutableBufferPointer { out in
                nonisolated(unsafe) let out = out
                DispatchQueue.concurrentPerform(iterations: fieldRanks.count) { k in out[k] = fieldRanks[k]() }
            }
        } else {
            for k in fieldRanks.indices { ranked[k] = fieldRanks[k]() }
        }
        let (subject, path, node, subresource, verb) = (ranked[0], ranked[1], ranked[2], ranked[3], ranked[4])
        struct Rank: Comparable {
            let subject: Int, path: Int, node: Int, subresource: Int, verb: Int
            static func < (a: Rank, b: Rank) -> Bool {
                (a.subject, a.path, a.node, a.subresource, a.verb) < (b.subject, b.path, b.node, b.subresource, b.verb)
            }
        }
        let keys = rows.indices.map { i in Rank(subject: subject[i], path: path[i], node: node[i], subresource: subresource[i], verb: verb[i]) }
        let order = rows.indices.sorted { keys[$0] < keys[$1] }
        // Put in order where they are, by swaps along each cycle of the permutation: building a
        // new array would copy every row.
        // (Swapped through the buffer: `Array.swapAt` copies both rows, retaining what they hold.)
        var placed = [Bool](repeating: false, count: rows.count)
        rows.withUnsafeMutableBufferPointer { rows in
            for start in rows.indices where !placed[start] {
                var k = start
                while true {
                    placed[k] = true
                    let from = order[k]
                    if from == start { break }
                    rows.swapAt(k, from)
                    k = from
                }
            }
        }
        return rows
    }

    /// Each row's rank among the distinct values of one field: one hash per row, then the
    /// distinct values sorted.
    static func ranks<T: Hashable>(_ values: [T], by less: (T, T) -> Bool) -> [Int] {
        var id: [T: Int] = [:]
        var distinct: [T] = []
        var ids: [Int] = []
        ids.reserveCapacity(values.count)
        for v in values {
            if let k = id[v] { ids.append(k) } else {
                id[v] = distinct.count
                ids.append(distinct.count)
                distinct.append(v)
            }
        }
        var rank = [Int](repeating: 0, count: distinct.count)
        for (r, k) in distinct.indices.sorted(by: { less(distinct[$0], distinct[$1]) }).enumerated() { rank[k] = r }
        return ids.map { rank[$0] }
    }

    /// Adds record `rs[i]`, read in place: passing the record (`rs[i]`) to a function copies it,
    /// its dozen strings retained and released once per record.
    /// - Parameter newGroups: false when the row holds the record's groups already.
    static func add(_ rs: UnsafeBufferPointer<AuditRecord>, _ i: Int, fallbackFrom: String?, passedViaProxy: Bool, newGroups: Bool = true,
                    to row: inout UsageRow) {
        let time = rs[i].time
        row.firstSeen = min(row.firstSeen, time)
        row.lastSeen = max(row.lastSeen, time)
        if newGroups && !rs[i].groups.isEmpty && !rs[i].groups.allSatisfy(row.groups.contains) { row.groups.formUnion(rs[i].groups) }
        if let p = rs[i].kubeletPath { row.kubeletPaths.insert(p) }
        switch rs[i].decision {
        case .allow:
            row.allowed += 1
            row.lastAllowed = max(row.lastAllowed ?? time, time)
        case .deny: row.denied += 1
        case .unknown: row.unknown += 1
        }
        if let fallbackFrom { row.fallbackFor[fallbackFrom, default: 0] += 1 }
        if passedViaProxy { row.deniedButPassedViaProxy += 1 }
    }
}
