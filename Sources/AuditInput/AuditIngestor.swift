import AuditScanning
import CByteSearch
import Dispatch
import Evidence
import Foundation

/// Where reading a source starts: at its beginning, after what an earlier ingest read, or
/// nowhere (read completely before).
enum AuditResume: Equatable {
    case start
    case from(offset: Int, line: Int)
    case skip
}

/// Progress of a running ingest, for the terminal progress line.
public struct AuditProgress: Sendable {
    public let file: String
    public let rawBytes: Int
    public let rawSize: Int?
    public let counts: AuditScanCounts
}

/// Reads sources (files, stdin, a request body) through the line scanner into an evidence
/// writer, committing every `commitBytes` with the file's checkpoint.
public struct AuditIngestor {
    public var progress: ((AuditProgress) -> Void)?
    /// The cluster the records are from (one store can hold several); empty when not known.
    public var cluster = ""
    public var blockSize = 8 << 20
    /// Longer lines (newline not counted) are counted malformed and skipped without being held
    /// in memory.
    public var maxLineLength = AuditLineScanner.defaultMaxLineLength
    /// Uncompressed bytes read between commits (and so between checkpoints): an interrupted
    /// ingest reads at most this much again.
    public var commitBytes = 256 << 20
    /// With more than one worker, read the next block on its own thread while one thread
    /// scans (false: one thread reads and scans, as with one worker).
    public var readsAhead = true
    /// With more than one worker, a plain file with at least this many bytes left to read is
    /// cut into its blocks, scanned on every worker at once (the outcome is the one-thread
    /// read's, see `scanBlocksInParallel`); smaller files, gzip and stdin are read in turn.
    public var parallelFrom = 32 << 20
    /// Threads to use: with two, a file's next block is read (or inflated) while one is
    /// scanned, and the gzip files of a rotated set are read two at a time.
    public var workers = min(2, max(1, Int(ka_usable_cpus())))
    /// Stdin as bytes, for in-process callers; nil reads the process's stdin as a stream.
    public var stdin: Data?

    public init(progress: ((AuditProgress) -> Void)? = nil) { self.progress = progress }

    public struct Summary: Sendable {
        public var counts = AuditScanCounts()
        public var skippedFiles: [String] = []
        public var resumed: [String] = []
        /// Files (some of) whose blocks were scanned on several threads at once.
        public var splitFiles: [String] = []
    }

    public func ingest(_ sources: [AuditSource], into writer: EvidenceWriter) throws -> Summary {
        let shared = SharedIngest(writer: writer, progress: progress, cluster: cluster)
        var outcomes = [FileOutcome?](repeating: nil, count: sources.count)
        // A gzip file is bound by zlib's inflate on one core: with a second core, two gzip files
        // are read at once, each by one thread. Everything else is read in order, the next
        // block read ahead while one is scanned.
        let gzipped = workers > 1 ? sources.indices.filter { !sources[$0].isStdin && LineChunkReader.isGzipFile(sources[$0].path) } : []
        let lanes = min(workers, gzipped.count)
        if lanes >= 2 {
            final class Lanes: @unchecked Sendable {
                let lock = NSLock()
                var next = 0
                var outcomes: [Int: Result<FileOutcome, Error>] = [:]
            }
            let state = Lanes()
            let indices = gzipped
            // Only `ingestFile` runs on the lanes; what it shares goes through `shared`'s lock.
            nonisolated(unsafe) let ingestor = self
            DispatchQueue.concurrentPerform(iterations: lanes) { _ in
                let interner = StringInterner()
                while true {
                    state.lock.lock()
                    // After a failure no new file is started (one read in order would have stopped there).
                    let failed = state.outcomes.values.contains { if case .failure = $0 { true } else { false } }
                    guard !failed, state.next < indices.count else { state.lock.unlock(); return }
                    let i = indices[state.next]
                    state.next += 1
                    state.lock.unlock()
                    let result = Result { try ingestor.ingestFile(sources[i], shared: shared, interner: interner, readsAhead: false, splits: false) }
                    state.lock.lock()
                    state.outcomes[i] = result
                    state.lock.unlock()
                }
            }
            // The failure of the earliest file is the one reported, whatever finished first.
            for i in state.outcomes.keys.sorted() { outcomes[i] = try state.outcomes[i]!.get() }
        }
        let interner = StringInterner()
        for i in sources.indices where lanes < 2 || !gzipped.contains(i) {
            outcomes[i] = try ingestFile(sources[i], shared: shared, interner: interner, readsAhead: workers > 1 && readsAhead, splits: workers > 1)
        }
        var summary = Summary()
        for case let outcome? in outcomes {
            summary.counts.add(outcome.counts)
            if outcome.split { summary.splitFiles.append(outcome.name) }
            switch outcome.start {
            case .skip: summary.skippedFiles.append(outcome.name)
            case .from: summary.resumed.append(outcome.name)
            case .start: break
            }
        }
        return summary
    }

    /// What became of one file.
    struct FileOutcome {
        let name: String
        let start: AuditResume
        var counts = AuditScanCounts()
        var split = false
    }

    /// The writer, the progress callback and the running totals, shared by the threads that
    /// read files at once: one at a time goes through.
    final class SharedIngest: @unchecked Sendable {
        let lock = NSLock()
        let writer: EvidenceWriter
        let progress: ((AuditProgress) -> Void)?
        let cluster: String
        var totals = AuditScanCounts()

        init(writer: EvidenceWriter, progress: ((AuditProgress) -> Void)?, cluster: String = "") {
            self.writer = writer
            self.progress = progress
            self.cluster = cluster
        }

        /// Where to start reading `source`, from the writer's checkpoint for it, and what its
        /// first batch must find stored.
        func resumePoint(_ source: AuditSource, _ identity: String) throws -> (AuditResume, CheckpointPrecondition) {
            guard !source.isStdin else { return (.start, .unchecked) }
            let checkpoint = try lock.withLock { try writer.checkpoint(path: source.canonicalPath, cluster: cluster) }
            let found: CheckpointPrecondition = checkpoint.map { .at($0) } ?? .unread
            guard let checkpoint, checkpoint.identity == identity else { return (.start, found) }
            // A live audit.log grows: read what was appended since.
            if checkpoint.complete && source.size <= checkpoint.offset { return (.skip, found) }
            return (.from(offset: checkpoint.offset, line: checkpoint.line), found)
        }

        func commit(_ batch: consuming EvidenceBatch) throws {
            lock.lock()
            defer { lock.unlock() }
            try writer.commit(consume batch)
        }

        /// A block was read: the progress line moves.
        func read(_ counts: AuditScanCounts, rawBytes: Int, of source: AuditSource, _ reader: LineChunkReader) {
            lock.lock()
            defer { lock.unlock() }
            totals.add(counts)
            progress?(AuditProgress(file: source.displayName, rawBytes: rawBytes, rawSize: reader.rawSize, counts: totals))
        }
    }

    /// Blocks read but not yet committed, and the checkpoint after the last of them.
    struct Batch {
        var records: [AuditRecord] = []
        var malformed: [MalformedLine] = []
        var counts = AuditScanCounts()
        var checkpoint = (offset: 0, line: 0)
        var isEmpty: Bool { counts.lines == 0 && counts.bytes == 0 }
    }

    /// A file's batch as the writer takes it. Stdin has no checkpoint to resume from: its
    /// counts always add up under `<stdin>`.
    func evidence(_ batch: consuming Batch, of source: AuditSource, identity: String, continues: Bool, after: inout CheckpointPrecondition,
                  complete: Bool) -> EvidenceBatch {
        var batch = consume batch
        let checkpoint = FileCheckpoint(identity: identity, offset: batch.checkpoint.offset, line: batch.checkpoint.line, complete: complete)
        var records: [AuditRecord] = []
        swap(&records, &batch.records)  // moved on, so that the writer holds the only reference
        let evidence = EvidenceBatch(cluster: cluster,
                                     input: .file(path: source.canonicalPath, identity: identity, checkpoint: checkpoint,
                                                  continues: continues || source.isStdin, after: after),
                                     records: records, malformed: batch.malformed, counts: batch.counts)
        if after != .unchecked { after = .at(checkpoint) }  // where the next batch of this read begins
        return evidence
    }

    /// At most this many times a file is taken up again after another writer's batch came
    /// first; each time, that writer had moved on, so this is only a guard.
    static let maxConflicts = 1000

    /// One source from its resume point to its end. Another ingest reading the same file into
    /// the same store (`EvidenceWriteConflict`) had its batches applied first: this one drops
    /// the batch it read and carries on from the checkpoint that ingest left, so the file's
    /// counts are those of one read whoever read which part.
    func ingestFile(_ source: AuditSource, shared: SharedIngest, interner: StringInterner, readsAhead: Bool, splits: Bool) throws -> FileOutcome {
        var conflicts = 0
        while true {
            do {
                return try readFile(source, shared: shared, interner: interner, readsAhead: readsAhead, splits: splits)
            } catch let conflict as EvidenceWriteConflict {
                conflicts += 1
                if conflicts >= Self.maxConflicts { throw conflict }
            }
        }
    }

    /// One source from its resume point to its end, a commit per `commitBytes`.
    func readFile(_ source: AuditSource, shared: SharedIngest, interner: StringInterner, readsAhead: Bool, splits: Bool) throws -> FileOutcome {
        let reader = try LineChunkReader(source, blockSize: blockSize, maxLineLength: maxLineLength, stdin: stdin)
        reader.holdsPartialLastLine = shared.writer.isPersistent && !source.isStdin
        let identity = try Self.identity(of: source)
        let (start, expected) = try shared.resumePoint(source, identity)
        var after = expected
        var outcome = FileOutcome(name: source.displayName, start: start)
        var position = (offset: 0, line: 0)
        switch start {
        case .skip:
            return outcome
        case .from(let offset, let line):
            try reader.skip(to: offset)
            position = (offset, line)
        case .start:
            break
        }
        // The first batch of a read from the start restarts the file's counts; later ones add.
        var continues = start != .start
        if reader.consumed == 0, Self.isDocument(try reader.peek()) {
            outcome.counts = try ingestDocument(reader, source: source, identity: identity, after: after, shared: shared)
            return outcome
        }
        // Blocks are committed together, `commitBytes` at a time: a database commit rewrites the
        // index pages it touched, so committing every block cost more than the scan.
        var batch = Batch()
        if splits && reader.isPlainFile {
            position = try scanBlocksInParallel(reader, source: source, identity: identity, shared: shared, interner: interner, from: position,
                                                batch: &batch, continues: &continues, after: &after, outcome: &outcome)
        }
        var scanner = AuditLineScanner(.file(source.displayName), cluster: cluster, startLine: position.line, startOffset: position.offset,
                                       interner: interner, maxLineLength: maxLineLength)
        // With a second core the next block is read (or inflated) while this one is scanned
        // (measured faster than splitting each block between two scanning threads, whose
        // reading stayed serial).
        let readAhead = readsAhead ? ReadAhead(reader) : nil
        defer { readAhead?.stop() }
        while true {
            var counts = AuditScanCounts()
            var chunk: LineChunkReader.Chunk?
            // The reader is read from here only when no thread is reading ahead with it (or
            // once that thread has reported the end).
            var position = (consumed: 0, raw: 0)
            do {
                if let readAhead {
                    switch readAhead.next() {
                    case .block(let b): chunk = b.chunk; position = (b.consumed, b.rawBytesRead)
                    case .end: position = (reader.consumed, reader.rawBytesRead)
                    case .failure(let e): throw e
                    }
                } else {
                    chunk = try reader.nextChunk()
                    position = (reader.consumed, reader.rawBytesRead)
                }
            } catch {
                // What was read before the failure is kept: the next run resumes after it and
                // meets the failure again, rather than skipping those blocks.
                if !batch.isEmpty { try shared.commit(evidence(consume batch, of: source, identity: identity, continues: continues, after: &after, complete: false)) }
                throw error
            }
            let more = chunk != nil
            switch chunk {
            case .lines(let block):
                scanner.scan(block, counts: &counts, records: &batch.records, malformed: &batch.malformed)
            case .overlongLine(let length, let bytes):
                scanner.skipOverlongLine(length: length, bytes: bytes, counts: &counts, malformed: &batch.malformed)
            case nil:
                break
            }
            batch.counts.add(counts)
            batch.checkpoint = (position.consumed, scanner.line)
            outcome.counts.add(counts)
            shared.read(counts, rawBytes: position.raw, of: source, reader)
            if !more || batch.counts.bytes >= commitBytes {
                // Consumed, not copied: the writer can then take the records without copying them.
                try shared.commit(evidence(consume batch, of: source, identity: identity, continues: continues, after: &after, complete: !more))
                batch = Batch()
                continues = true
            }
            if !more { return outcome }
        }
    }

    /// Scans the file's blocks (`LineBlockPlan`: those a read in turn would hand out) on
    /// `workers` threads and commits them as the loop in `readFile` would, every `commitBytes`:
    /// the same batches, checkpoints and line numbers. Returns where it stopped (the file's
    /// end, or a line longer than a block, or a last line without its newline), the reader
    /// placed there as the loop would have left it, for the loop to read on with `batch`, the
    /// part not yet committed.
    func scanBlocksInParallel(_ reader: LineChunkReader, source: AuditSource, identity: String, shared: SharedIngest, interner: StringInterner,
                              from start: (offset: Int, line: Int), batch: inout Batch, continues: inout Bool,
                              after: inout CheckpointPrecondition, outcome: inout FileOutcome) throws -> (offset: Int, line: Int) {
        guard let size = reader.rawSize, size - start.offset >= parallelFrom else { return start }
        // A peek at the head of the file (read from its start) reads 64 KiB, in two reads of a smaller block.
        let firstReads = start.offset == 0 && reader.blockSize < 64 << 10 ? 2 : 1
        let plan = try LineBlockPlan.plan(fd: reader.fd, path: source.displayName, start: start.offset, size: size, blockSize: reader.blockSize,
                                          firstReads: firstReads)
        outcome.split = !plan.ends.isEmpty
        let scan = ParallelBlockScan(fd: reader.fd, path: source.displayName, file: source.displayName, cluster: cluster,
                                     maxLineLength: maxLineLength, workers: workers, interner: interner)
        var position = start
        // The threads scan on while this one merges and commits, in file order.
        scan.begin(plan.blocks)
        defer { scan.finish() }
        for block in plan.blocks {
            let one: ParallelBlockScan.Scanned
            do throws(LineChunkReader.ReadError) {
                guard let next = try scan.next() else { preconditionFailure("a scan for every planned block") }
                one = next
            } catch {
                // As in the loop: what was read before the failure is kept.
                var read = Batch()
                swap(&read, &batch)
                if !read.isEmpty { try shared.commit(evidence(read, of: source, identity: identity, continues: continues, after: &after, complete: false)) }
                throw error
            }
            let counts = one.counts
            ParallelBlockScan.merge(consume one, after: &position.line, into: &batch.records, malformed: &batch.malformed)
            position.offset = block.upperBound
            batch.counts.add(counts)
            batch.checkpoint = position
            outcome.counts.add(counts)
            shared.read(counts, rawBytes: position.offset, of: source, reader)
            if batch.counts.bytes >= commitBytes {
                var full = Batch()
                swap(&full, &batch)
                try shared.commit(evidence(full, of: source, identity: identity, continues: continues, after: &after, complete: false))
                continues = true
            }
        }
        if !plan.ends.isEmpty { try reader.skip(to: plan.end, pendingUpTo: plan.read) }
        return position
    }

    /// A JSON document (an `EventList` saved from the audit webhook, one Event, or an array of
    /// events) is a body whose first non-space byte is `[`, or whose first line holds only `{`
    /// (pretty-printed); JSON lines start with a whole object.
    static func isDocument(_ head: [UInt8]) -> Bool { isDocument(head[...]) }

    static func isDocument(_ head: ArraySlice<UInt8>) -> Bool {
        var bytes = head
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }  // a UTF-8 byte-order mark
        bytes = bytes.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
        // A JSON array of events, or an object whose first line holds only `{`.
        if bytes.first == 0x5B { return true }
        guard bytes.first == 0x7B else { return false }
        // Stops at the first byte after `{` that is not a space: a compact body's first line is
        // all of it, and filtering it whole was a tenth of a webhook batch's CPU.
        for b in bytes.dropFirst() {
            if b == 0x0A { return true }
            if b != 0x20 && b != 0x09 && b != 0x0D { return false }
        }
        return true
    }

    func ingestDocument(_ reader: LineChunkReader, source: AuditSource, identity: String, after: CheckpointPrecondition,
                        shared: SharedIngest) throws -> AuditScanCounts {
        var batch: Batch
        if let bytes = try reader.readAll(limit: maxLineLength) {
            batch = document(bytes, source: .file(path: source.displayName, line: 1, offset: 0), file: source.displayName)
        } else {
            batch = oversizedDocument(bytes: reader.consumed, file: source.displayName)
        }
        batch.checkpoint = (reader.consumed, batch.counts.lines)
        let counts = batch.counts
        var after = after
        try shared.commit(evidence(batch, of: source, identity: identity, continues: false, after: &after, complete: true))
        shared.read(counts, rawBytes: reader.rawBytesRead, of: source, reader)
        return counts
    }

    /// A whole JSON document (an `EventList`, an array of events, one event) decoded at once.
    func document(_ bytes: [UInt8], source: EvidenceSource, file: String) -> Batch {
        var bytes = bytes[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        var batch = Batch()
        batch.counts.bytes = bytes.count
        batch.counts.lines = bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } + (bytes.last == 0x0A || bytes.isEmpty ? 0 : 1)
        // Read in place: a webhook batch is megabytes, and the fast reader needs no copy.
        switch bytes.withUnsafeBytes({ AuditDocument.decode(bytes: $0, source: source, cluster: cluster, file: file) }) {
        case .success(let doc):
            batch.records = doc.records
            batch.counts.events = doc.events
            batch.counts.candidates = doc.events
            batch.counts.kubeletReviews = doc.records.filter { $0.path == .kubelet }.count
            batch.counts.nodeProxy = doc.records.count - batch.counts.kubeletReviews
        case .failure(let m):
            batch.counts.malformed = 1
            batch.malformed.append(m)
        }
        return batch
    }

    /// Held whole to be decoded, a document is bounded as a line is.
    func oversizedDocument(bytes: Int, file: String) -> Batch {
        var batch = Batch()
        batch.counts.bytes = bytes
        batch.counts.malformed = 1
        batch.malformed = [MalformedLine(file: file, line: 1, reason: "a JSON document of \(bytes) bytes, longer than the maximum of \(maxLineLength)")]
        return batch
    }

    /// Reads one request body of the audit webhook — an `EventList` document, or JSON lines —
    /// as batch `batch` of stream `stream`, and commits it whole: the same batch sent again
    /// replaces it rather than counting twice. `durable`: committed so that it survives a power
    /// loss (a webhook batch acknowledged to its sender cannot be read again).
    @discardableResult
    public func ingest(body: [UInt8], stream: String, batch id: String, into writer: EvidenceWriter, durable: Bool = false) throws -> AuditScanCounts {
        var scanner = AuditLineScanner(.stream(name: stream, batch: id), cluster: cluster, maxLineLength: maxLineLength)
        var batch: Batch
        let isDocument = Self.isDocument(body.prefix(64 << 10))
        if body.count > maxLineLength && isDocument {
            batch = oversizedDocument(bytes: body.count, file: scanner.file)
        } else if isDocument {
            batch = document(body, source: .stream(name: stream, batch: id), file: scanner.file)
        } else {
            batch = Batch()
            body.withUnsafeBytes { scanner.scan($0, counts: &batch.counts, records: &batch.records, malformed: &batch.malformed) }
        }
        let counts = batch.counts
        let evidence = EvidenceBatch(cluster: cluster, input: .stream(name: stream, batch: id), records: batch.records,
                                     malformed: batch.malformed, counts: batch.counts)
        if durable { try writer.commitDurably(evidence) } else { try writer.commit(evidence) }
        return counts
    }

    /// A file's identity: a hash of its first 4 KiB, so a rotated file that reuses a name is not
    /// mistaken for the one ingested before, while a file that only grew keeps its identity.
    public static func identity(of source: AuditSource) throws -> String {
        guard !source.isStdin else { return "stdin" }
        guard let h = FileHandle(forReadingAtPath: source.path) else { throw LineChunkReader.ReadError(description: "\(source.path): cannot open the file") }
        defer { try? h.close() }
        let head = (try? h.read(upToCount: 4096)) ?? Data()
        var hash: UInt64 = 0xcbf29ce484222325
        for b in head { hash = (hash ^ UInt64(b)) &* 0x100000001b3 }
        return "fnv1a64:\(String(hash, radix: 16)):\(head.count)"
    }
}
