/// What one commit writes: records and malformed lines read from one input, with the counts of
/// what was read and, for a file, where reading stands afterwards.
public struct EvidenceBatch: Sendable {
    /// Which input the batch was read from.
    public enum Input: Hashable, Sendable {
        /// A file by its canonical path; `identity` tells a rotated file that reuses the name
        /// from the one read before. `continues` is false for the first batch of a read from
        /// the start (the file's counts restart there) and true after it.
        case file(path: String, identity: String, checkpoint: FileCheckpoint, continues: Bool)
        /// One batch of a stream: sending the same batch again counts it once (its counts are
        /// replaced; its records are upserted, so records only the first send held remain).
        case stream(name: String, batch: String)
    }

    public var cluster: String
    public var input: Input
    public var records: [AuditRecord]
    public var malformed: [MalformedLine]
    public var counts: AuditScanCounts

    public init(cluster: String, input: Input, records: [AuditRecord] = [], malformed: [MalformedLine] = [], counts: AuditScanCounts = AuditScanCounts()) {
        self.cluster = cluster
        self.input = input
        self.records = records
        self.malformed = malformed
        self.counts = counts
    }
}
