import Foundation

/// One part of a saved scan in its canonical bytes (`CanonicalJSON`: keys sorted, lists in the
/// content's order) and the SHA-256 of its kind and those bytes, which is where it is stored: an
/// empty findings list and an empty governance list are the same bytes, not the same part.
public struct ContentBlob: Hashable, Sendable {
    public enum Kind: String, Sendable, CaseIterable, Codable { case inventory, findings, governance }

    public let kind: Kind
    public let hash: String
    public let body: Data

    /// A part as read back from a store, under the address it was stored at.
    public init(kind: Kind, hash: String, body: Data) {
        self.kind = kind
        self.hash = hash
        self.body = body
    }

    /// A part about to be stored: its address is computed from its kind and bytes.
    public init(kind: Kind, body: [UInt8], hashedWith hash: ContentHash) {
        var addressed = Array((kind.rawValue + "\n").utf8)
        addressed.reserveCapacity(addressed.count + body.count)
        addressed += body
        self.init(kind: kind, hash: hash(addressed), body: Data(body))
    }

    func decode<T: Decodable>() throws(HistoryError) -> T {
        do { return try JSONDecoder().decode(T.self, from: body) } catch {
            throw .corrupt("the saved \(kind.rawValue) \(hash.prefix(12)) cannot be read: \(error)")
        }
    }
}
