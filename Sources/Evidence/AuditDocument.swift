import Foundation

/// A whole JSON audit document: an `EventList` (what the audit webhook sends) or one `Event`.
public enum AuditDocument {
    public struct Decoded: Sendable {
        public let records: [AuditRecord]
        public let events: Int
    }

    public static func decode(_ data: Data, file: String) -> Result<Decoded, MalformedLine> {
        do {
            let event = try JSONDecoder().decode(AuditEventWire.self, from: data)
            let count = event.items?.count ?? 1
            return .success(Decoded(records: AuditExtractor.records(from: event, file: file, line: 1), events: count))
        } catch {
            return .failure(MalformedLine(file: file, line: 1, reason: "not an audit Event, EventList or JSON lines: \(AuditLineScanner.describe(error))"))
        }
    }
}
