import KubeJSON
import Testing

/// `-o json` of a large cluster is streamed in pieces; the pieces must make exactly the bytes
/// `pretty` makes, each a whole run of UTF-8 (they are cut only between members and items).
@Suite("JSON writer, streamed")
struct JSONWriterStreamTests {
    static func subject(_ i: Int) -> JSONValue {
        let nodes: JSONValue = i % 3 == 0 ? .null : .array([.integer(i), .number(1.5), .bool(i % 2 == 0)])
        let name: JSONValue = .string("agent-\(i) — ü\u{1F600}<&>")
        return .object([("name", name), ("verbs", .strings(["get", "create"])), ("nodes", nodes),
                        ("empty", .object([])), ("none", .array([]))])
    }

    static let document: JSONValue = .object([("kind", .string("Report")), ("subjects", .array((0..<50).map(subject)))])

    @Test("pieces joined are the pretty document, whatever the chunk size", arguments: [1, 7, 64, 4096, 1 << 20])
    func same(chunk: Int) {
        var pieces: [[UInt8]] = []
        JSONWriter.pretty(Self.document, chunk: chunk) { pieces.append($0) }
        #expect(pieces.flatMap { $0 } == Array(JSONWriter.pretty(Self.document).utf8))
        // A piece never splits a character: each decodes on its own.
        for p in pieces { #expect(Array(String(decoding: p, as: UTF8.self).utf8) == p) }
        if chunk < 64 { #expect(pieces.count > 10) } else if chunk >= 1 << 20 { #expect(pieces.count == 1) }
    }
}
