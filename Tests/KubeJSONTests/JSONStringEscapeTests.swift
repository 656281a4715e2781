import KubeJSON
import Testing

/// `writeString` passes over runs of plain bytes eight at a time; a character that needs an
/// escape must be caught wherever it falls in such a run, and multi-byte characters that only
/// look like U+2028 must pass unchanged.
@Suite("JSON string escapes at every offset")
struct JSONStringEscapeTests {
    /// Each character with the escape Go's encoding/json writes for it
    /// (encoding/json/encode.go, appendString), and characters that must pass as they are.
    static let escapes: [(String, String)] = [
        ("\"", #"\""#), ("\\", #"\\"#), ("\n", #"\n"#), ("\r", #"\r"#), ("\t", #"\t"#),
        ("<", #"\u003c"#), (">", #"\u003e"#), ("&", #"\u0026"#), ("\u{0}", #"\u0000"#), ("\u{1F}", #"\u001f"#),
        ("\u{2028}", #"\u2028"#), ("\u{2029}", #"\u2029"#),
        ("\u{2027}", "\u{2027}"), ("\u{20AC}", "\u{20AC}"), ("ü", "ü"), ("\u{1F600}", "\u{1F600}"), (" ", " "), ("~", "~"),
    ]

    static func written(_ s: String) -> String {
        var out: [UInt8] = []
        JSONWriter.writeString(s, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test("one character among plain bytes, at every offset of two words")
    func everyOffset() {
        for (raw, escaped) in Self.escapes {
            for before in 0..<18 {
                for after in [0, 1, 7, 8, 9, 20] {
                    let pad = String(repeating: "a", count: before), tail = String(repeating: "z", count: after)
                    #expect(Self.written(pad + raw + tail) == "\"" + pad + escaped + tail + "\"", "\(before) before, \(after) after")
                }
            }
        }
    }

    @Test("several characters in one word, and a long plain run")
    func crowded() {
        let all = Self.escapes.map(\.0).joined(), expected = Self.escapes.map(\.1).joined()
        #expect(Self.written(all + all) == "\"" + expected + expected + "\"")
        let long = String(repeating: "system:serviceaccount:kube-system:agent-0123456789/", count: 40)
        #expect(Self.written(long) == "\"" + long + "\"")
        #expect(Self.written("") == "\"\"")
    }
}
