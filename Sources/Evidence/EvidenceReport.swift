/// What `kubelet-authz evidence` reports: what was read, who used which kubelet permission,
/// and what the log cannot show.
public struct EvidenceReport: Sendable {
    public var counts: AuditScanCounts
    public var usage: [UsageRow]
    public var blindSpots: [BlindSpot]
    public var malformed: [MalformedLine]
    /// First and last event time of the records used (epoch seconds).
    public var window: (first: Double, last: Double)?
    public var since: Double?
    /// Distinct requests (by auditID) behind the event counts, which count every logged stage.
    public var uniqueKubeletReviews: Int
    public var uniqueNodeProxy: Int

    public init(records: [AuditRecord], counts: AuditScanCounts, malformed: [MalformedLine], policy: AuditPolicy? = nil, since: Double? = nil) {
        let used = since.map { s in records.filter { $0.time >= s } } ?? records
        self.counts = counts
        self.usage = UsageAggregator.usage(used)
        self.blindSpots = BlindSpotAnalyzer.fromRecords(used) + (policy.map(BlindSpotAnalyzer.fromPolicy) ?? [])
        self.malformed = malformed
        self.since = since
        uniqueKubeletReviews = records.filter { $0.path == .kubelet }.count
        uniqueNodeProxy = records.count - uniqueKubeletReviews
        var first = Double.infinity, last = -Double.infinity
        // Events without a timestamp (time 0) have no place in the window.
        for r in used where r.time > 0 { first = min(first, r.time); last = max(last, r.time) }
        if first <= last { window = (first, last) }
    }
}

/// Collects records in memory when no database is used.
public final class MemoryAuditStore: @unchecked Sendable {
    public private(set) var set = AuditRecordSet()
    public private(set) var malformed: [MalformedLine] = []
    public private(set) var counts = AuditScanCounts()

    public init() {}

    public func add(records: [AuditRecord], malformed m: [MalformedLine], counts c: AuditScanCounts) {
        set.add(contentsOf: records)
        malformed += m
        counts.add(c)
    }
}
