import Foundation

/// Evidence kept in memory (`--no-db`, tests, a receiver that needs no history): what the
/// database does, forgotten at exit.
public final class MemoryEvidenceStore: EvidenceWriter, EvidenceReader, @unchecked Sendable {
    /// Malformed lines, checkpoints and batches are kept per cluster, as records are (their
    /// key names the cluster).
    private struct Place: Hashable, Comparable {
        let cluster: String, file: String, line: Int
        static func < (a: Place, b: Place) -> Bool { (a.file, a.line, a.cluster) < (b.file, b.line, b.cluster) }
    }
    private struct FileKey: Hashable { let cluster: String, path: String }
    private struct StreamBatch: Hashable { let cluster: String, name: String, batch: String }

    // Commits may come from several threads (one at a time); reads may come from any.
    private let lock = NSLock()
    private var set = AuditRecordSet()
    private var malformed: [Place: String] = [:]
    private var files: [FileKey: (checkpoint: FileCheckpoint, counts: AuditScanCounts)] = [:]
    private var batches: [StreamBatch: AuditScanCounts] = [:]

    public init() {}

    public var isPersistent: Bool { false }

    public func inputs(cluster: String?) throws -> [String] {
        lock.withLock {
            let paths = files.keys.filter { cluster == nil || $0.cluster == cluster }.map(\.path)
            let streams = batches.keys.filter { cluster == nil || $0.cluster == cluster }.map { "\($0.name)#\($0.batch)" }
            return Array(Set(paths + streams)).sorted()
        }
    }

    public func checkpoint(path: String, cluster: String) throws -> FileCheckpoint? {
        lock.withLock { files[FileKey(cluster: cluster, path: path)]?.checkpoint }
    }

    public func commit(_ batch: consuming EvidenceBatch) throws { try commit(batch, recordsShared: false) }

    /// - Parameter recordsShared: the batch's records are held elsewhere too (a database's
    ///   commit of the same batch): they are copied into the set, not moved.
    public func commit(_ batch: consuming EvidenceBatch, recordsShared: Bool) throws {
        // Moved, not copied, all the way into the set: a second reference to the records would
        // make the set copy them all (a dozen strings each) before taking them.
        var batch = consume batch
        var records: [AuditRecord] = []
        swap(&records, &batch.records)
        lock.lock()
        defer { lock.unlock() }
        // Checked before anything is written: a batch that lost the race leaves no trace.
        let cluster = batch.cluster
        if case .file(let path, _, _, _, let after) = batch.input, !after.holds(for: files[FileKey(cluster: cluster, path: path)]?.checkpoint) {
            throw EvidenceWriteConflict(path: path, expected: after, found: files[FileKey(cluster: cluster, path: path)]?.checkpoint)
        }
        if case .stream(let name, let id) = batch.input {
            set.removeAll { r in
                guard r.cluster == cluster, case .stream(name, id) = r.source else { return false }
                return true
            }
            let filed = EvidenceSource.malformedName(stream: name, batch: id)
            malformed = malformed.filter { $0.key.file != filed || $0.key.cluster != cluster }
        }
        if recordsShared { set.add(copying: records) } else { set.add(taking: consume records) }
        for m in batch.malformed where malformed[Place(cluster: cluster, file: m.file, line: m.line)] == nil {
            malformed[Place(cluster: cluster, file: m.file, line: m.line)] = m.reason
        }
        switch batch.input {
        case .file(let path, let identity, let checkpoint, let continues, _):
            let key = FileKey(cluster: cluster, path: path)
            var counts = batch.counts
            if continues, let earlier = files[key], earlier.checkpoint.identity == identity { counts.add(earlier.counts) }
            files[key] = (checkpoint, counts)
        case .stream(let name, let id):
            batches[StreamBatch(cluster: cluster, name: name, batch: id)] = batch.counts
        }
    }

    public func records(since: Double?, cluster: String?) throws -> [AuditRecord] {
        let all = lock.withLock { set.ordered }
        guard since != nil || cluster != nil else { return all }
        return all.filter { $0.time >= since ?? -Double.greatestFiniteMagnitude && (cluster == nil || $0.cluster == cluster) }
    }

    /// How many records the store holds (one per request).
    public var recordCount: Int { lock.withLock { set.count } }

    /// Every record in time order, moved out: the store holds no record afterwards (its
    /// checkpoints and counts stay). For a caller done with the store, which then needs no
    /// copy of tens of thousands of records.
    public func takeRecords() -> [AuditRecord] {
        lock.withLock { set.takeOrdered() }
    }

    public func totals(cluster: String?) throws -> AuditScanCounts {
        lock.withLock {
            var total = AuditScanCounts()
            for (key, f) in files where cluster == nil || key.cluster == cluster { total.add(f.counts) }
            for (key, b) in batches where cluster == nil || key.cluster == cluster { total.add(b) }
            // As the database counts them: each malformed line once; candidates are a scan's
            // business, not stored.
            total.malformed = malformed.keys.count(where: { cluster == nil || $0.cluster == cluster })
            total.candidates = 0
            return total
        }
    }

    public func malformedLines(limit: Int, cluster: String?) throws -> [MalformedLine] {
        lock.withLock {
            malformed.keys.filter { cluster == nil || $0.cluster == cluster }.sorted().prefix(max(0, limit))
                .map { MalformedLine(file: $0.file, line: $0.line, reason: malformed[$0]!) }
        }
    }

    public func freshness(recentSince: Double) throws -> [EvidenceFreshness] {
        EvidenceFreshness.of(try records(since: nil), recentSince: recentSince)
    }
}
