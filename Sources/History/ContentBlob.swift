import Foundation

/// One part of a saved scan in its canonical bytes (JSON, keys sorted, lists in the content's
/// order) and the SHA-256 of its kind and those bytes, which is where it is stored: an empty
/// findings list and an empty governance list are the same bytes, not the same part.
public struct ContentBlob: Hashable, Sendable {
    public enum Kind: String, Sendable, CaseIterable, Codable { case inventory, findings, governance }

    public let kind: Kind
    public let hash: String
    public let body: Data

    public init(kind: Kind, body: Data) {
        self.kind = kind
        self.body = body
        hash = ContentHash.sha256(Data((kind.rawValue + "\n").utf8) + body)
    }

    init<T: Encodable>(_ kind: Kind, _ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        self.init(kind: kind, body: try encoder.encode(value))
    }

    func decode<T: Decodable>() throws(HistoryError) -> T {
        do { return try JSONDecoder().decode(T.self, from: body) } catch {
            throw .corrupt("the saved \(kind.rawValue) \(hash.prefix(12)) cannot be read: \(error)")
        }
    }
}
