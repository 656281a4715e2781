import CByteSearch
import Evidence
import Foundation
import Dispatch

/// Where ingested records go: memory, or the evidence database (which makes ingest
/// idempotent and resumable).
public protocol AuditSink: AnyObject {
    /// True when a later run continues from this one's checkpoints (a database).
    var resumesFiles: Bool { get }
    /// Where to resume this source: (uncompressed offset, lines already read), or nil to read
    /// it from the start; `.skip` when it was completely ingested before.
    func resumePoint(for source: AuditSource, identity: String) throws -> AuditResume
    /// A batch of records, committed together with the checkpoint after it. The sink owns the
    /// records from here: a memory sink moves them into its set rather than copying them.
    func commit(source: AuditSource, identity: String, records: consuming [AuditRecord], malformed: [MalformedLine],
                checkpoint: (offset: Int, line: Int), counts: AuditScanCounts, complete: Bool) throws
}

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

/// Reads sources through the line scanner into a sink, committing every block.
public struct AuditIngestor {
    public var progress: ((AuditProgress) -> Void)?
    public var blockSize = 8 << 20
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

    public func ingest(_ sources: [AuditSource], into sink: AuditSink) throws -> Summary {
        var summary = Summary()
        let interners = (0..<max(1, workers)).map { _ in StringInterner() }
        for source in sources {
            let reader = try LineChunkReader(source, blockSize: blockSize, stdin: stdin)
            reader.holdsPartialLastLine = sink.resumesFiles && !source.isStdin
            let identity = try Self.identity(of: source)
            var scanner = AuditLineScanner(file: source.displayName, interner: interners[0])
            switch try sink.resumePoint(for: source, identity: identity) {
            case .skip:
                summary.skippedFiles.append(source.displayName)
                continue
            case .from(let offset, let line):
                try reader.skip(to: offset)
                scanner = AuditLineScanner(file: source.displayName, startLine: line, interner: interners[0])
                summary.resumed.append(source.displayName)
            case .start:
                break
            }
            if reader.consumed == 0, Self.isDocument(try reader.peek()) {
                try ingestDocument(reader, source: source, identity: identity, into: sink, summary: &summary)
                continue
            }
            var fileCounts = AuditScanCounts()
            while true {
                var records: [AuditRecord] = []
                var malformed: [MalformedLine] = []
                var counts = AuditScanCounts()
                let more = try reader.nextLines { buffer in
                    Self.scanParallel(buffer, scanner: &scanner, interners: interners, counts: &counts, records: &records, malformed: &malformed)
                }
                fileCounts.add(counts)
                summary.counts.add(counts)
                try sink.commit(source: source, identity: identity, records: consume records, malformed: malformed,
                                checkpoint: (reader.consumed, scanner.line), counts: counts, complete: !more)
                progress?(AuditProgress(file: source.displayName, rawBytes: reader.rawBytesRead, rawSize: reader.rawSize, counts: summary.counts))
                if !more { break }
            }
        }
        return summary
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
            var endLine = 0
        }
        let parts = (0..<workers).map { _ in Part() }
        let file = scanner.file
        let startLine = scanner.line
        nonisolated(unsafe) let perThread = interners
        let cutPoints = cuts
        let before = linesBefore
        nonisolated(unsafe) let bytes = buffer
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let lo = cutPoints[w], hi = cutPoints[w + 1]
            var local = AuditLineScanner(file: file, startLine: startLine + before[w], interner: perThread[w])
            let part = parts[w]
            if hi > lo {
                local.scan(UnsafeRawBufferPointer(rebasing: bytes[lo..<hi]), counts: &part.counts,
                           records: &part.records, malformed: &part.malformed)
            }
            part.endLine = local.line
        }
        for part in parts {
            counts.add(part.counts)
            // The first part's records are taken whole (no copy); the rest are appended.
            if records.isEmpty { swap(&records, &part.records) } else { records += part.records }
            malformed += part.malformed
        }
        scanner = AuditLineScanner(file: file, startLine: parts.last!.endLine, interner: scanner.interner)
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

    func ingestDocument(_ reader: LineChunkReader, source: AuditSource, identity: String, into sink: AuditSink,
                        summary: inout Summary) throws {
        var bytes = try reader.readAll()
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var counts = AuditScanCounts()
        counts.bytes = bytes.count
        counts.lines = bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } + (bytes.last == 0x0A || bytes.isEmpty ? 0 : 1)
        var records: [AuditRecord] = []
        var malformed: [MalformedLine] = []
        switch AuditDocument.decode(Data(bytes), file: source.displayName) {
        case .success(let doc):
            records = doc.records
            counts.events = doc.events
            counts.candidates = doc.events
            counts.kubeletReviews = records.filter { $0.path == .kubelet }.count
            counts.nodeProxy = records.count - counts.kubeletReviews
        case .failure(let m):
            counts.malformed = 1
            malformed.append(m)
        }
        summary.counts.add(counts)
        try sink.commit(source: source, identity: identity, records: records, malformed: malformed,
                        checkpoint: (reader.consumed, counts.lines), counts: counts, complete: true)
        progress?(AuditProgress(file: source.displayName, rawBytes: reader.rawBytesRead, rawSize: reader.rawSize, counts: summary.counts))
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
