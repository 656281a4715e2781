import Evidence

/// What `MirroredEvidenceStore` asks of the database it keeps a copy of: whether the database
/// held no evidence when the copy began, and, once every commit is in, whether anything but
/// this connection's own commits changed the evidence since. SQLite answers with its
/// `data_version`; PostgreSQL, shared by many writers, with the transaction ids of the rows.
///
/// A wrong "yes" would put a report before the user that the database does not stand behind,
/// so both answers may err only towards "no" (the database is then read back, as without the
/// copy).
public protocol MirrorableEvidenceDatabase: EvidenceWriter, EvidenceReader, AnyObject, Sendable {
    associatedtype WriteMark: Sendable
    associatedtype PreparedBatch: Sendable

    /// What of a commit can be done before its transaction (PostgreSQL encodes the records):
    /// done on the ingest's thread while the commit before is still in flight.
    func prepare(_ batch: consuming EvidenceBatch) -> PreparedBatch

    /// Whether a prepared batch holds the batch's records as they are (SQLite binds them at
    /// commit) rather than encoded: the copy in memory then copies them in, where it would
    /// otherwise take them over.
    static var preparedBatchHoldsRecords: Bool { get }

    /// `commit`, of a prepared batch.
    func commit(prepared: consuming PreparedBatch) throws

    /// Taken when the copy begins, before `holdsNothing`: a commit by another writer between
    /// the two then still shows in `onlyOwnCommits(since:)`.
    func writeMark() throws -> WriteMark

    /// True when the database holds no evidence (no record, input, batch or malformed line)
    /// of `cluster`, or of any cluster when nil. May say false for evidence of other clusters.
    func holdsNothing(cluster: String?) throws -> Bool

    /// True when nothing but this connection's commits since `mark` changed the evidence of
    /// `cluster` (nil: of every cluster), and it now holds `records` records.
    func onlyOwnCommits(since mark: WriteMark, cluster: String?, records: Int) throws -> Bool
}

extension EvidenceStore: MirrorableEvidenceDatabase {
    public func prepare(_ batch: consuming EvidenceBatch) -> EvidenceBatch { batch }

    public static var preparedBatchHoldsRecords: Bool { true }

    public func commit(prepared: consuming EvidenceBatch) throws { try commit(prepared) }

    /// SQLite's `PRAGMA data_version`, which changes when another connection commits to the file.
    public func writeMark() throws -> Int { try dataVersion() }

    /// Of any cluster: the one file is rarely shared by clusters, and `data_version` cannot tell
    /// one cluster's commits from another's anyway.
    public func holdsNothing(cluster: String?) throws -> Bool { try holdsNothing() }

    public func onlyOwnCommits(since mark: Int, cluster: String?, records: Int) throws -> Bool { try dataVersion() == mark }
}
