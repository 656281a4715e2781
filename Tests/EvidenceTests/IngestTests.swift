import AuditInput
import CompressNIO
import Evidence
import Foundation
import NIOCore
import Store
import TestSupport
import Testing

@Suite("Reading audit logs, and the evidence database")
struct IngestTests {
    static let sample = Fixtures.data("audit-kube-apiserver-1.36.jsonl")

    func gzip(_ data: Data) throws -> Data {
        var buffer = ByteBuffer(bytes: data)
        let compressed = try buffer.compress(with: .gzip())
        return Data(compressed.readableBytesView)
    }

    func write(_ data: Data, _ name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
        return url.path
    }

    /// Small blocks are committed one by one (so that an interruption can fall between them).
    func ingest(_ paths: [String], into sink: EvidenceWriter, blockSize: Int = 8 << 20) throws -> AuditIngestor.Summary {
        var ingestor = AuditIngestor()
        ingestor.blockSize = blockSize
        ingestor.commitBytes = blockSize
        return try ingestor.ingest(try AuditSource.resolve(paths), into: sink)
    }

    /// The real sample repeated with fresh auditIDs; lines for which `truncate` holds are cut short.
    static func repeatedLog(copies: Int, truncate: (Int) -> Bool) -> (String, Int) {
        RepeatedAuditLog.text(copies: copies, truncate: truncate)
    }

    @Test("plain, gzip, and a gzip of two members read the same events")
    func gzipInput() throws {
        let dir = Fixtures.temporaryDirectory()
        let half = Self.sample.prefix(through: Self.sample.firstIndex(of: 0x0A)!)  // first line, a member of its own
        let twoMembers = try gzip(Data(half)) + gzip(Data(Self.sample.dropFirst(half.count)))
        let plain = try write(Self.sample, "audit.log", in: dir)
        let gz = try write(try gzip(Self.sample), "audit-2026-11-27T07-00-00.000.log.gz", in: dir)
        let multi = try write(twoMembers, "audit.log.1.gz", in: dir)
        for path in [plain, gz, multi] {
            let sink = MemoryEvidenceStore()
            let summary = try ingest([path], into: sink, blockSize: 4096)  // small blocks: lines cross block ends
            #expect(summary.counts.lines == 21, "\(path)")
            #expect(sink.all.count == 15, "\(path)")
            #expect(sink.allMalformed.isEmpty)
        }
    }

    @Test("corrupt gzip is an error naming the file")
    func corruptGzip() throws {
        let dir = Fixtures.temporaryDirectory()
        var bytes = try gzip(Self.sample)
        bytes.replaceSubrange(40..<60, with: Data(repeating: 0xFF, count: 20))
        let path = try write(bytes, "bad.log.gz", in: dir)
        #expect { try self.ingest([path], into: MemoryEvidenceStore()) } throws: { e in
            (e as? LineChunkReader.ReadError)?.description.contains("bad.log.gz: corrupt gzip data") == true
        }
    }

    @Test("a gzip file corrupt half-way: what came before is stored, and a second run stores nothing twice")
    func corruptHalfWay() throws {
        let dir = Fixtures.temporaryDirectory()
        let (text, _) = Self.repeatedLog(copies: 400, truncate: { _ in false })
        var bytes = try gzip(Data(text.utf8))
        let middle = bytes.count * 3 / 5
        bytes.replaceSubrange(middle..<(middle + 64), with: Data(repeating: 0xAB, count: 64))
        let path = try write(bytes, "half.log.gz", in: dir)
        let store = try EvidenceStore(path: dir.appendingPathComponent("e.sqlite").path)
        var ingestor = AuditIngestor()
        ingestor.blockSize = 64 << 10  // many blocks, committed together (the default commit size)
        var stored: [Int] = []
        for _ in 0..<2 {
            #expect { _ = try ingestor.ingest(try AuditSource.resolve([path]), into: store) } throws: { e in
                (e as? LineChunkReader.ReadError)?.description.contains("half.log.gz: corrupt gzip data") == true
            }
            stored.append(try store.records().count)
        }
        #expect(stored[0] > 1000, "the blocks before the damage are kept")
        #expect(stored[1] == stored[0])
        #expect(try store.totals().lines < 400 * 21)
    }

    @Test("directories: audit logs and rotated files, recursively; other files ignored")
    func directories() throws {
        let dir = Fixtures.temporaryDirectory()
        _ = try write(Self.sample, "audit.log", in: dir)
        _ = try write(Self.sample, "old/audit.log.3", in: dir)
        _ = try write(Data("not a log".utf8), "README.md", in: dir)
        _ = try write(Self.sample, "rotated/audit.log-20261126", in: dir)
        _ = try write(Self.sample, ".hidden/audit.log", in: dir)
        let sources = try AuditSource.resolve([dir.path])
        #expect(sources.map { ($0.path as NSString).lastPathComponent } == ["audit.log", "audit.log.3", "audit.log-20261126"])
        #expect(throws: AuditSource.ResolveError.self) { try AuditSource.resolve(["/nope/audit.log"]) }
    }

    @Test("a pretty-printed EventList file, as the audit webhook's body is saved")
    func eventListDocument() throws {
        let items = try Self.sample.split(separator: 0x0A).map { try JSONSerialization.jsonObject(with: Data($0)) }
        let doc = try JSONSerialization.data(withJSONObject: ["kind": "EventList", "apiVersion": "audit.k8s.io/v1", "metadata": [:], "items": items],
                                             options: [.prettyPrinted, .sortedKeys])
        let path = try write(doc, "batch.json", in: Fixtures.temporaryDirectory())
        let sink = MemoryEvidenceStore()
        let summary = try ingest([path], into: sink)
        #expect(summary.counts.events == 21)
        #expect(sink.all.count == 15)
        #expect(sink.allMalformed.isEmpty)
    }

    @Test("a JSON array of events is read as a document")
    func arrayDocument() throws {
        let items = try Self.sample.split(separator: 0x0A).map { try JSONSerialization.jsonObject(with: Data($0)) }
        let path = try write(try JSONSerialization.data(withJSONObject: items), "events.json", in: Fixtures.temporaryDirectory())
        let sink = MemoryEvidenceStore()
        let summary = try ingest([path], into: sink)
        #expect(summary.counts.events == 21)
        #expect(sink.all.count == 15)
    }

    @Test("the database: ingesting twice counts once")
    func idempotent() throws {
        let dir = Fixtures.temporaryDirectory()
        let log = try write(Self.sample, "audit.log", in: dir)
        let copy = try write(Self.sample, "copy/audit.log", in: dir)  // overlapping content under another name
        let store = try EvidenceStore(path: dir.appendingPathComponent("e.sqlite").path)
        _ = try ingest([log], into: store)
        let first = (try store.totals(), try store.records())
        let again = try ingest([log], into: store)
        #expect(again.skippedFiles == [log])
        let afterAgain = try store.totals()
        #expect(afterAgain == first.0)  // the same file again: nothing changes
        _ = try ingest([copy], into: store)
        let second = (try store.totals(), try store.records())
        // Another file with the same events: its lines are read, its requests are not new.
        #expect(first.1 == second.1)
        #expect(first.1.count == 15)
        #expect(second.0.events == 2 * first.0.events)
        // A reopened database sees the same.
        let reopened = try EvidenceStore(path: dir.appendingPathComponent("e.sqlite").path)
        #expect(try reopened.records() == second.1)
    }

    /// A writer that fails after some commits, like a process killed half-way.
    final class Interrupting: EvidenceWriter {
        let inner: EvidenceStore
        var left: Int
        struct Killed: Error {}
        init(_ inner: EvidenceStore, after: Int) { self.inner = inner; left = after }
        var isPersistent: Bool { true }
        func checkpoint(path: String, cluster: String) throws -> FileCheckpoint? { try inner.checkpoint(path: path, cluster: cluster) }
        func commit(_ batch: consuming EvidenceBatch) throws {
            if left == 0 { throw Killed() }
            left -= 1
            try inner.commit(batch)
        }
    }

    @Test("killed half-way and run again: identical counts, resumed where it stopped")
    func resume() throws {
        let dir = Fixtures.temporaryDirectory()
        // A larger log: the sample 40 times with fresh auditIDs, and one truncated line.
        let (text, _) = Self.repeatedLog(copies: 40, truncate: { $0 == 500 })
        for gz in [false, true] {
            let data = gz ? try gzip(Data(text.utf8)) : Data(text.utf8)
            let log = try write(data, gz ? "big.log.gz" : "big.log", in: dir)
            let oneShot = try EvidenceStore(path: dir.appendingPathComponent("one-\(gz).sqlite").path)
            _ = try ingest([log], into: oneShot, blockSize: 16 << 10)
            let interrupted = try EvidenceStore(path: dir.appendingPathComponent("int-\(gz).sqlite").path)
            #expect(throws: Interrupting.Killed.self) { try self.ingest([log], into: Interrupting(interrupted, after: 3), blockSize: 16 << 10) }
            let partial = try interrupted.records().count
            let summary = try ingest([log], into: interrupted, blockSize: 16 << 10)
            #expect(summary.resumed == [log])
            let full = try oneShot.records()
            #expect(partial > 0 && partial < full.count)
            let resumedRecords = try interrupted.records()
            #expect(resumedRecords == full)
            let (a, b) = (try interrupted.totals(), try oneShot.totals())
            #expect(a == b)
            #expect(b.lines == 840)
            #expect(b.malformed == 1)
            let bad = try oneShot.malformedLines(limit: 5).map(\.line)
            #expect(bad == [500])
        }
    }

    /// Two ingests of one file into one database at once, each through its own connection, many
    /// small commits each: they race for every batch. Before batches were checked against the
    /// stored checkpoint, about four runs in nine counted the part after a checkpoint twice.
    @Test("two concurrent ingests of the same file into one database count it once", arguments: [false, true])
    func concurrentIngests(gzipped: Bool) throws {
        let dir = Fixtures.temporaryDirectory()
        let (text, _) = Self.repeatedLog(copies: 30, truncate: { $0 % 97 == 0 })
        let log = try write(gzipped ? try gzip(Data(text.utf8)) : Data(text.utf8), gzipped ? "race.log.gz" : "race.log", in: dir)
        var ingestor = AuditIngestor()
        ingestor.blockSize = 8 << 10
        ingestor.commitBytes = 8 << 10
        let single = try EvidenceStore(path: dir.appendingPathComponent("single.sqlite").path)
        _ = try ingestor.ingest(try AuditSource.resolve([log]), into: single)
        let want = (try single.totals(), try single.records(), try single.malformedLines(limit: 1000))
        #expect(want.0.lines == 30 * 21 && want.0.malformed > 5)
        // A gzip file taken up again is inflated again from its start: fewer runs.
        for run in 0..<(gzipped ? 3 : 9) {
            let path = dir.appendingPathComponent("race-\(run).sqlite").path
            // Opened (and migrated) before the race: only the ingests run at once.
            let stores = [try EvidenceStore(path: path), try EvidenceStore(path: path)]
            let sources = try AuditSource.resolve([log])
            final class Failures: @unchecked Sendable {
                let lock = NSLock()
                var errors: [String] = []
            }
            let failures = Failures()
            nonisolated(unsafe) let racer = ingestor  // read only while the two run
            DispatchQueue.concurrentPerform(iterations: 2) { k in
                do { _ = try racer.ingest(sources, into: stores[k]) } catch {
                    failures.lock.withLock { failures.errors.append("\(error)") }
                }
            }
            let errors = failures.errors
            #expect(errors.isEmpty, "run \(run): \(errors)")
            #expect(try stores[0].totals() == want.0, "run \(run)")
            #expect(try stores[1].records() == want.1, "run \(run)")
            #expect(try stores[0].malformedLines(limit: 1000) == want.2, "run \(run)")
            #expect(try stores[0].checkpoint(path: sources[0].canonicalPath) == (try single.checkpoint(path: sources[0].canonicalPath)))
        }
    }

    /// A rotated set: five gzip files, two of which overlap (the same requests, as when a file
    /// is copied before rotation), and a plain current log.
    func rotatedSet(in dir: URL) throws -> [String] {
        var paths: [String] = []
        for k in 0..<5 {
            // Files 1 and 2 hold the same lines: every request of one is in the other.
            let m = k == 2 ? 1 : k
            let (text, _) = Self.repeatedLog(copies: 30, truncate: { $0 % (101 + m) == 0 })
            let shifted = text.replacingOccurrences(of: "\"auditID\":\"000000", with: "\"auditID\":\"00\(m)\(m)00")
            paths.append(try write(try gzip(Data(shifted.utf8)), "audit-2026-11-2\(k)T00-00-00.000.log.gz", in: dir))
        }
        paths.append(try write(Data(Self.repeatedLog(copies: 3, truncate: { _ in false }).0.utf8), "audit.log", in: dir))
        return paths
    }

    @Test("gzip files read two at a time give what one at a time gives, in memory and in the database")
    func parallelFiles() throws {
        let dir = Fixtures.temporaryDirectory()
        let paths = try rotatedSet(in: dir)
        var memory: [(AuditScanCounts, [AuditRecord], [MalformedLine])] = []
        var stored: [([AuditRecord], [MalformedLine], AuditScanCounts)] = []
        for workers in [1, 2] {
            var ingestor = AuditIngestor()
            ingestor.workers = workers
            let sink = MemoryEvidenceStore()
            let summary = try ingestor.ingest(try AuditSource.resolve([dir.path]), into: sink)
            var read = summary.counts
            read.candidates = 0  // a scan's count, not kept
            #expect(read == sink.counts)
            memory.append((sink.counts, sink.all, sink.allMalformed.sorted { ($0.file, $0.line) < ($1.file, $1.line) }))
            let store = try EvidenceStore(path: dir.appendingPathComponent("w\(workers).sqlite").path)
            _ = try ingestor.ingest(try AuditSource.resolve(paths), into: store)
            stored.append((try store.records(), try store.malformedLines(limit: 1000), try store.totals()))
        }
        #expect(memory[0].1.count > 100)
        #expect(!memory[0].1.contains { $0.source.name == paths[2] }, "of two equal copies, the one in the first file is kept")
        #expect(memory[0].1.contains { $0.source.name == paths[1] })
        #expect(memory[0].2.count >= 5)
        #expect(memory[1].0 == memory[0].0)
        #expect(memory[1].1 == memory[0].1, "the same records, the same copies kept")
        #expect(memory[1].2 == memory[0].2)
        #expect(stored[1].0 == stored[0].0)
        #expect(stored[1].1 == stored[0].1)
        #expect(stored[1].2 == stored[0].2)
        #expect(stored[0].0 == memory[0].1, "the database keeps the copies memory keeps")
    }

    @Test("of two equal copies of a request, the same one is kept whichever file is read first")
    func tieBreak() throws {
        let dir = Fixtures.temporaryDirectory()
        let paths = try rotatedSet(in: dir)
        var kept: [[AuditRecord]] = []
        for (n, order) in [[paths[1], paths[2]], [paths[2], paths[1]]].enumerated() {
            let sink = MemoryEvidenceStore()
            let store = try EvidenceStore(path: dir.appendingPathComponent("order\(n).sqlite").path)
            for path in order {
                _ = try ingest([path], into: sink)
                _ = try ingest([path], into: store)
            }
            #expect(try store.records() == sink.all)
            kept.append(sink.all)
        }
        #expect(kept[0] == kept[1])
        #expect(!kept[1].contains { $0.source.name == paths[2] })
    }

    @Test("with files read two at a time, the earliest corrupt file is the error")
    func parallelFilesError() throws {
        let dir = Fixtures.temporaryDirectory()
        var paths = try rotatedSet(in: dir)
        paths.removeLast()
        for k in [1, 3] {
            var bytes = try Data(contentsOf: URL(fileURLWithPath: paths[k]))
            bytes.replaceSubrange(40..<80, with: Data(repeating: 0xAB, count: 40))
            try bytes.write(to: URL(fileURLWithPath: paths[k]))
        }
        var ingestor = AuditIngestor()
        ingestor.workers = 2
        #expect { try ingestor.ingest(try AuditSource.resolve(paths), into: MemoryEvidenceStore()) } throws: { e in
            (e as? LineChunkReader.ReadError)?.description.hasPrefix(paths[1] + ": corrupt gzip data") == true
        }
    }

    @Test("reading ahead on a second thread reads exactly what reading in turn reads", arguments: [false, true])
    func readAhead(gzipped: Bool) throws {
        // Small blocks, so that most lines cross a block end, and one line longer than the
        // buffer, so that the buffer must grow while the block before it is still held.
        var (text, _) = Self.repeatedLog(copies: 60, truncate: { $0 % 211 == 0 })
        let long = "{\"kind\":\"Event\",\"x\":\"" + String(repeating: "a", count: 40_000) + "\"}\n"
        let at = text.index(text.startIndex, offsetBy: text.count / 2)
        let cut = text[at...].firstIndex(of: "\n")!
        text.insert(contentsOf: long, at: text.index(after: cut))
        let data = gzipped ? try gzip(Data(text.utf8)) : Data(text.utf8)
        let path = try write(data, gzipped ? "ahead.log.gz" : "ahead.log", in: Fixtures.temporaryDirectory())
        var results: [(AuditScanCounts, [AuditRecord], [MalformedLine])] = []
        for ahead in [false, true] {
            var ingestor = AuditIngestor()
            ingestor.workers = 2
            ingestor.readsAhead = ahead
            ingestor.blockSize = 4096
            ingestor.commitBytes = 64 << 10
            let sink = MemoryEvidenceStore()
            _ = try ingestor.ingest(try AuditSource.resolve([path]), into: sink)
            results.append((sink.counts, sink.all, sink.allMalformed))
        }
        #expect(results[0].0.lines == 60 * 21 + 1)
        #expect(results[0].1.count > 500)
        #expect(results[1].0 == results[0].0)
        #expect(results[1].1 == results[0].1)
        #expect(results[1].2 == results[0].2)
    }

    @Test("a live log that grows is read again from where it stopped; a half-written last line waits")
    func growingLog() throws {
        let dir = Fixtures.temporaryDirectory()
        let lines = String(decoding: Self.sample, as: UTF8.self).split(separator: "\n").map(String.init)
        let path = dir.appendingPathComponent("audit.log").path
        // Ten whole lines and half of the eleventh, still being written.
        try (lines[0..<10].joined(separator: "\n") + "\n" + lines[10].prefix(100)).write(toFile: path, atomically: false, encoding: .utf8)
        let store = try EvidenceStore(path: dir.appendingPathComponent("e.sqlite").path)
        _ = try ingest([path], into: store)
        #expect(try store.totals().malformed == 0)
        #expect(try store.totals().lines == 10)
        // The writer finishes the line and appends the rest.
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        let again = try ingest([path], into: store)
        #expect(again.resumed == [path])
        let totals = try store.totals()
        #expect(totals.lines == 21 && totals.malformed == 0)
        #expect(try store.records().count == 15)
        // Named another way, it is the same file.
        let summary = try ingest([dir.path + "/./audit.log"], into: store)
        #expect(summary.skippedFiles.count == 1)
    }

    /// The audit webhook's request bodies: an EventList (compact or pretty) or JSON lines.
    @Test("a webhook body is one stream batch: records cite the stream and batch and carry the cluster; a re-sent batch counts once")
    func webhookBody() throws {
        let lines = Self.sample.split(separator: 0x0A)
        let items = try lines.map { try JSONSerialization.jsonObject(with: Data($0)) }
        let list: [String: Any] = ["kind": "EventList", "apiVersion": "audit.k8s.io/v1", "metadata": [:], "items": items]
        let bodies = [try JSONSerialization.data(withJSONObject: list), try JSONSerialization.data(withJSONObject: list, options: .prettyPrinted), Self.sample]
        let fromFile = MemoryEvidenceStore()
        _ = try ingest([Fixtures.url("audit-kube-apiserver-1.36.jsonl").path], into: fromFile)
        for body in bodies {
            var ingestor = AuditIngestor()
            ingestor.cluster = "prod"
            for store in [MemoryEvidenceStore(), try EvidenceStore(path: Fixtures.temporaryDirectory().appendingPathComponent("w.sqlite").path)] as [any EvidenceWriter & EvidenceReader] {
                let counts = try ingestor.ingest(body: Array(body), stream: "webhook", batch: "b-1", into: store)
                #expect(counts.events == 21)
                _ = try ingestor.ingest(body: Array(body), stream: "webhook", batch: "b-1", into: store)
                let records = try store.records(since: nil)
                #expect(records.count == 15)
                #expect(records.allSatisfy { $0.cluster == "prod" && $0.source == .stream(name: "webhook", batch: "b-1") })
                #expect(records.map(\.requestKey) == fromFile.all.map { $0.requestKey + "\u{1F}prod" })
                #expect(try store.totals().events == 21, "the batch sent twice counts once")
                #expect(try store.malformedLines(limit: 10).isEmpty)
            }
        }
    }

    @Test("a webhook body that is not JSON is a malformed line of its batch")
    func webhookBodyMalformed() throws {
        let store = MemoryEvidenceStore()
        try AuditIngestor().ingest(body: Array("{\n\"kind\": \"EventList\", \"items\": [\n".utf8), stream: "webhook", batch: "7", into: store)
        #expect(store.allMalformed.map(\.file) == ["webhook batch 7"])
        #expect(store.counts.malformed == 1)
    }
}

/// The store's contents, read as tests compare them.
extension MemoryEvidenceStore {
    var all: [AuditRecord] { (try? records(since: nil)) ?? [] }
    var allMalformed: [MalformedLine] { (try? malformedLines(limit: .max)) ?? [] }
    var counts: AuditScanCounts { (try? totals()) ?? AuditScanCounts() }
}
