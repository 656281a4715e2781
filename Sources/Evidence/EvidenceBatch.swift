/// What one commit writes: records and malformed lines read from one input, with the counts of
/// what was read and, for a file, where reading stands afterwards.
public struct EvidenceBatch: Sendable {
    /// Which input the batch was read from.
    public enum Input: Hashable, Sendable {
        /// A file by its canonical path; `identity` tells a rotated file that reuses the name
        /// from the one read before. `continues` is false for the first batch of a read from
        /// the start (the file's counts restart there) and true after it. `after` is where the
        /// stored checkpoint must stand for the batch to apply; otherwise the commit throws
        /// `EvidenceWriteConflict` and writes nothing.
        case file(path: String, identity: String, checkpoint: FileCheckpoint, continues: Bool, after: CheckpointPrecondition)
        /// One batch of a stream. Sending the same batch again replaces it: its counts, its
        /// malformed lines and the records it holds are those of the last send (a record
        /// another source also held, and whose copy from this batch was kept, goes with it).
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
