import Foundation

/// Splits a byte stream into lines as its chunks arrive: the API server writes one WatchEvent
/// per line (its JSON serializer encodes each with Go's `json.Encoder.Encode`, which ends it
/// with a newline: k8s.io/apimachinery/pkg/runtime/serializer/json/json.go), and a chunk may
/// end anywhere in one.
public struct LineSplitter: Sendable {
    private var pending: [UInt8] = []
    /// The longest line kept: a bigger one is an error, not memory without bound.
    public let limit: Int

    public init(limit: Int) { self.limit = limit }

    public struct LineTooLong: Error, Sendable { public let limit: Int }

    /// The lines completed by this chunk, without their newlines; empty lines are dropped.
    public mutating func append(_ chunk: some Collection<UInt8>) throws(LineTooLong) -> [Data] {
        var lines: [Data] = []
        var rest = chunk[...]
        while let newline = rest.firstIndex(of: 0x0A) {
            pending.append(contentsOf: rest[..<newline])
            if pending.last == 0x0D { pending.removeLast() }
            if !pending.isEmpty { lines.append(Data(pending)) }
            pending.removeAll(keepingCapacity: true)
            rest = rest[rest.index(after: newline)...]
        }
        pending.append(contentsOf: rest)
        if pending.count > limit { throw LineTooLong(limit: limit) }
        return lines
    }

    /// What is left when the stream ends: a last line without its newline.
    public mutating func finish() -> Data? {
        defer { pending.removeAll() }
        return pending.isEmpty ? nil : Data(pending)
    }
}
