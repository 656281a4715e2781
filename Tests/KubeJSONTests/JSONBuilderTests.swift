import KubeJSON
import TestSupport
import Testing

/// The two builders a report is written through must agree with each other and with the
/// writer: the tree builder gives back the value it was told, the byte builder the bytes
/// `JSONWriter.pretty` writes for that value.
@Suite("JSON builders: the tree and the pretty bytes")
struct JSONBuilderTests {
    static let texts = ["", "plain", "quote\" back\\slash", "<tag> & co", "line\nbreak\ttab\r", "\u{01}\u{1F}", "ü — \u{1F600}", "\u{2028}x\u{2029}"]
    static let integers = [0, 7, -1, 10, 99, 100, -4096, 1_000_000_007, Int.max, Int.min]

    static func value(_ rng: inout SplitMix, depth: Int) -> JSONValue {
        let pick = Int(rng.next() % (depth > 3 ? 5 : 8))
        switch pick {
        case 0: return .null
        case 1: return .bool(rng.next() % 2 == 0)
        case 2: return .integer(integers[Int(rng.next() % UInt64(integers.count))])
        case 3: return .string(texts[Int(rng.next() % UInt64(texts.count))])
        case 4: return .number([1.5, -0.25, 3.0, 1e20][Int(rng.next() % 4)])
        case 5, 6:
            let n = Int(rng.next() % 4)
            return .object((0..<n).map { i in (texts[(i + Int(rng.next() % 3)) % texts.count] + "\(i)", value(&rng, depth: depth + 1)) })
        default:
            return .array((0..<Int(rng.next() % 4)).map { _ in value(&rng, depth: depth + 1) })
        }
    }

    @Test("generated values: the tree builder rebuilds them, the byte builder writes pretty's bytes at any level")
    func generated() {
        var rng = SplitMix(state: 20261207)
        var containers = 0
        for _ in 0..<500 {
            let v = Self.value(&rng, depth: 0)
            if case .object(let p) = v, !p.isEmpty { containers += 1 }
            let tree = JSONTreeBuilder.build { $0.value(v) }
            #expect(JSONWriter.pretty(tree) == JSONWriter.pretty(v), "key order or value lost")
            var bytes = PrettyJSONBuffer()
            bytes.value(v)
            #expect(String(decoding: bytes.bytes, as: UTF8.self) == JSONWriter.pretty(v))
            // Nested two levels down, as a streamed report's items are.
            let nested: JSONValue = .object([("items", .array([v]))])
            let whole = JSONWriter.pretty(nested)
            var item = PrettyJSONBuffer(level: 2)
            item.value(v)
            #expect(whole == "{\n    \"items\": [\n        " + String(decoding: item.bytes, as: UTF8.self) + "\n    ]\n}")
        }
        #expect(containers > 50)
    }

    @Test("integers are written as Swift prints them")
    func integers() {
        for i in Self.integers + (0..<2000).map({ $0 * 37 - 10_000 }) {
            #expect(JSONWriter.compact(.integer(i)) == String(i))
        }
    }
}
