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

    public static func usage(_ records: [AuditRecord]) -> [UsageRow] {
        // Records are read in place (`rs[i].field`): binding each to a local would copy a dozen
        // strings per record per pass.
        records.withUnsafeBufferPointer { usage(in: $0) }
    }

    static func usage(in rs: UnsafeBufferPointer<AuditRecord>) -> [UsageRow] {
        // Pass 1: pair each allowed proxy check with the oldest denied fine-grained check of the
        // same caller, node and verb within the window (concurrent requests queue up).
        struct PairKey: Hashable { let user: String, node: String, verb: String }
        var pending: [PairKey: [(index: Int, time: Double)]] = [:]
        var proxyAllows: [PairKey: [Double]] = [:]
        // By record index: plain arrays, looked up once per record.
        var fallbackOf = [String?](repeating: nil, count: rs.count)
        var covered = [Bool](repeating: false, count: rs.count)
        for i in rs.indices where rs[i].path == .kubelet {
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
        for i in rs.indices where !covered[i] && rs[i].path == .kubelet && rs[i].decision == .deny && fineGrained.contains(rs[i].subresource) {
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
        struct RawKey: Hashable { let user: String, path: AuditRecord.Path, node: String, subresource: String, verb: String }
        var position: [RawKey: Int] = [:]
        var rows: [UsageRow] = []
        // By caller: a few hundred callers make tens of thousands of rows.
        var subjects: [String: (kind: String, name: String, namespace: String)] = [:]
        for i in rs.indices {
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
                rows.append(UsageRow(key: UsageRow.Key(subjectKind: s.kind, subjectName: s.name, subjectNamespace: s.namespace, path: raw.path,
                                                       node: raw.node, subresource: raw.subresource, verb: raw.verb),
                                     firstSeen: rs[i].time, lastSeen: rs[i].time))
            }
            // Updated in place: copying a row out and back would copy its sets each time.
            Self.add(rs[i], fallbackFrom: fallbackOf[i], passedViaProxy: covered[i], to: &rows[at])
        }
        return sortedByKey(rows)
    }

    /// The rows in `UsageRow.Key` order. Each field's distinct values are ranked once (a few
    /// thousand nodes, a handful of everything else) and the rows sorted by their ranks: sorting
    /// tens of thousands of rows by their strings cost more than building them. Ranks follow
    /// `String`'s own `<` and `==`, so the order is the key's.
    static func sortedByKey(_ rows: [UsageRow]) -> [UsageRow] {
        func ranks<T: Hashable>(_ values: [T], by less: (T, T) -> Bool) -> [T: Int] {
            var rank: [T: Int] = [:]
            for (k, v) in Set(values).sorted(by: less).enumerated() { rank[v] = k }
            return rank
        }
        struct Subject: Hashable { let kind: String, namespace: String, name: String }
        let subjects = rows.map { Subject(kind: $0.key.subjectKind, namespace: $0.key.subjectNamespace, name: $0.key.subjectName) }
        let subject = ranks(subjects) { ($0.kind, $0.namespace, $0.name) < ($1.kind, $1.namespace, $1.name) }
        let node = ranks(rows.map(\.key.node), by: <)
        let subresource = ranks(rows.map(\.key.subresource), by: <)
        let verb = ranks(rows.map(\.key.verb), by: <)
        struct Rank: Comparable {
            let subject: Int, path: Int, node: Int, subresource: Int, verb: Int
            static func < (a: Rank, b: Rank) -> Bool {
                (a.subject, a.path, a.node, a.subresource, a.verb) < (b.subject, b.path, b.node, b.subresource, b.verb)
            }
        }
        // `Path`'s order is its raw value's, as in `UsageRow.Key.<`.
        let path = ranks([AuditRecord.Path.kubelet, .apiserverProxy]) { $0.rawValue < $1.rawValue }
        let keys = rows.indices.map { i in
            Rank(subject: subject[subjects[i]]!, path: path[rows[i].key.path]!, node: node[rows[i].key.node]!,
                 subresource: subresource[rows[i].key.subresource]!, verb: verb[rows[i].key.verb]!)
        }
        return rows.indices.sorted { keys[$0] < keys[$1] }.map { rows[$0] }
    }

    static func add(_ r: AuditRecord, fallbackFrom: String?, passedViaProxy: Bool, to row: inout UsageRow) {
        row.firstSeen = min(row.firstSeen, r.time)
        row.lastSeen = max(row.lastSeen, r.time)
        if !r.groups.isEmpty && !r.groups.allSatisfy(row.groups.contains) { row.groups.formUnion(r.groups) }
        if let p = r.kubeletPath { row.kubeletPaths.insert(p) }
        switch r.decision {
        case .allow:
            row.allowed += 1
            row.lastAllowed = max(row.lastAllowed ?? r.time, r.time)
        case .deny: row.denied += 1
        case .unknown: row.unknown += 1
        }
        if let fallbackFrom { row.fallbackFor[fallbackFrom, default: 0] += 1 }
        if passedViaProxy { row.deniedButPassedViaProxy += 1 }
    }
}
