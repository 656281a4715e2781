import Evidence
import PostgresNIO
import Store

/// An ingest into a fleet database keeps its copy in memory as one into SQLite does
/// (`MirroredEvidenceStore`). A shared server has no `data_version`, and other clusters write
/// to it all the time: what matters is whether another writer touched this cluster's evidence.
/// Every row a transaction writes or replaces carries that transaction's id in `xmin`, and the
/// store knows the ids of its own commits: rows of the cluster with any other id, or fewer
/// rows than the copy holds (a delete), mean another writer was there.
extension PostgresEvidenceStore: MirrorableEvidenceDatabase {
    /// Prepared batches hold the records encoded, not the records.
    public static var preparedBatchHoldsRecords: Bool { false }

    /// How many commits this store had recorded: those after it are the copy's. Recording starts
    /// with the first mark.
    public func writeMark() throws -> Int {
        lock.withLock {
            recordsTransactions = true
            return committedTransactions.count
        }
    }

    public func holdsNothing(cluster: String?) throws -> Bool {
        var b = PostgresBindings()
        b.append(cluster)
        return try reading {
            try session.query("""
                SELECT NOT (EXISTS (SELECT 1 FROM audit_record WHERE $1::text IS NULL OR cluster = $1)
                            OR EXISTS (SELECT 1 FROM ingested_file WHERE $1::text IS NULL OR cluster = $1)
                            OR EXISTS (SELECT 1 FROM ingested_batch WHERE $1::text IS NULL OR cluster = $1)
                            OR EXISTS (SELECT 1 FROM malformed_line WHERE $1::text IS NULL OR cluster = $1))
                """, b).first?.makeRandomAccess()[0].decode(Bool.self) ?? false
        }
    }

    /// One pass over the cluster's rows on the server (as reading them back would make, without
    /// sending them): their number, and how many a transaction other than the copy's wrote.
    /// A frozen row (`xmin` 2) counts as another's, which only costs the read-back.
    public func onlyOwnCommits(since mark: Int, cluster: String?, records: Int) throws -> Bool {
        let own = lock.withLock { Array(committedTransactions.dropFirst(mark)) }
        var b = PostgresBindings()
        b.append(cluster)
        b.append(own)
        return try reading {
            guard let row = try session.query("""
                SELECT COUNT(*)::int8, (COUNT(*) FILTER (WHERE NOT xmin::text::int8 = ANY($2::int8[])))::int8
                FROM audit_record WHERE $1::text IS NULL OR cluster = $1
                """, b).first?.makeRandomAccess() else { return false }
            return try row[0].decode(Int.self) == records && row[1].decode(Int.self) == 0
        }
    }
}
