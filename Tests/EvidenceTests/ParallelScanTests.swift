@testable import AuditInput
import Evidence
import Foundation
import Store
import TestSupport
import Testing

/// A plain file scanned on two threads (its blocks cut as a read in turn cuts them) against the
/// same file read in turn on one thread: every committed batch, and what the stores then hold,
/// must be the same.
@Suite("Plain files scanned on two threads, against one thread")
struct ParallelScanTests {
    /// What a generated log holds besides the real sample's lines.
    struct Shape: CustomStringConvertible, Sendable {
        var byteOrderMark = false
        var finalNewline = true
        /// A line longer than a block: the plan stops before it, the rest is read in turn.
        var longerThanBlock = false
        /// A line longer than `maxLineLength` but shorter than a block.
        var overlong = false
        var description: String {
            "bom \(byteOrderMark), final newline \(finalNewline), longer than a block \(longerThanBlock), overlong \(overlong)"
        }
    }

    static let shapes: [Shape] = [
        Shape(),
        Shape(byteOrderMark: true, finalNewline: false),
        Shape(longerThanBlock: true),
        Shape(finalNewline: false, overlong: true),
    ]

    static let blockSize = 4096
    static let maxLineLength = 3000

    /// The real sample repeated with fresh auditIDs, with truncated lines, lines that are not
    /// JSON, CRLF endings, empty and blank lines, as `shape` says.
    static func log(_ shape: Shape, copies: Int = 40) -> Data {
        let sample = String(decoding: Fixtures.data("audit-kube-apiserver-1.36.jsonl"), as: UTF8.self).split(separator: "\n")
        var text = shape.byteOrderMark ? "\u{FEFF}" : ""
        var n = 0
        for copy in 0..<copies {
            for line in sample {
                n += 1
                var l = String(line)
                if let r = l.range(of: "\"auditID\":\"") {
                    l.replaceSubrange(r.upperBound..<l.index(r.upperBound, offsetBy: 8), with: String(format: "%08x", copy))
                }
                if n % 97 == 0 { l = String(l.prefix(90)) }
                if n % 53 == 0 { l = "not json at all" }
                text += l + (n % 13 == 0 ? "\r\n" : "\n")
                if n % 31 == 0 { text += "\n" }
                if n % 41 == 0 { text += "  \t \n" }
                if n == 400 && shape.longerThanBlock {
                    text += "{\"kind\":\"Event\",\"x\":\"" + String(repeating: "a", count: 3 * blockSize) + "\"}\n"
                }
                if n % 300 == 0 && shape.overlong {
                    text += "{\"kind\":\"Event\",\"x\":\"" + String(repeating: "b", count: maxLineLength + 100) + "\"}\n"
                }
            }
        }
        if !shape.finalNewline { text += String(sample[3].prefix(200)) }
        return Data(text.utf8)
    }

    /// Every batch a writer was given, in order.
    final class Recording: EvidenceWriter, @unchecked Sendable {
        struct Commit: Equatable {
            let input: EvidenceBatch.Input
            let records: [AuditRecord]
            let malformed: [MalformedLine]
            let counts: AuditScanCounts
        }
        let inner: EvidenceWriter
        var commits: [Commit] = []
        init(_ inner: EvidenceWriter) { self.inner = inner }
        var isPersistent: Bool { inner.isPersistent }
        func checkpoint(path: String, cluster: String) throws -> FileCheckpoint? { try inner.checkpoint(path: path, cluster: cluster) }
        func commit(_ batch: consuming EvidenceBatch) throws {
            let batch = batch
            commits.append(Commit(input: batch.input, records: batch.records, malformed: batch.malformed, counts: batch.counts))
            try inner.commit(batch)
        }
    }

    /// One thread, or two with every plain file split.
    func ingestor(parallel: Bool) -> AuditIngestor {
        var i = AuditIngestor()
        i.workers = parallel ? 2 : 1
        i.parallelFrom = 0
        i.blockSize = Self.blockSize
        i.maxLineLength = Self.maxLineLength
        i.commitBytes = 48 << 10
        return i
    }

    /// What a database holds, as compared.
    struct Contents: Equatable {
        let records: [AuditRecord]
        let totals: AuditScanCounts
        let malformed: [MalformedLine]
        let checkpoint: FileCheckpoint?
        init(_ store: EvidenceReader & EvidenceWriter, _ path: String) throws {
            records = try store.records(since: nil)
            totals = try store.totals()
            malformed = try store.malformedLines(limit: .max)
            checkpoint = try store.checkpoint(path: path)
        }
    }

    @Test("every batch, record, count and malformed line number as one thread reads them", arguments: shapes)
    func sameBatches(shape: Shape) throws {
        let dir = Fixtures.temporaryDirectory()
        let path = dir.appendingPathComponent("audit.log").path
        try Self.log(shape).write(to: URL(fileURLWithPath: path))
        let source = try AuditSource.resolve([path])
        var contents: [Contents] = []
        var commits: [[Recording.Commit]] = []
        var summaries: [AuditIngestor.Summary] = []
        for parallel in [false, true] {
            for persistent in [false, true] {
                let store: EvidenceReader & EvidenceWriter = persistent
                    ? try EvidenceStore(path: dir.appendingPathComponent("\(parallel).sqlite").path) : MemoryEvidenceStore()
                let recording = Recording(store)
                summaries.append(try ingestor(parallel: parallel).ingest(source, into: recording))
                commits.append(recording.commits)
                contents.append(try Contents(store, source[0].canonicalPath))
            }
        }
        // The parallel path was taken, and the logs hold what they were made to hold.
        #expect(summaries[0].splitFiles.isEmpty && summaries[2].splitFiles == [path])
        #expect(commits[0].count > 5)
        #expect(contents[0].records.count > 400)
        #expect(contents[0].malformed.count > 20)
        #expect(contents[0].malformed.contains { $0.reason.contains("longer than the maximum") } == (shape.overlong || shape.longerThanBlock))
        // A last line without its newline is read into memory, and left for later in a database.
        #expect(contents[0].totals.lines == contents[1].totals.lines + (shape.finalNewline ? 0 : 1))
        for persistent in [0, 1] {
            #expect(commits[2 + persistent] == commits[persistent], "persistent: \(persistent == 1)")
            #expect(contents[2 + persistent] == contents[persistent], "persistent: \(persistent == 1)")
        }
    }

    @Test("a log that grows is taken up at its checkpoint as one thread takes it up")
    func resumeGrowing() throws {
        let dir = Fixtures.temporaryDirectory()
        let full = Self.log(Shape(byteOrderMark: true))
        var results: [(commits: [Recording.Commit], contents: Contents)] = []
        for parallel in [false, true] {
            let path = dir.appendingPathComponent("grow-\(parallel).log").path
            // Three fifths of the log, cut inside a line (a writer half-way through it).
            try full.prefix(full.count * 3 / 5).write(to: URL(fileURLWithPath: path))
            let store = try EvidenceStore(path: dir.appendingPathComponent("grow-\(parallel).sqlite").path)
            _ = try ingestor(parallel: parallel).ingest(try AuditSource.resolve([path]), into: store)
            try full.write(to: URL(fileURLWithPath: path))
            let recording = Recording(store)
            let summary = try ingestor(parallel: parallel).ingest(try AuditSource.resolve([path]), into: recording)
            #expect(summary.resumed == [path])
            #expect(summary.splitFiles == (parallel ? [path] : []))
            // The file names differ; the rest must not.
            let named = recording.commits.map { c in
                Recording.Commit(input: Self.renamed(c.input), records: c.records.map { Self.renamed($0) },
                                 malformed: c.malformed.map { MalformedLine(file: "log", line: $0.line, reason: $0.reason) }, counts: c.counts)
            }
            results.append((named, try Contents(store, try AuditSource.resolve([path])[0].canonicalPath)))
        }
        #expect(results[0].commits.count > 3)
        #expect(results[1].commits == results[0].commits)
        #expect(results[1].contents.records.map(Self.renamed) == results[0].contents.records.map(Self.renamed))
        #expect(results[1].contents.totals == results[0].contents.totals)
        #expect(results[1].contents.checkpoint == results[0].contents.checkpoint)
        #expect(results[1].contents.malformed.map(\.line) == results[0].contents.malformed.map(\.line))
    }

    @Test("killed half-way on two threads and run again: what one uninterrupted thread stores")
    func resumeInterrupted() throws {
        let dir = Fixtures.temporaryDirectory()
        let path = dir.appendingPathComponent("audit.log").path
        try Self.log(Shape(finalNewline: false)).write(to: URL(fileURLWithPath: path))
        let source = try AuditSource.resolve([path])
        let oneShot = try EvidenceStore(path: dir.appendingPathComponent("one.sqlite").path)
        _ = try ingestor(parallel: false).ingest(source, into: oneShot)
        let interrupted = try EvidenceStore(path: dir.appendingPathComponent("int.sqlite").path)
        #expect(throws: IngestTests.Interrupting.Killed.self) {
            try ingestor(parallel: true).ingest(source, into: IngestTests.Interrupting(interrupted, after: 3))
        }
        let partial = try interrupted.totals().lines
        let summary = try ingestor(parallel: true).ingest(source, into: interrupted)
        #expect(summary.resumed == [path] && summary.splitFiles == [path])
        let whole = try oneShot.totals().lines
        #expect(partial > 0 && partial < whole)
        let (got, want) = (try Contents(interrupted, source[0].canonicalPath), try Contents(oneShot, source[0].canonicalPath))
        #expect(got == want)
    }

    @Test("the plan's blocks are those the reader hands out", arguments: [4096, 5000, 40_000, 70_000])
    func planMatchesReader(blockSize: Int) throws {
        let dir = Fixtures.temporaryDirectory()
        let path = dir.appendingPathComponent("audit.log").path
        let data = Self.log(Shape(finalNewline: false), copies: 30)
        try data.write(to: URL(fileURLWithPath: path))
        for start in [0, data.count / 3] {
            // The reader as `readFile` drives it: skipped to where it resumes, or peeked at.
            let reader = try LineChunkReader(AuditSource(path: path), blockSize: blockSize)
            reader.holdsPartialLastLine = true
            if start > 0 {
                // Resumed at a line start.
                let at = data[start...].firstIndex(of: 0x0A)! + 1
                try reader.skip(to: at)
            } else {
                _ = try reader.peek()
            }
            let from = reader.consumed
            var ends: [Int] = []
            while try reader.nextChunk() != nil { ends.append(reader.consumed) }
            let plan = try LineBlockPlan.plan(fd: reader.fd, path: path, start: from, size: data.count, blockSize: reader.blockSize,
                                              firstReads: from == 0 && reader.blockSize < 64 << 10 ? 2 : 1)
            #expect(ends.count > 2)
            #expect(plan.ends == ends, "start \(from)")
        }
    }

    @Test("a file cut short while it is read is an error naming the file, not a crash")
    func shrunk() throws {
        let dir = Fixtures.temporaryDirectory()
        let path = dir.appendingPathComponent("audit.log").path
        let data = Self.log(Shape())
        try data.write(to: URL(fileURLWithPath: path))
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        let plan = try LineBlockPlan.plan(fd: fd, path: path, start: 0, size: data.count, blockSize: 4096, firstReads: 2)
        truncate(path, off_t(data.count / 2))
        let scan = ParallelBlockScan(fd: fd, path: path, file: path, cluster: "", maxLineLength: 1 << 20, workers: 2, interner: .init())
        let (scanned, failure) = scan.scan(plan.blocks)
        #expect(scanned.count > 0 && scanned.count < plan.blocks.count)
        #expect(failure?.description.hasPrefix("\(path): the file became shorter while it was read") == true)
    }

    static func renamed(_ input: EvidenceBatch.Input) -> EvidenceBatch.Input {
        guard case .file(_, let identity, let checkpoint, let continues, let after) = input else { return input }
        return .file(path: "log", identity: identity, checkpoint: checkpoint, continues: continues, after: after)
    }

    static func renamed(_ r: AuditRecord) -> AuditRecord {
        var r = r
        if case .file(_, let line, let offset) = r.source { r.source = .file(path: "log", line: line, offset: offset) }
        return r
    }
}
