import Foundation
import NIOCore

/// The bodies of `POST /audit` as the API server's webhook backend sends them: `audit.k8s.io/v1`
/// `EventList` batches of `size` events, cut in order from a JSON-lines file of events (one
/// template round of `count` batches). The server stores a resent body once (its batch id is a
/// hash of the body, its records are keyed by auditID), so every batch sent must be new: batch
/// i is template batch i % count of round `firstRound + i / count`, and the round is written
/// over the first 8 hex digits of every auditID. The rest of each UUID keeps the events of one
/// round distinct, and a request's events (the same auditID at two stages) stay one request.
/// The round is also added to the year of every `…Timestamp`: the store's request keys start
/// with the time received, and a real API server's times increase, so each round's keys come
/// after the last round's instead of interleaving with them in the store's index.
struct AuditBatches: Sendable {
    let templates: [[UInt8]]
    /// Where each template's auditIDs start (the byte after `"auditID":"`).
    let idOffsets: [[Int]]
    /// Where each template's timestamps' years start, and the year they hold.
    let yearOffsets: [[Int]]
    let baseYear: Int
    let firstRound: Int
    let size: Int

    var count: Int { templates.count }

    enum LoadError: Error, CustomStringConvertible {
        case unreadable(String)
        case tooFewEvents(String, lines: Int, size: Int)
        case noAuditID(String, line: Int)
        case noTimestamp(String, line: Int)

        var description: String {
            switch self {
            case .unreadable(let path): "\(path): cannot read the audit events"
            case .tooFewEvents(let path, let lines, let size): "\(path): \(lines) events, fewer than one batch of \(size)"
            case .noAuditID(let path, let line): "\(path):\(line): an event without a 36-character \"auditID\""
            case .noTimestamp(let path, let line): "\(path):\(line): an event without a \"requestReceivedTimestamp\" of the first event's year"
            }
        }
    }

    /// Whole batches only: the events after the last full batch are left out, so that every
    /// round sends the same events (and the stored counts are a multiple of one round's).
    init(path: String, size: Int, firstRound: Int) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw LoadError.unreadable(path) }
        let lines = data.split(separator: UInt8(ascii: "\n")).filter { !$0.isEmpty }
        guard lines.count >= size else { throw LoadError.tooFewEvents(path, lines: lines.count, size: size) }
        let head = Array(#"{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":["#.utf8)
        let key = Array(#""auditID":""#.utf8)
        let stamp = Array(#"Timestamp":""#.utf8)
        guard let first = Self.firstIndex(of: stamp, in: Array(lines[0])), let year = Int(String(decoding: lines[0].dropFirst(first + stamp.count).prefix(4), as: UTF8.self)) else {
            throw LoadError.noTimestamp(path, line: 1)
        }
        let yearBytes = Array(String(year).utf8)
        var templates: [[UInt8]] = [], idOffsets: [[Int]] = [], yearOffsets: [[Int]] = []
        for start in stride(from: 0, to: lines.count - size + 1, by: size) {
            var body = head, offsets: [Int] = [], years: [Int] = []
            for (n, line) in lines[start..<start + size].enumerated() {
                if n > 0 { body.append(UInt8(ascii: ",")) }
                let bytes = Array(line)
                guard let at = Self.firstIndex(of: key, in: bytes), at + key.count + 36 <= bytes.count else {
                    throw LoadError.noAuditID(path, line: start + n + 1)
                }
                offsets.append(body.count + at + key.count)
                let stamps = Self.indices(of: stamp, in: bytes).filter { Array(bytes[($0 + stamp.count)...].prefix(4)) == yearBytes }
                guard !stamps.isEmpty else { throw LoadError.noTimestamp(path, line: start + n + 1) }
                years.append(contentsOf: stamps.map { body.count + $0 + stamp.count })
                body.append(contentsOf: bytes)
            }
            body.append(contentsOf: Array("]}".utf8))
            templates.append(body)
            idOffsets.append(offsets)
            yearOffsets.append(years)
        }
        self.yearOffsets = yearOffsets
        self.baseYear = year
        self.templates = templates
        self.idOffsets = idOffsets
        self.firstRound = firstRound
        self.size = size
    }

    static func indices(of needle: [UInt8], in bytes: [UInt8]) -> [Int] {
        var found: [Int] = [], from = 0
        while let i = firstIndex(of: needle, in: Array(bytes[from...])) {
            found.append(from + i)
            from += i + needle.count
        }
        return found
    }

    /// The last round a run of `batches` batches reaches must keep a four-digit year.
    func fits(batches: Int) -> Bool { baseYear + firstRound + (batches + count - 1) / count <= 9999 }

    static func firstIndex(of needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        outer: for i in 0...(bytes.count - needle.count) {
            for j in needle.indices where bytes[i + j] != needle[j] { continue outer }
            return i
        }
        return nil
    }

    /// The body of batch `i` of the run.
    func body(_ i: Int) -> ByteBuffer {
        let t = i % templates.count
        let round = firstRound + i / templates.count
        var bytes = templates[t]
        let hex = Array(String(format: "%08x", round & 0xffff_ffff).utf8)
        for offset in idOffsets[t] {
            for k in 0..<8 { bytes[offset + k] = hex[k] }
        }
        let year = Array(String(format: "%04d", baseYear + round).utf8)
        for offset in yearOffsets[t] {
            for k in 0..<4 { bytes[offset + k] = year[k] }
        }
        return ByteBuffer(bytes: bytes)
    }
}
