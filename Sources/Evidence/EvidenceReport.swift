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
    /// Distinct requests (`AuditRecord.requestKey`) behind the event counts, which count every
    /// logged stage.
    public var uniqueKubeletReviews: Int
    public var uniqueNodeProxy: Int

    public init(records: [AuditRecord], counts: AuditScanCounts, malformed: [MalformedLine], policy: AuditPolicy? = nil, since: Double? = nil) {
        let used = since.map { s in records.filter { $0.time >= s } } ?? records
        self.counts = counts
        self.usage = UsageAggregator.usage(used)
        self.blindSpots = BlindSpotAnalyzer.fromRecords(used) + (policy.map(BlindSpotAnalyzer.fromPolicy) ?? [])
        self.malformed = malformed
        self.since = since
        uniqueKubeletReviews = records.indices.reduce(0) { $0 + (records[$1].path == .kubelet ? 1 : 0) }
        uniqueNodeProxy = records.count - uniqueKubeletReviews
        var first = Double.infinity, last = -Double.infinity
        // Events without a timestamp (time 0) have no place in the window.
        for i in used.indices where used[i].time > 0 { first = min(first, used[i].time); last = max(last, used[i].time) }
        if first <= last { window = (first, last) }
    }
}
