import CByteSearch
import Evidence
import Foundation
import KubeJSON

/// The streaming core: given a buffer of whole lines, one vectorised pass (`ka_screen_lines`)
/// finds newlines and the needles (`subjectaccessreviews`, `"proxy"`) together and checks each
/// line's shape (`{…}`). Only lines with a needle are decoded; lines of another shape are
/// looked at closely (blank, CRLF, a byte-order mark, truncated), so bad lines are counted
/// without decoding anything. A needle can also appear inside unrelated events, so every
/// match is confirmed on the decoded fields.
public struct AuditLineScanner {
    /// What is being read: a file, or one batch of a stream (the audit webhook's).
    public enum Origin: Sendable {
        case file(String)
        case stream(name: String, batch: String)
    }

    public let origin: Origin
    public let cluster: String
    /// The name malformed lines are reported under: the file, or the stream and batch.
    public let file: String
    /// Lines consumed so far in this input (the next line is `line + 1`).
    public private(set) var line: Int
    /// Uncompressed bytes consumed so far: where the next block starts.
    public private(set) var offset: Int

    /// Probes: `j` and `w`, `x` and `y` are rare in audit JSON: on the benchmark's gigabyte of
    /// log, 248,000 places pass the screen and 121,000 of them are needles.
    /// Lines that do not begin as the API server writes an event are handed back as well, and
    /// decoded: only audit events count as events.
    public static let needles = NeedleSearch([("subjectaccessreviews", (3, 18)), ("\"proxy\"", (4, 5))], linePrefixes: AuditEventType.linePrefixes)
    let decoder = JSONDecoder()

    /// Shared strings for the fields that repeat; one per scanning thread, kept across blocks.
    public let interner: StringInterner
    /// Longer lines (newline not counted) are malformed, not decoded.
    public let maxLineLength: Int
    /// No audit event comes near this; a line this long is damage (a file of zeros, a lost
    /// newline), and reading it whole would hold it all in memory.
    public static let defaultMaxLineLength = 64 << 20

    public init(_ origin: Origin, cluster: String = "", startLine: Int = 0, startOffset: Int = 0, interner: StringInterner = StringInterner(),
                maxLineLength: Int = AuditLineScanner.defaultMaxLineLength) {
        self.origin = origin
        self.cluster = cluster
        switch origin {
        case .file(let path): file = path
        case .stream(let name, let batch): file = EvidenceSource.malformedName(stream: name, batch: batch)
        }
        self.line = startLine
        self.offset = startOffset
        self.interner = interner
        self.maxLineLength = maxLineLength
    }

    /// Where the current line came from; `start` is its first byte's offset in the input.
    func source(start: Int) -> EvidenceSource {
        switch origin {
        case .file(let path): .file(path: path, line: line, offset: start)
        case .stream(let name, let batch): .stream(name: name, batch: batch)
        }
    }

    /// A line too long to be held, which the reader skipped without handing it out: counted as
    /// the next line, malformed. `bytes` is what it took of the input (its newline included).
    public mutating func skipOverlongLine(length: Int, bytes: Int, counts: inout AuditScanCounts, malformed: inout [MalformedLine]) {
        line += 1
        offset += bytes
        counts.lines += 1
        counts.bytes += bytes
        counts.malformed += 1
        malformed.append(overlong(length))
    }

    func overlong(_ length: Int) -> MalformedLine {
        MalformedLine(file: file, line: line, reason: "a line of \(length) bytes, longer than the maximum line length of \(maxLineLength)")
    }

    /// Scans `bytes`, which must hold whole lines (a final line without newline is allowed).
    /// Records and malformed lines are appended to the caller's arrays (no per-record callback:
    /// records are moved, never copied).
    public mutating func scan(_ bytes: UnsafeRawBufferPointer, counts: inout AuditScanCounts,
                              records: inout [AuditRecord], malformed: inout [MalformedLine]) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        counts.bytes += bytes.count
        let startLine = line
        var at = 0, walked = 0, examined = 0
        // The screen walks every line in C and hands back only those worth a look; a plain
        // `{...}` line without a needle is an event and nothing more.
        withUnsafeTemporaryAllocation(of: ka_line.self, capacity: 1024) { out in
            var reported = 0
            repeat {
                reported = Self.needles.screenLines(in: bytes, offset: &at, lines: &walked, maxLineLength: maxLineLength, into: out)
                for e in out[0..<reported] {
                    line = startLine + e.index + 1
                    examine(base, start: e.start, end: e.end, candidate: e.candidate != 0, counts: &counts, records: &records, malformed: &malformed)
                }
                examined += reported
            } while reported == out.count
        }
        line = startLine + walked
        offset += bytes.count
        counts.lines += walked
        counts.events += walked - examined
    }

    /// One line the screen reported: trimmed, counted, and decoded if it holds a needle.
    private func examine(_ base: UnsafeRawPointer, start: Int, end: Int, candidate: Bool, counts: inout AuditScanCounts,
                         records: inout [AuditRecord], malformed: inout [MalformedLine]) {
        if end - start > maxLineLength {
            counts.malformed += 1
            malformed.append(overlong(end - start))
            return
        }
        // Trim trailing whitespace (CR) and skip blank lines.
        var last = end - 1
        while last >= start, let b = Optional(base.load(fromByteOffset: last, as: UInt8.self)), b == 0x20 || b == 0x0D || b == 0x09 { last -= 1 }
        var first = start
        // A UTF-8 byte-order mark at the input's first byte (by offset, not line: a block
        // scanned on its own numbers its lines from 1).
        if offset + start == 0, end - start >= 3, base.load(fromByteOffset: start, as: UInt8.self) == 0xEF,
           base.load(fromByteOffset: start + 1, as: UInt8.self) == 0xBB, base.load(fromByteOffset: start + 2, as: UInt8.self) == 0xBF {
            first += 3
        }
        while first <= last, let b = Optional(base.load(fromByteOffset: first, as: UInt8.self)), b == 0x20 || b == 0x09 { first += 1 }
        guard first <= last else { return }
        let open = base.load(fromByteOffset: first, as: UInt8.self)
        let close = base.load(fromByteOffset: last, as: UInt8.self)
        if open != 0x7B || close != 0x7D {
            counts.malformed += 1
            malformed.append(MalformedLine(file: file, line: line, reason: close != 0x7D ? "truncated: the line does not end with }" : "not a JSON object"))
            return
        }
        let lineBytes = UnsafeRawBufferPointer(start: base + first, count: last - first + 1)
        // Begun as the API server begins an event, and without a needle: an event, nothing more
        // to read. Any other object is decoded to tell an event (keys in another order, an
        // EventList) from JSON that is not audit input.
        if !candidate && Self.needles.hasLinePrefix(lineBytes) {
            counts.events += 1
            return
        }
        if candidate { counts.candidates += 1 }
        do {
            let event = try AuditFieldReader.read(lineBytes, interner: interner)
                ?? decoder.decode(AuditEventWire.self, from: Data(lineBytes))
            counts.events += event.items?.count ?? 1
            guard candidate else { return }
            let before = records.count
            AuditExtractor.append(from: event, source: source(start: offset + start), cluster: cluster, to: &records)
            for k in before..<records.count {
                if records[k].path == .kubelet { counts.kubeletReviews += 1 } else { counts.nodeProxy += 1 }
            }
        } catch {
            counts.malformed += 1
            malformed.append(MalformedLine(file: file, line: line, reason: Self.reason(error, line: Data(lineBytes))))
        }
    }

    /// Why a line is not an audit event, in words: JSON that does not parse, an object that is
    /// not audit input, or an audit event with a field of the wrong type.
    /// With the line's bytes, invalid JSON is placed at its column (worth the second parse: a
    /// malformed line is rare).
    static func reason(_ error: Error, line: Data? = nil) -> String {
        switch error {
        case let e as AuditEventType.NotAuditEvent:
            return e.description
        case DecodingError.dataCorrupted(let c) where c.codingPath.isEmpty:
            guard let line, let syntax = JSONSyntaxError.find(in: line) else { return "invalid JSON: \(c.debugDescription)" }
            return "invalid JSON\(syntax.column.map { " at column \($0)" } ?? ""): \(syntax.message)"
        default:
            return "invalid audit event: \(describe(error))"
        }
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c), DecodingError.keyNotFound(_, let c):
            let path = c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
            return "\(path.isEmpty ? "" : String(path.drop(while: { $0 == "." })) + ": ")\(c.debugDescription)"
        case DecodingError.dataCorrupted(let c):
            return c.debugDescription
        default:
            return "\(error)"
        }
    }
}
