import KubeJSON
import Testing

/// `-o json` writes the items of a streamed report on every core, in runs emitted in order; the
/// bytes must be exactly the sequential writer's and the whole tree's, whatever the number of
/// threads, the run length, and where the runs cut the items.
@Suite("JSON writer, items written in parallel")
struct ParallelItemWriterTests {
    /// Items of varied shape and size (so runs finish out of order), with escapes and
    /// multi-byte characters, nested empties and nulls.
    static func item(_ i: Int) -> JSONValue {
        let nested: JSONValue = i % 4 == 0 ? .null : .array((0..<(i % 9)).map { .object([("n", .integer($0 * i)), ("x", .number(Double($0) / 4))]) })
        return .object([("name", .string("subject-\(i) — ü\u{1F600}<&>\"\n")), ("index", .integer(i - 50)),
                        ("verbs", .strings(Array(["get", "create", "list"].prefix(i % 4)))), ("nested", nested),
                        ("empty", .object([])), ("none", .array([])), ("flag", .bool(i % 2 == 0))])
    }

    /// A report-shaped object: plain members around two item members, one told as bytes (as
    /// subjects and findings are) and one only as trees, and a prebuilt member (as the AI
    /// review is) whose arrays, nested in objects and arrays, are written in parallel too.
    static func document(_ first: Int, _ second: Int) -> StreamedObject {
        StreamedObject([
            .value("schemaVersion", .integer(2)),
            .items("subjects", count: first, item: { item($0) }, bytes: { i, b in b.value(item(i)) }),
            .value("between", .object([("a", .array([.integer(1)])), ("empty", .object([])), ("none", .array([]))])),
            .items("findings", count: second, item: { item($0 + 1000) }),
            .value("review", .object([("nodes", .array((0..<second).map { item($0 + 2000) })),
                                      ("nested", .object([("subjects", .array((0..<first).map { .array([item($0), .integer($0)]) }))])),
                                      ("label", .null)])),
            .value("input", .array((0..<first).map { .integer($0) })),
            .value("last", .string("end")),
        ])
    }

    static func bytes(_ object: StreamedObject, workers: Int, itemsPerChunk: Int = 32, chunk: Int = 1 << 20) -> [UInt8] {
        var out: [UInt8] = []
        JSONWriter.pretty(object, chunk: chunk, workers: workers, itemsPerChunk: itemsPerChunk) { piece in
            // Each piece is whole UTF-8: the CLI decodes every piece on its own.
            #expect(Array(String(decoding: piece, as: UTF8.self).utf8) == piece)
            out += piece
        }
        return out
    }

    /// Counts around the run lengths below: none, one, one short of a run, a run, one over,
    /// two runs, and many runs with a short last one.
    static let counts = [0, 1, 2, 3, 4, 6, 7, 8, 9, 14, 15, 16, 17, 100, 333]

    @Test("parallel bytes are the sequential writer's and the whole tree's", arguments: [1, 3, 8])
    func sameBytes(itemsPerChunk: Int) {
        for count in Self.counts {
            let object = Self.document(count, (count * 7) % 23)
            let tree = Array(JSONWriter.pretty(object.tree).utf8)
            let sequential = Self.bytes(object, workers: 1)
            #expect(sequential == tree, "\(count) items: the sequential writer is not the tree's")
            for workers in [2, 3, 5] {
                #expect(Self.bytes(object, workers: workers, itemsPerChunk: itemsPerChunk) == sequential,
                        "\(count) items, \(workers) threads, runs of \(itemsPerChunk)")
            }
        }
    }

    @Test("small pieces and more threads than runs change nothing")
    func smallPieces() {
        let object = Self.document(40, 5)
        let tree = Array(JSONWriter.pretty(object.tree).utf8)
        #expect(Self.bytes(object, workers: 16, itemsPerChunk: 16, chunk: 1) == tree)
        #expect(Self.bytes(object, workers: 2, itemsPerChunk: 1, chunk: 64) == tree)
    }

    @Test("an empty object and objects of empty item members")
    func empties() {
        #expect(Self.bytes(StreamedObject([]), workers: 2, itemsPerChunk: 1) == Array("{}".utf8))
        let object = StreamedObject([.items("subjects", count: 0, item: { Self.item($0) }, bytes: { i, b in b.value(Self.item(i)) })])
        #expect(Self.bytes(object, workers: 2, itemsPerChunk: 1) == Array(JSONWriter.pretty(object.tree).utf8))
    }
}
