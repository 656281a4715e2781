import Yams

/// The text of a scalar of `YAMLBlockTree`, as libyaml would hand it to Yams, and the YAML 1.1
/// questions the object reader asks of it — only what the reference decoder's answers depend on.
enum YAMLScalarText {
    /// Nil for a collection or an opaque scalar.
    static func text(of node: YAMLBlockTree.Node, in b: UnsafeBufferPointer<UInt8>) -> String? {
        guard node.kind == .scalar else { return nil }
        let s = Int(node.start), e = Int(node.end)
        switch node.style {
        case .plain:
            return String(decoding: UnsafeBufferPointer(rebasing: b[s..<e]), as: UTF8.self)
        case .singleQuoted:
            var bytes: [UInt8] = []
            bytes.reserveCapacity(e - s)
            var i = s
            while i < e {
                bytes.append(b[i])
                i += b[i] == UInt8(ascii: "'") ? 2 : 1  // `''` is one quote
            }
            return String(decoding: bytes, as: UTF8.self)
        case .doubleQuoted:
            return doubleQuoted(b, s, e)
        case .literal:
            return literal(b, s, e, indent: Int(node.extra & 0xFFFF), chomp: node.extra >> 16)
        case .opaque:
            return nil
        }
    }

    /// Escapes were validated by the parser.
    private static func doubleQuoted(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(e - s)
        func append(_ v: UInt32) {
            guard let scalar = Unicode.Scalar(v) else { return }
            out.append(contentsOf: String(Character(scalar)).utf8)
        }
        var i = s
        while i < e {
            let c = b[i]
            guard c == UInt8(ascii: "\\") else { out.append(c); i += 1; continue }
            let d = b[i + 1]
            i += 2
            switch d {
            case UInt8(ascii: "0"): out.append(0)
            case UInt8(ascii: "a"): out.append(7)
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "v"): out.append(11)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "e"): out.append(27)
            case 0x20, UInt8(ascii: "\""), UInt8(ascii: "/"), UInt8(ascii: "\\"): out.append(d)
            case UInt8(ascii: "N"): append(0x85)
            case UInt8(ascii: "_"): append(0xA0)
            case UInt8(ascii: "L"): append(0x2028)
            case UInt8(ascii: "P"): append(0x2029)
            default:
                let digits = d == UInt8(ascii: "x") ? 2 : d == UInt8(ascii: "u") ? 4 : 8
                guard let v = YAMLBlockParser.hex(b, i, digits) else { return nil }
                append(v)
                i += digits
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A literal block scalar: each line without its indentation, line breaks kept, the end
    /// chomped (clip: one break, strip: none, keep: all).
    private static func literal(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, indent: Int, chomp: Int32) -> String {
        var lines: [(from: Int, to: Int, broken: Bool)] = []
        var i = s
        while true {
            var j = i
            while j < e && b[j] != 0x0A { j += 1 }
            var from = i
            while from < j && from - i < indent && b[from] == 0x20 { from += 1 }
            lines.append((from, j, j < b.count && b[j] == 0x0A))
            if j >= e { break }
            i = j + 1
        }
        guard let last = lines.lastIndex(where: { $0.to > $0.from }) else {
            // Only blank lines: nothing but the breaks that `keep` keeps.
            return chomp == 2 ? String(repeating: "\n", count: lines.filter(\.broken).count) : ""
        }
        var out: [UInt8] = []
        for (n, line) in lines[...last].enumerated() {
            if n > 0 { out.append(0x0A) }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[line.from..<line.to]))
        }
        if chomp != 1 && lines[last].broken { out.append(0x0A) }
        if chomp == 2 { out.append(contentsOf: repeatElement(0x0A, count: lines[(last + 1)...].filter(\.broken).count)) }
        return String(decoding: out, as: UTF8.self)
    }

    /// `decodeIfPresent` and `decodeNil` in Yams: a plain `~`, `null`, `Null`, `NULL` or
    /// nothing is null; quoted, it is the string.
    static func isNull(_ node: YAMLBlockTree.Node, in b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard node.kind == .scalar, node.style == .plain else { return false }
        let s = Int(node.start), n = Int(node.end) - s
        switch n {
        case 0: return true
        case 1: return b[s] == UInt8(ascii: "~")
        case 4:
            let w = (b[s], b[s + 1], b[s + 2], b[s + 3])
            return w == (0x6E, 0x75, 0x6C, 0x6C) || w == (0x4E, 0x75, 0x6C, 0x6C) || w == (0x4E, 0x55, 0x4C, 0x4C)
        default: return false
        }
    }

    /// Whether a quoted key would be found by Yams' lookup by name, which resolves the name as
    /// a plain scalar: `"8080"` or `'true'` as a key is not (the lookup wants an int or a
    /// bool). Only names that could be something other than a string ask the resolver.
    static func lookupFinds(quotedKey text: String) -> Bool {
        guard let first = text.utf8.first else { return false }  // empty: null
        switch first {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "~"), UInt8(ascii: "<"), UInt8(ascii: "="),
             UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "y"), UInt8(ascii: "Y"), UInt8(ascii: "t"), UInt8(ascii: "T"),
             UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "o"), UInt8(ascii: "O"):
            return Resolver.default.resolveTag(of: Yams.Node(text)) == .str
        default:
            return true
        }
    }
}
