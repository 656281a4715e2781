import Foundation
import TestSupport
import Testing
@testable import Cluster

/// The C item locator (`ka_json_layout`) skips the inside of items sixteen bytes at a time; the
/// Swift pass it replaced walks every byte. Both must give the same items, lines, top-level
/// `kind`/`apiVersion` and flags on any input, valid or not — the byte reader trusts the ranges.
@Suite("C item locator agrees with the byte-at-a-time reference")
struct JSONItemLocatorTests {
    static func agree(_ bytes: [UInt8], _ label: String) {
        let data = Data(bytes)
        let fast = JSONItemLocator.layout(data), reference = JSONItemLocator.referenceLayout(data)
        #expect(fast == reference, "\(label): \(String(decoding: bytes.prefix(200), as: UTF8.self))")
        // The two-halves pass too, whether its guessed boundary holds or not.
        #expect(JSONItemLocator.layoutInTwo(data).layout == reference, "\(label), in two halves")
    }

    /// Strings long enough to cross the 16-byte steps, with quotes, escapes and newlines at
    /// every offset, and brackets inside strings that must not count.
    static func item(_ rng: inout SplitMix, _ k: Int) -> String {
        let pieces = ["a", "\\\"", "\\\\", "{", "}", "[", "]", "\n", ":", ",", " ", "é", "\\n", "0123456789abcdef"]
        var s = ""
        for _ in 0..<Int.random(in: 0...40, using: &rng) { s += pieces[Int.random(in: 0..<pieces.count, using: &rng)] }
        let nested = String(repeating: "{\"x\":[", count: k % 4) + "1" + String(repeating: "]}", count: k % 4)
        return "{\"kind\":\"ClusterRole\",\n  \"s\": \"\(s)\",\n  \"n\": \(nested), \"t\":true,\"u\":null,\"v\":-1.5e3}"
    }

    @Test("generated lists: long strings, escapes, newlines inside strings, nesting, other top-level keys")
    func generated() {
        var rng = SplitMix(state: 20261207)
        for run in 0..<300 {
            let items = (0..<Int.random(in: 0...6, using: &rng)).map { Self.item(&rng, $0 + run) }
            let pad = String(repeating: " ", count: run % 19)
            let text = "{\"apiVersion\":\"v1\",\(pad)\"kind\":\"List\",\n\"metadata\":{\"kind\":\"no\"},\"items\":[\(pad)" + items.joined(separator: ",\n" + pad) + "],\"kind\":\"RoleList\"}"
            Self.agree(Array(text.utf8), "generated \(run)")
        }
    }

    @Test("seeded mutations, including cut strings, stray quotes and backslashes at the end")
    func mutations() {
        var rng = SplitMix(state: 7)
        let tokens = ["\"", "\\", "{", "}", "[", "]", "\n", ":", ",", "\"items\":[", "\"kind\":", "x"]
        for run in 0..<1500 {
            var bytes = Array(("{\"kind\":\"List\",\"items\":[" + (0..<3).map { Self.item(&rng, $0 + run) }.joined(separator: ",") + "]}").utf8)
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let at = Int.random(in: 0...bytes.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: bytes.insert(contentsOf: tokens[Int.random(in: 0..<tokens.count, using: &rng)].utf8, at: at)
                case 1: bytes = Array(bytes.prefix(at))
                case 2 where at < bytes.count: bytes[at] = UInt8.random(in: 0...255, using: &rng)
                default: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...20, using: &rng)))
                }
            }
            Self.agree(bytes, "mutation \(run)")
        }
    }

    @Test("in two halves: a true boundary is taken; strings and nested arrays that look like one are not trusted")
    func halves() {
        let item = "{\"kind\":\"ClusterRole\",\n\"rules\":[{\"a\":1},\n{\"b\":\"},{\"}],\"s\":\"x} , {y\"}"
        for (count, pad) in [(40, ""), (41, "\n    "), (3, " ")] {
            let text = "{\"apiVersion\":\"v1\",\"items\":[" + Array(repeating: item, count: count).joined(separator: "," + pad) + "],\"kind\":\"List\"}"
            let data = Data(text.utf8)
            let (layout, split) = JSONItemLocator.layoutInTwo(data)
            #expect(layout == JSONItemLocator.referenceLayout(data))
            #expect(layout.items.count == count)
            if count > 3 { #expect(split, "a list of \(count) items was not split") }
        }
        // kubectl sorts keys: the first item may open with `aggregationRule`, the rest with
        // `apiVersion`, and nested objects in rules open alike `{"`.
        let first = "{\"aggregationRule\":{\"clusterRoleSelectors\":[{\"a\":1},{\"b\":2}]},\"kind\":\"ClusterRole\"}"
        let rest = "{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"rules\":[{\"x\":1},{\"y\":2}]}"
        let sorted = "{\"apiVersion\":\"v1\",\"items\":[" + ([first] + Array(repeating: rest, count: 60)).joined(separator: ",") + "],\"kind\":\"List\"}"
        let (sortedLayout, sortedSplit) = JSONItemLocator.layoutInTwo(Data(sorted.utf8))
        #expect(sortedLayout == JSONItemLocator.referenceLayout(Data(sorted.utf8)))
        #expect(sortedSplit, "a list whose first item opens with another key was not split")
        // Every start in the second half lands first on a look-alike inside an item: the pass
        // must not trust them, and still find the real one or go on as one pass.
        let text = "{\"items\":[" + Array(repeating: item, count: 2).joined(separator: ",") + "]}"
        for from in 0..<text.utf8.count {
            let bytes = Array(text.utf8)
            guard let at = bytes.withUnsafeBufferPointer({ JSONItemLocator.guessedBoundary($0.baseAddress!, $0.count, from: from) }) else { continue }
            #expect(at > from)
        }
        Self.agree(Array(text.utf8), "look-alikes")
    }

    @Test("the edges: empty input, a lone quote, a backslash as the last byte, irregular items")
    func edges() {
        for text in ["", "\"", "\\", "{\"a\":\"\\", "{\"items\":[1,{}]}", "{\"items\":[\"x\"]}", "{\"items\":[[]]}",
                     "{\"items\":[{}],\"items\":[{}]}", "{\"kind\":{\"q\":\"r\"}:\"x\"}", "]]]{\"kind\":\"List\"}", "{\"kind\"\n:\n\"L\",\"items\"\n:\n[\n{\n}\n]\n}"] {
            Self.agree(Array(text.utf8), text)
        }
        // More items than one call of the C pass returns at a time.
        let many = "{\"items\":[" + Array(repeating: "{\"a\":\"b\"}", count: 9000).joined(separator: ",") + "]}"
        let layout = JSONItemLocator.layout(Data(many.utf8))
        #expect(layout.items.count == 9000)
        #expect(layout == JSONItemLocator.referenceLayout(Data(many.utf8)))
    }
}
