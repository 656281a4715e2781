import Foundation

/// What one pass over audit bytes found.
public struct AuditScanCounts: Sendable, Equatable {
    public var lines = 0
    public var events = 0
    public var candidates = 0
    public var kubeletReviews = 0
    public var nodeProxy = 0
    public var malformed = 0
    public var bytes = 0

    public init() {}

    public mutating func add(_ o: AuditScanCounts) {
        lines += o.lines; events += o.events; candidates += o.candidates; kubeletReviews += o.kubeletReviews
        nodeProxy += o.nodeProxy; malformed += o.malformed; bytes += o.bytes
    }
}

public struct MalformedLine: Hashable, Sendable, Error {
    public let file: String
    public let line: Int
    public let reason: String

    public init(file: String, line: Int, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }
}

/// The streaming core: given a buffer of whole lines, finds the few that can matter by their
/// bytes (`subjectaccessreviews`, `"proxy"`) in one vectorised pass over the buffer, decodes only
/// those, and checks every other line's shape (`{…}`) so that truncated lines are counted
/// without being decoded. A needle can also appear inside unrelated events, so every match is
/// confirmed on the decoded fields.
public struct AuditLineScanner {
    public let file: String
    /// Lines consumed so far in this file (the next line is `line + 1`).
    public private(set) var line: Int

    /// Probes: `j` and `w`, `x` and `y` are rare in audit JSON (measured on the generated and
    /// the real sample logs), so few places pass the screen without being a needle.
    public static let needles = NeedleSearch([("subjectaccessreviews", (3, 18)), ("\"proxy\"", (4, 5))])
    let decoder = JSONDecoder()

    /// Shared strings for the fields that repeat; one per scanning thread, kept across blocks.
    public let interner: StringInterner

    public init(file: String, startLine: Int = 0, interner: StringInterner = StringInterner()) {
        self.file = file
        self.line = startLine
        self.interner = interner
    }

    /// Scans `bytes`, which must hold whole lines (a final line without newline is allowed).
    /// Records and malformed lines are appended to the caller's arrays (no per-record callback:
    /// records are moved, never copied).
    public mutating func scan(_ bytes: UnsafeRawBufferPointer, counts: inout AuditScanCounts,
                              records: inout [AuditRecord], malformed: inout [MalformedLine]) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        let n = bytes.count
        counts.bytes += n
        let needles = Self.needles
        var next = needles.first(in: bytes, from: 0)
        var start = 0
        while start < n {
            let nl = memchr(base + start, 0x0A, n - start)
            let end = nl.map { base.distance(to: $0) } ?? n
            line += 1
            counts.lines += 1
            // Trim trailing whitespace (CR) and skip blank lines.
            var last = end - 1
            while last >= start, let b = Optional(base.load(fromByteOffset: last, as: UInt8.self)), b == 0x20 || b == 0x0D || b == 0x09 { last -= 1 }
            var first = start
            // A UTF-8 byte-order mark before the first line.
            if line == 1, end - start >= 3, base.load(fromByteOffset: start, as: UInt8.self) == 0xEF,
               base.load(fromByteOffset: start + 1, as: UInt8.self) == 0xBB, base.load(fromByteOffset: start + 2, as: UInt8.self) == 0xBF {
                first += 3
            }
            while first <= last, let b = Optional(base.load(fromByteOffset: first, as: UInt8.self)), b == 0x20 || b == 0x09 { first += 1 }
            if first <= last {
                let open = base.load(fromByteOffset: first, as: UInt8.self)
                let close = base.load(fromByteOffset: last, as: UInt8.self)
                let candidate = next < end
                if candidate { next = needles.first(in: bytes, from: end) }
                if open != 0x7B || close != 0x7D {
                    counts.malformed += 1
                    malformed.append(MalformedLine(file: file, line: line, reason: close != 0x7D ? "truncated: the line does not end with }" : "not a JSON object"))
                } else {
                    counts.events += 1
                    if candidate {
                        counts.candidates += 1
                        let lineBytes = UnsafeRawBufferPointer(start: base + first, count: last - first + 1)
                        do {
                            let event = try AuditFieldReader.read(lineBytes, interner: interner)
                                ?? decoder.decode(AuditEventWire.self, from: Data(lineBytes))
                            if let items = event.items { counts.events += items.count - 1 }
                            let before = records.count
                            AuditExtractor.append(from: event, file: file, line: line, to: &records)
                            for k in before..<records.count {
                                if records[k].path == .kubelet { counts.kubeletReviews += 1 } else { counts.nodeProxy += 1 }
                            }
                        } catch {
                            counts.malformed += 1
                            counts.events -= 1
                            malformed.append(MalformedLine(file: file, line: line, reason: "invalid JSON: \(Self.describe(error))"))
                        }
                    }
                }
            }
            start = end + 1
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
