import AuditScanning
import CByteSearch
import Dispatch
import Evidence
import Foundation

/// Where reading a source starts: at its beginning, after what an earlier ingest read, or
/// nowhere (read completely before).
public enum AuditResume: Equatable {
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
    /// scans; without, the workers split each block between them.
    public var readsAhead = true
    /// Threads that scan one block together (the second core helps on large files).
    public var workers = min(2, max(1, Int(ka_usable_cpus())))
    /// Stdin as bytes, for in-process callers; nil reads the process's stdin as a stream.
    public var stdin: Data?

    public init(progress: ((AuditProgress) -> Void)? = nil) { self.progress = progress }

    public struct Summary: Sendable {
        public var counts = AuditScanCounts()
        public var skippedFiles: [String] = []
        public var resumed: [String] = []
    }

    public func ingest(_ sources: [AuditSource], into writer: EvidenceWriter) throws -> Summary {
        let shared = SharedIngest(writer: writer, progress: progress)
        var outcomes = [FileOutcome?](repeating: nil, count: sources.count)
        // A gzip file is bound by zlib's inflate on one core, which splitting its blocks across
        // threads cannot help: with a second core, two gzip files are read at once instead,
        // each scanned by one thread. Everything else is read in order, its blocks scanned by
        // every worker.
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
                let interner = [StringInterner()]
                while true {
                    state.lock.lock()
                    // After a failure no new file is started (one read in order would have stopped there).
                    let failed = state.outcomes.values.contains { if case .failure = $0 { true } else { false } }
                    guard !failed, state.next < indices.count else { state.lock.unlock(); return }
                    let i = indices[state.next]
                    state.next += 1
                    state.lock.unlock()
                    let result = Result { try ingestor.ingestFile(sources[i], shared: shared, interners: interner) }
                    state.lock.lock()
                    state.outcomes[i] = result
                    state.lock.unlock()
                }
            }
            // The failure of the earliest file is the one reported, whatever finished first.
            for i in state.outcomes.keys.sorted() { outcomes[i] = try state.outcomes[i]!.get() }
        }
        let interners = (0..<max(1, workers)).map { _ in StringInterner() }
        for i in sources.indices where lanes < 2 || !gzipped.contains(i) {
            outcomes[i] = try ingestFile(sources[i], shared: shared, interners: interners)
        }
        var summary = Summary()
        for case let outcome? in outcomes {
            summary.counts.add(outcome.counts)
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
    }

    /// The writer, the progress callback and the running totals, shared by the threads that
    /// read files at once: one at a time goes through.
    final class SharedIngest: @unchecked Sendable {
        let lock = NSLock()
        let writer: EvidenceWriter
        let progress: ((AuditProgress) -> Void)?
        var totals = AuditScanCounts()

        init(writer: EvidenceWriter, progress: ((AuditProgress) -> Void)?) {
            self.writer = writer
            self.progress = progress
        }

        /// Where to start reading `source`, from the writer's checkpoint for it.
        func resumePoint(_ source: AuditSource, _ identity: String) throws -> AuditResume {
            guard !source.isStdin else { return .start }
            let checkpoint = try lock.withLock { try writer.checkpoint(path: source.canonicalPath) }
            guard let checkpoint, checkpoint.identity == identity else { return .start }
            // A live audit.log grows: read what was appended since.
            if checkpoint.complete && source.size <= checkpoint.offset { return .skip }
            return .from(offset: checkpoint.offset, line: checkpoint.line)
        }

        func commit(_ batch: consuming EvidenceBatch) throws {
            lock.lock()
            defer { lock.unlock() }
            try writer.commit(batch)
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
    func evidence(_ batch: consuming Batch, of source: AuditSource, identity: String, continues: Bool, complete: Bool) -> EvidenceBatch {
        let checkpoint = FileCheckpoint(identity: identity, offset: batch.checkpoint.offset, line: batch.checkpoint.line, complete: complete)
        return EvidenceBatch(cluster: cluster,
                             input: .file(path: source.canonicalPath, identity: identity, checkpoint: checkpoint, continues: continues || source.isStdin),
                             records: batch.records, malformed: batch.malformed, counts: batch.counts)
    }

    /// One source from its resume point to its end, a commit per block.
    func ingestFile(_ source: AuditSource, shared: SharedIngest, interners: [StringInterner]) throws -> FileOutcome {
        let reader = try LineChunkReader(source, blockSize: blockSize, maxLineLength: maxLineLength, stdin: stdin)
        reader.holdsPartialLastLine = shared.writer.isPersistent && !source.isStdin
        let identity = try Self.identity(of: source)
        let start = try shared.resumePoint(source, identity)
        var outcome = FileOutcome(name: source.displayName, start: start)
        var scanner = AuditLineScanner(.file(source.displayName), cluster: cluster, interner: interners[0], maxLineLength: maxLineLength)
        switch start {
        case .skip:
            return outcome
        case .from(let offset, let line):
            try reader.skip(to: offset)
            scanner = AuditLineScanner(.file(source.displayName), cluster: cluster, startLine: line, startOffset: offset, interner: interners[0],
                                       maxLineLength: maxLineLength)
        case .start:
            break
        }
        // The first batch of a read from the start restarts the file's counts; later ones add.
        var continues = start != .start
        if reader.consumed == 0, Self.isDocument(try reader.peek()) {
            outcome.counts = try ingestDocument(reader, source: source, identity: identity, shared: shared)
            return outcome
        }
        // Blocks are committed together, `commitBytes` at a time: a database commit rewrites the
        // index pages it touched, so committing every block cost more than the scan.
        var batch = Batch()
        // With a second core the next block is read (or inflated) while this one is scanned.
        let readAhead = interners.count > 1 && readsAhead ? ReadAhead(reader) : nil
        defer { readAhead?.stop() }
        // Reading ahead takes the second core: one thread scans (measured faster than two
        // scanning threads beside the reading one on two cores).
        let scanning = readAhead == nil ? interners : Array(interners.prefix(1))
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
                if !batch.isEmpty { try shared.commit(evidence(consume batch, of: source, identity: identity, continues: continues, complete: false)) }
                throw error
            }
            let more = chunk != nil
            switch chunk {
            case .lines(let block):
                Self.scanParallel(block, scanner: &scanner, interners: scanning, counts: &counts, records: &batch.records,
                                  malformed: &batch.malformed)
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
                try shared.commit(evidence(consume batch, of: source, identity: identity, continues: continues, complete: !more))
                batch = Batch()
                continues = true
            }
            if !more { return outcome }
        }
    }

    /// Scans a block of whole lines, split at line boundaries across `workers` threads; the
    /// results are put back in line order, so nothing differs from one thread's scan. One
    /// thread per interner.
    static func scanParallel(_ buffer: UnsafeRawBufferPointer, scanner: inout AuditLineScanner, interners: [StringInterner],
                             counts: inout AuditScanCounts, records: inout [AuditRecord], malformed: inout [MalformedLine]) {
        let workers = interners.count
        guard workers > 1, buffer.count >= 1 << 20, let base = buffer.baseAddress else {
            scanner.scan(buffer, counts: &counts, records: &records, malformed: &malformed)
            return
        }
        // Cut points just after a newline, and the line count before each.
        var cuts = [0]
        var linesBefore = [0]
        var lineCount = 0
        var position = 0
        for w in 1..<workers {
            let target = buffer.count * w / workers
            while position < target {
                guard let nl = memchr(base + position, 0x0A, target - position) else { position = target; break }
                lineCount += 1
                position = base.distance(to: nl) + 1
            }
            // Finish the line the target falls in.
            if position < buffer.count, let nl = memchr(base + position, 0x0A, buffer.count - position) {
                lineCount += 1
                position = base.distance(to: nl) + 1
            } else {
                position = buffer.count
            }
            cuts.append(position)
            linesBefore.append(lineCount)
        }
        cuts.append(buffer.count)
        final class Part: @unchecked Sendable {
            var counts = AuditScanCounts()
            var records: [AuditRecord] = []
            var malformed: [MalformedLine] = []
        }
        let parts = (0..<workers).map { _ in Part() }
        let origin = scanner.origin, cluster = scanner.cluster
        let startLine = scanner.line, startOffset = scanner.offset
        let maxLine = scanner.maxLineLength
        nonisolated(unsafe) let perThread = interners
        let cutPoints = cuts
        let before = linesBefore
        nonisolated(unsafe) let bytes = buffer
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let lo = cutPoints[w], hi = cutPoints[w + 1]
            var local = AuditLineScanner(origin, cluster: cluster, startLine: startLine + before[w], startOffset: startOffset + lo,
                                         interner: perThread[w], maxLineLength: maxLine)
            let part = parts[w]
            if hi > lo {
                local.scan(UnsafeRawBufferPointer(rebasing: bytes[lo..<hi]), counts: &part.counts,
                           records: &part.records, malformed: &part.malformed)
            }
        }
        for part in parts {
            counts.add(part.counts)
            // The first part's records are taken whole (no copy); the rest are appended.
            if records.isEmpty { swap(&records, &part.records) } else { records += part.records }
            malformed += part.malformed
        }
        // Every line was walked by exactly one part (an empty last part must not lose the line
        // that a cut inside an unterminated last line left to the part before it).
        scanner = AuditLineScanner(origin, cluster: cluster, startLine: startLine + parts.reduce(0) { $0 + $1.counts.lines },
                                   startOffset: startOffset + buffer.count, interner: scanner.interner, maxLineLength: maxLine)
    }

    /// A pretty-printed JSON document (an `EventList` saved from the audit webhook, or one
    /// Event) starts with a line holding only `{` or `[`; JSON lines start with a whole object.
    static func isDocument(_ head: [UInt8]) -> Bool {
        var bytes = head[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }  // a UTF-8 byte-order mark
        bytes = bytes.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
        // A JSON array of events, or an object whose first line holds only `{`.
        if bytes.first == 0x5B { return true }
        let end = bytes.firstIndex(of: 0x0A) ?? bytes.endIndex
        let trimmed = bytes[bytes.startIndex..<end].filter { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }
        return trimmed == [0x7B]
    }

    func ingestDocument(_ reader: LineChunkReader, source: AuditSource, identity: String, shared: SharedIngest) throws -> AuditScanCounts {
        var batch: Batch
        if let bytes = try reader.readAll(limit: maxLineLength) {
            batch = document(bytes, source: .file(path: source.displayName, line: 1, offset: 0), file: source.displayName)
        } else {
            batch = oversizedDocument(bytes: reader.consumed, file: source.displayName)
        }
        batch.checkpoint = (reader.consumed, batch.counts.lines)
        let counts = batch.counts
        try shared.commit(evidence(batch, of: source, identity: identity, continues: false, complete: true))
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
        switch AuditDocument.decode(Data(bytes), source: source, cluster: cluster, file: file) {
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
    /// replaces it rather than counting twice.
    @discardableResult
    public func ingest(body: [UInt8], stream: String, batch id: String, into writer: EvidenceWriter) throws -> AuditScanCounts {
        var scanner = AuditLineScanner(.stream(name: stream, batch: id), cluster: cluster, maxLineLength: maxLineLength)
        var batch: Batch
        if body.count > maxLineLength && Self.isDocument(Array(body.prefix(64 << 10))) {
            batch = oversizedDocument(bytes: body.count, file: scanner.file)
        } else if Self.isDocument(Array(body.prefix(64 << 10))) {
            batch = document(body, source: .stream(name: stream, batch: id), file: scanner.file)
        } else {
            batch = Batch()
            body.withUnsafeBytes { scanner.scan($0, counts: &batch.counts, records: &batch.records, malformed: &batch.malformed) }
        }
        let counts = batch.counts
        try writer.commit(EvidenceBatch(cluster: cluster, input: .stream(name: stream, batch: id), records: batch.records,
                                        malformed: batch.malformed, counts: batch.counts))
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
