/// What the evidence written so far says. A store shared by clusters answers for one cluster
/// (`cluster`: the name its evidence was ingested under) or, with nil, for all of them.
public protocol EvidenceReader {
    /// Every record at or after `since` (epoch seconds), in time order (`AuditRecord.precedes`).
    func records(since: Double?, cluster: String?) throws -> [AuditRecord]
    /// Counts over everything read: each file once however often it was read (from its last
    /// read from the start), each stream batch once however often it was sent.
    func totals(cluster: String?) throws -> AuditScanCounts
    /// Malformed lines by file (or stream batch) and line, each once.
    func malformedLines(limit: Int, cluster: String?) throws -> [MalformedLine]
    /// What the store holds evidence from, sorted: file paths, and streams as `name#batch`.
    func inputs(cluster: String?) throws -> [String]
    /// Per cluster that holds records: its latest event time, and how many records are at or
    /// after `recentSince` (what `fleet` calls evidence freshness).
    func freshness(recentSince: Double) throws -> [EvidenceFreshness]
}

extension EvidenceReader {
    /// Every cluster's records.
    public func records(since: Double?) throws -> [AuditRecord] { try records(since: since, cluster: nil) }
    public func totals() throws -> AuditScanCounts { try totals(cluster: nil) }
    public func malformedLines(limit: Int) throws -> [MalformedLine] { try malformedLines(limit: limit, cluster: nil) }
    public func inputs() throws -> [String] { try inputs(cluster: nil) }
}
