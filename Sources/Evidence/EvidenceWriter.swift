/// Where ingested evidence is written: memory, SQLite, or (later) a shared database. Each batch
/// is committed whole, together with its file's checkpoint, so an interrupted ingest resumes
/// after the last commit and never counts a record twice. Calls come one at a time, though not
/// always from the same thread.
public protocol EvidenceWriter: AnyObject {
    /// True when what is written outlives the process (a database): a later run resumes from
    /// its checkpoints, so a half-written last line can wait for it.
    var isPersistent: Bool { get }
    /// Where the file at `path` of `cluster` was left, or nil when it was never read into this
    /// store for that cluster: checkpoints are kept per cluster and file (two clusters'
    /// `/var/log/audit.log` are two files, and the same file ingested under two cluster names
    /// resumes for each on its own).
    func checkpoint(path: String, cluster: String) throws -> FileCheckpoint?
    /// Writes the batch. The writer owns its records from here (it may move them rather than
    /// copy them). A request already stored keeps its richer copy; between equally rich
    /// copies, the earlier by source name and line.
    func commit(_ batch: consuming EvidenceBatch) throws
    /// Writes the batch as `commit` does, and returns only once it would survive a power loss:
    /// for what cannot be read again, such as an audit webhook batch that is acknowledged.
    func commitDurably(_ batch: consuming EvidenceBatch) throws
}

extension EvidenceWriter {
    /// A writer with nothing to lose at power loss (memory) or that always commits durably.
    public func commitDurably(_ batch: consuming EvidenceBatch) throws { try commit(batch) }
}

extension EvidenceWriter {
    /// The checkpoint of a file ingested under no cluster name.
    public func checkpoint(path: String) throws -> FileCheckpoint? {
        try checkpoint(path: path, cluster: "")
    }
}
