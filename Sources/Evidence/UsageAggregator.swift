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
        for i in rs.indices {
            guard let user = rs[i].user else { continue }
            let raw = RawKey(user: user, path: rs[i].path, node: rs[i].node, subresource: rs[i].subresource, verb: rs[i].verb)
            let at: Int
            if let known = position[raw] {
                at = known
            } else {
                at = rows.count
                position[raw] = at
                let s = subject(of: user)
                rows.append(UsageRow(key: UsageRow.Key(subjectKind: s.kind, subjectName: s.name, subjectNamespace: s.namespace, path: raw.path,
                                                       node: raw.node, subresource: raw.subresource, verb: raw.verb),
                                     firstSeen: rs[i].time, lastSeen: rs[i].time))
            }
            // Updated in place: copying a row out and back would copy its sets each time.
            Self.add(rs[i], fallbackFrom: fallbackOf[i], passedViaProxy: covered[i], to: &rows[at])
        }
        // Keys are distinct, so the order is total and the same as sorting the rows themselves.
        var order = Array(rows.indices)
        rows.withUnsafeBufferPointer { r in order.sort { r[$0].key < r[$1].key } }
        return order.map { rows[$0] }
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
