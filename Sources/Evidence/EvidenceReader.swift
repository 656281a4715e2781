/// What the evidence written so far says.
public protocol EvidenceReader {
    /// Every record at or after `since` (epoch seconds), in time order (`AuditRecord.precedes`).
    func records(since: Double?) throws -> [AuditRecord]
    /// Counts over everything read: each file once however often it was read (from its last
    /// read from the start), each stream batch once however often it was sent.
    func totals() throws -> AuditScanCounts
    /// Malformed lines by file (or stream batch) and line, each once.
    func malformedLines(limit: Int) throws -> [MalformedLine]
    /// What the store holds evidence from, sorted: file paths, and streams as `name#batch`.
    func inputs() throws -> [String]
}
