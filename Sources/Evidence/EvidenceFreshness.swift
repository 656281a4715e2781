/// How fresh one cluster's evidence is in a shared store: the time of its latest audit event,
/// and how many of its records came at or after a given time (the last day, for `fleet`).
public struct EvidenceFreshness: Hashable, Sendable {
    public var cluster: String
    /// Epoch seconds of the latest event (events without a timestamp count as 0).
    public var latest: Double
    public var recent: Int

    public init(cluster: String, latest: Double, recent: Int) {
        self.cluster = cluster
        self.latest = latest
        self.recent = recent
    }

    /// The freshness of each cluster among `records`, sorted by cluster: what a store answers
    /// from its rows (the memory store, and the reference the database stores are held to).
    public static func of(_ records: [AuditRecord], recentSince: Double) -> [EvidenceFreshness] {
        var by: [String: EvidenceFreshness] = [:]
        for r in records {
            var f = by[r.cluster] ?? EvidenceFreshness(cluster: r.cluster, latest: r.time, recent: 0)
            f.latest = max(f.latest, r.time)
            if r.time >= recentSince { f.recent += 1 }
            by[r.cluster] = f
        }
        return by.values.sorted { $0.cluster < $1.cluster }
    }
}
