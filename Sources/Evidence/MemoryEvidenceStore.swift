import Foundation

/// Evidence kept in memory (`--no-db`, tests, a receiver that needs no history): what the
/// database does, forgotten at exit.
public final class MemoryEvidenceStore: EvidenceWriter, EvidenceReader, @unchecked Sendable {
    private struct Place: Hashable, Comparable {
        let file: String, line: Int
        static func < (a: Place, b: Place) -> Bool { (a.file, a.line) < (b.file, b.line) }
    }
    private struct StreamBatch: Hashable { let name: String, batch: String }

    // Commits may come from several threads (one at a time); reads may come from any.
    private let lock = NSLock()
    private var set = AuditRecordSet()
    private var malformed: [Place: String] = [:]
    private var files: [String: (checkpoint: FileCheckpoint, counts: AuditScanCounts)] = [:]
    private var batches: [StreamBatch: AuditScanCounts] = [:]

    public init() {}

    public var isPersistent: Bool { false }

    public func inputs() throws -> [String] {
        lock.withLock { (Array(files.keys) + batches.keys.map { "\($0.name)#\($0.batch)" }).sorted() }
    }

    public func checkpoint(path: String) throws -> FileCheckpoint? {
        lock.withLock { files[path]?.checkpoint }
    }

    public func commit(_ batch: consuming EvidenceBatch) throws {
        // Moved, not copied, all the way into the set: a second reference to the records would
        // make the set copy them all (a dozen strings each) before taking them.
        var batch = consume batch
        var records: [AuditRecord] = []
        swap(&records, &batch.records)
        lock.lock()
        defer { lock.unlock() }
        // Checked before anything is written: a batch that lost the race leaves no trace.
        if case .file(let path, _, _, _, let after) = batch.input, !after.holds(for: files[path]?.checkpoint) {
            throw EvidenceWriteConflict(path: path, expected: after, found: files[path]?.checkpoint)
        }
        if case .stream(let name, let id) = batch.input {
            set.removeAll { if case .stream(name, id) = $0.source { true } else { false } }
            let filed = EvidenceSource.malformedName(stream: name, batch: id)
            malformed = malformed.filter { $0.key.file != filed }
        }
        set.add(taking: consume records)
        for m in batch.malformed where malformed[Place(file: m.file, line: m.line)] == nil {
            malformed[Place(file: m.file, line: m.line)] = m.reason
        }
        switch batch.input {
        case .file(let path, let identity, let checkpoint, let continues, _):
            var counts = batch.counts
            if continues, let earlier = files[path], earlier.checkpoint.identity == identity { counts.add(earlier.counts) }
            files[path] = (checkpoint, counts)
        case .stream(let name, let id):
            batches[StreamBatch(name: name, batch: id)] = batch.counts
        }
    }

    public func records(since: Double?) throws -> [AuditRecord] {
        let all = lock.withLock { set.ordered }
        guard let since else { return all }
        return all.filter { $0.time >= since }
    }

    public func totals() throws -> AuditScanCounts {
        lock.withLock {
            var total = AuditScanCounts()
            for f in files.values { total.add(f.counts) }
            for b in batches.values { total.add(b) }
            // As the database counts them: each malformed line once; candidates are a scan's
            // business, not stored.
            total.malformed = malformed.count
            total.candidates = 0
            return total
        }
    }

    public func malformedLines(limit: Int) throws -> [MalformedLine] {
        lock.withLock {
            malformed.keys.sorted().prefix(max(0, limit)).map { MalformedLine(file: $0.file, line: $0.line, reason: malformed[$0]!) }
        }
    }
}
