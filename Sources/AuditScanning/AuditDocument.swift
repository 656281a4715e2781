import Evidence
import Foundation
import KubeJSON

/// A whole JSON audit document: an `EventList` (what the audit webhook sends), a JSON array of
/// events, or one `Event`.
public enum AuditDocument {
    public struct Decoded: Sendable, Equatable {
        public let records: [AuditRecord]
        public let events: Int
    }

    /// `source` is what its records cite (a file's first line, or a stream's batch); `file` is
    /// the name a failure is reported under.
    public static func decode(_ data: Data, source: EvidenceSource, cluster: String, file: String) -> Result<Decoded, MalformedLine> {
        data.withUnsafeBytes { decode(bytes: $0, source: source, cluster: cluster, file: file) }
    }

    /// The document is read by `AuditFieldReader` straight from its bytes; what that reader is
    /// not sure of (and every failure) is decoded by `JSONDecoder`, which words the error. Both
    /// give the same records and count (a differential test holds them to it): decoding a
    /// webhook batch of 400 events through `Decodable` took about 30 ms.
    public static func decode(bytes: UnsafeRawBufferPointer, source: EvidenceSource, cluster: String, file: String) -> Result<Decoded, MalformedLine> {
        if let fast = read(bytes, source: source, cluster: cluster) { return .success(fast) }
        return decodeWithJSONDecoder(Data(bytes), source: source, cluster: cluster, file: file)
    }

    /// The fast path alone: nil where it steps aside.
    static func read(_ bytes: UnsafeRawBufferPointer, source: EvidenceSource, cluster: String) -> Decoded? {
        guard let events = AuditFieldReader.readDocument(bytes, interner: StringInterner()) else { return nil }
        var records: [AuditRecord] = []
        for event in events { AuditExtractor.append(from: event, source: source, cluster: cluster, to: &records) }
        return Decoded(records: records, events: events.count)
    }

    /// The reference decoder, and the one that words every failure.
    static func decodeWithJSONDecoder(_ data: Data, source: EvidenceSource, cluster: String, file: String) -> Result<Decoded, MalformedLine> {
        do {
            if data.drop(while: { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }).first == 0x5B {
                let events = try JSONDecoder().decode([AuditEventWire].self, from: data)
                return .success(Decoded(records: events.flatMap { AuditExtractor.records(from: $0, source: source, cluster: cluster) }, events: events.count))
            }
            let event = try JSONDecoder().decode(AuditEventWire.self, from: data)
            let count = event.items?.count ?? 1
            return .success(Decoded(records: AuditExtractor.records(from: event, source: source, cluster: cluster), events: count))
        } catch let error as AuditEventType.NotAuditEvent {
            // Which item of a list (the line it starts on), or the document's own kind.
            let steps = error.path.map { step in
                switch step { case .index(let i): "[\(i)]"; case .key(let k): ".\(k)" }
            }.joined()
            let item = steps.isEmpty ? "" : String(steps.drop { $0 == "." }) + ": "
            return .failure(MalformedLine(file: file, line: JSONValueLocator.line(of: error.path, in: data) ?? 1, reason: item + error.description))
        } catch DecodingError.dataCorrupted(let c) where c.codingPath.isEmpty {
            // A document spans lines: say which one the JSON breaks on.
            let syntax = JSONSyntaxError.find(in: data)
            let column = syntax?.column.map { " at column \($0)" } ?? ""
            return .failure(MalformedLine(file: file, line: syntax?.line ?? 1,
                                          reason: "not an audit Event, EventList or JSON lines: invalid JSON\(column): \(syntax?.message ?? c.debugDescription)"))
        } catch {
            // A type error names its path; the line is where that value starts.
            let line = switch error {
            case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c), DecodingError.keyNotFound(_, let c),
                 DecodingError.dataCorrupted(let c): JSONValueLocator.line(of: c.codingPath, in: data)
            default: Int?.none
            }
            return .failure(MalformedLine(file: file, line: line ?? 1, reason: "not an audit Event, EventList or JSON lines: \(AuditLineScanner.reason(error))"))
        }
    }
}
