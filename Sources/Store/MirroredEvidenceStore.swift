import Evidence
import Foundation

/// The evidence database as an ingest into a fresh one uses it: while the database holds
/// nothing but what this object wrote, every file batch is also kept in memory, and the
/// database is written on a thread of its own, commits one after another and at most
/// `maxInFlight` of them waiting or running, while the ingest scans on. The report is then
/// built from the copy in memory: reading every record back cost as much as writing them, and
/// the last commits overlap building the report.
///
/// The copy stands for the database only while nothing else wrote to it: the database held no
/// evidence of the cluster read when opened, no other writer has changed that evidence since
/// (`MirrorableEvidenceDatabase.onlyOwnCommits`), every commit succeeded and no stream batch
/// came (those are written directly). Otherwise everything is as with the database alone:
/// commits are synchronous and reads come from the database. Differential tests hold the
/// copy's report to the database's, for SQLite and for PostgreSQL.
public final class MirroredEvidenceStore<Database: MirrorableEvidenceDatabase>: EvidenceWriter, EvidenceReader, @unchecked Sendable {
    public let database: Database
    /// The cluster whose evidence the copy stands for (nil: every cluster's).
    public let cluster: String?
    private let memory = MemoryEvidenceStore()
    private let opened: Database.WriteMark
    /// Records the copy held when they were taken out (`takeRecordsFromCopy`).
    private var takenCount = 0
    // `mirrored`, `failure` and `failed` are shared with the commit thread.
    private let lock = NSLock()
    private var mirrored: Bool
    /// The copy's records were handed out (`takeRecordsFromCopy`): reads go to the database.
    private var taken = false
    /// A commit's failure, until it is thrown (once).
    private var failure: Error?
    /// A commit failed: the commits queued behind it are not run (each would write a batch
    /// whose predecessor is missing), and stays so once the failure is thrown.
    private var failed = false
    /// Two: when the scan ends, the last batch is handed over at once instead of waiting for the
    /// commit before it (a tenth of a second of the fleet benchmark with one core idle), and the
    /// report is built while both land. More would only hold more batches in memory.
    public static var maxInFlight: Int { 2 }
    private let line = CommitLine(depth: MirroredEvidenceStore.maxInFlight)

    /// Whether the database held nothing of `cluster` when opened (the copy was in use from the
    /// start).
    public let startedEmpty: Bool

    /// - Parameter cluster: the cluster the report will cover (nil: every cluster).
    public init(database: Database, cluster: String? = nil) throws {
        self.database = database
        self.cluster = cluster
        // The mark first: a commit by another process between the two reads then shows at the
        // end, and the copy is not trusted.
        opened = try database.writeMark()
        startedEmpty = try database.holdsNothing(cluster: cluster)
        mirrored = startedEmpty
    }

    public var isPersistent: Bool { true }

    /// Waits for every commit in flight and throws a failure (once, to whichever call comes
    /// next: the ingest stops there, as after a synchronous failure).
    public func settle() throws {
        line.waitForAll()
        try throwFailure()
    }

    private func throwFailure() throws {
        try lock.withLock {
            if let f = failure {
                failure = nil
                throw f
            }
        }
    }

    public func checkpoint(path: String, cluster: String) throws -> FileCheckpoint? {
        try settle()
        return try database.checkpoint(path: path, cluster: cluster)
    }

    /// One `commit` at a time: the room it waits for, the copy and the line of commits then
    /// see the batches in one order.
    private let committing = NSLock()

    public func commit(_ batch: consuming EvidenceBatch) throws {
        committing.lock()
        defer { committing.unlock() }
        var copy = batch
        // Prepared before waiting for the commit in flight, so that the two overlap.
        let prepared = database.prepare(copy)
        guard lock.withLock({ mirrored && !taken }), case .file = copy.input, cluster == nil || copy.cluster == cluster else {
            // In order: after every commit in flight.
            try settle()
            lock.withLock { mirrored = false }
            try database.commit(prepared: prepared)
            return
        }
        line.waitForRoom()
        try throwFailure()
        // The copy takes the batch first: its checkpoint precondition is the database's while
        // the two hold the same, so a conflict between this process's threads is thrown here,
        // to the caller whose batch it is, and nothing is written.
        // Looked at in place: `contains(where:)` hands each record out as a copy.
        let changes = copy.records.withUnsafeBufferPointer { rs in rs.indices.contains { EvidenceStore.changesWhenStored(rs[$0]) } }
        if changes {
            for i in copy.records.indices { EvidenceStore.asStored(&copy.records[i]) }
        }
        try memory.commit(consume copy, recordsShared: Database.preparedBatchHoldsRecords)
        line.add(CommitJob(store: self, prepared: prepared))
    }

    private final class CommitJob: CommitLine.Job, @unchecked Sendable {
        var store: MirroredEvidenceStore?
        var prepared: Database.PreparedBatch?
        init(store: MirroredEvidenceStore, prepared: Database.PreparedBatch) {
            self.store = store
            self.prepared = prepared
        }

        /// Lets go of the store (and so of the database, whose close must come before exit)
        /// before the commit is counted done.
        func run() {
            defer { store = nil; prepared = nil }
            guard let store, let prepared, !store.lock.withLock({ store.failed }) else { return }
            do { try store.database.commit(prepared: prepared) } catch {
                // Another process's commit came between (a conflict), or the database failed:
                // the copy no longer stands for it. The caller that meets this next stops, or
                // (a conflict) reads its file again from the stored checkpoint; a lost last
                // batch shows in `copyHolds()`, after which the caller ingests again.
                store.lock.withLock { store.failure = error; store.failed = true; store.mirrored = false }
            }
        }
    }

    /// Every record from the copy in memory, without waiting for the commit in flight, while
    /// the copy may stand for the database (nil once it cannot). Whoever builds on it keeps the
    /// result only if `copyHolds()` then says so.
    public func recordsFromCopy() throws -> [AuditRecord]? {
        guard lock.withLock({ mirrored }) else { return nil }
        return try memory.records(since: nil)
    }

    /// `recordsFromCopy()`, the records moved out of the copy rather than copied (tens of
    /// thousands of records, a dozen strings each): reads then come from the database.
    public func takeRecordsFromCopy() throws -> [AuditRecord]? {
        guard lock.withLock({ mirrored && !taken }) else { return nil }
        let records = memory.takeRecords()
        lock.withLock { taken = true; takenCount = records.count }
        return records
    }

    /// After the last commit (waited for; its failure is thrown): true when the database holds
    /// exactly what the copy holds.
    public func copyHolds() throws -> Bool {
        try settle()
        guard lock.withLock({ mirrored }) else { return false }
        let count = lock.withLock { taken } ? takenCount : memory.recordCount
        return try database.onlyOwnCommits(since: opened, cluster: cluster, records: count)
    }

    // MARK: EvidenceReader: records from the copy when it holds, the rest (small) from the database.

    public func records(since: Double?, cluster: String?) throws -> [AuditRecord] {
        // The copy stands for `self.cluster`'s evidence only: other clusters' come from the database.
        let covered = self.cluster == nil || cluster == self.cluster
        return try covered && copyHolds() && !lock.withLock({ taken }) ? try memory.records(since: since, cluster: cluster)
                                                                       : try database.records(since: since, cluster: cluster)
    }

    public func totals(cluster: String?) throws -> AuditScanCounts {
        try settle()
        return try database.totals(cluster: cluster)
    }

    public func malformedLines(limit: Int, cluster: String?) throws -> [MalformedLine] {
        try settle()
        return try database.malformedLines(limit: limit, cluster: cluster)
    }

    public func inputs(cluster: String?) throws -> [String] {
        try settle()
        return try database.inputs(cluster: cluster)
    }

    public func freshness(recentSince: Double) throws -> [EvidenceFreshness] {
        try settle()
        return try database.freshness(recentSince: recentSince)
    }
}
