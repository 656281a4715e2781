import Foundation
import NIOCore

/// The bodies of `POST /audit` as the API server's webhook backend sends them: `audit.k8s.io/v1`
/// `EventList` batches of `size` events, cut in order from a JSON-lines file of events (one
/// template round of `count` batches). The server stores a resent body once (its batch id is a
/// hash of the body, its records are keyed by auditID), so every batch sent must be new: batch
/// i is template batch i % count of round `firstRound + i / count`, and the round is written
/// over the first 8 hex digits of every auditID. The rest of each UUID keeps the events of one
/// round distinct, and a request's events (the same auditID at two stages) stay one request.
struct AuditBatches: Sendable {
    let templates: [[UInt8]]
    /// Where each template's auditIDs start (the byte after `"auditID":"`).
    let idOffsets: [[Int]]
    let firstRound: Int
    let size: Int

    var count: Int { templates.count }

    enum LoadError: Error, CustomStringConvertible {
        case unreadable(String)
        case tooFewEvents(String, lines: Int, size: Int)
        case noAuditID(String, line: Int)

        var description: String {
            switch self {
            case .unreadable(let path): "\(path): cannot read the audit events"
            case .tooFewEvents(let path, let lines, let size): "\(path): \(lines) events, fewer than one batch of \(size)"
            case .noAuditID(let path, let line): "\(path):\(line): an event without a 36-character \"auditID\""
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
        var templates: [[UInt8]] = [], idOffsets: [[Int]] = []
        for start in stride(from: 0, to: lines.count - size + 1, by: size) {
            var body = head, offsets: [Int] = []
            for (n, line) in lines[start..<start + size].enumerated() {
                if n > 0 { body.append(UInt8(ascii: ",")) }
                let bytes = Array(line)
                guard let at = Self.firstIndex(of: key, in: bytes), at + key.count + 36 <= bytes.count else {
                    throw LoadError.noAuditID(path, line: start + n + 1)
                }
                offsets.append(body.count + at + key.count)
                body.append(contentsOf: bytes)
            }
            body.append(contentsOf: Array("]}".utf8))
            templates.append(body)
            idOffsets.append(offsets)
        }
        self.templates = templates
        self.idOffsets = idOffsets
        self.firstRound = firstRound
        self.size = size
    }

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
        return ByteBuffer(bytes: bytes)
    }
}
