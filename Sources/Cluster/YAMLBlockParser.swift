/// A strict parser for the block-style subset of YAML that cluster dumps are written in:
/// block mappings and sequences, one-line plain and quoted scalars, literal and folded block
/// scalars, comments, `---` separators, empty `[]` and `{}`. Anything else — anchors,
/// aliases, tags, flow collections with content, multi-line plain or quoted scalars, tabs
/// outside block scalars, CR line ends, directives, complex keys, duplicate keys, control
/// characters, line breaks libyaml counts that `\n` does not (NEL, LS, PS), text libyaml would
/// reject — throws `Unsure`, and the whole input is read by the reference path (Yams) instead,
/// which gives its exact values and errors. So this parser never has to be right about
/// anything hard: it only has to recognise what it is sure of.
struct YAMLBlockParser {
    /// The input is outside the subset this parser is sure of. `at` is the line of this
    /// reader's source that gave up, for tests that ask why.
    struct Unsure: Error {
        var at: UInt
        init(at: UInt = #line) { self.at = at }
    }

    private let b: UnsafeBufferPointer<UInt8>
    /// Start offset of each line, then a sentinel one past a virtual final newline.
    private var lineStarts: [Int32] = []
    /// Lines holding a tab: legal only inside block scalars here.
    private var tabLines: Set<Int> = []
    private var tree = YAMLBlockTree()
    /// Children of the collections being built, innermost last.
    private var stack: [Int32] = []
    private var depth = 0
    /// The next line that is not blank or a comment, and its indentation (-1 at the end of
    /// the input and at a document marker, which close every collection).
    private var cur = 0
    private var curIndent = -1

    private static let maxDepth = 200

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(Unsure) -> YAMLBlockTree {
        var p = YAMLBlockParser(b: bytes)
        try p.scanLines()
        try p.parseStream()
        return p.tree
    }

    private init(b: UnsafeBufferPointer<UInt8>) { self.b = b }

    // MARK: Lines

    /// One pass over the bytes: line starts, and the characters libyaml refuses or counts
    /// differently (checked here once, so the parse below can treat the text as ASCII).
    private mutating func scanLines() throws(Unsure) {
        let n = b.count
        guard n < Int(Int32.max) - 2 else { throw Unsure() }
        lineStarts.reserveCapacity(n / 24 + 2)
        lineStarts.append(0)
        var i = 0
        while i < n {
            let c = b[i]
            if c >= 0x20 && c < 0x7F { i += 1; continue }
            switch c {
            case 0x0A: lineStarts.append(Int32(i + 1)); i += 1
            case 0x09: tabLines.insert(lineStarts.count - 1); i += 1
            case 0x80...:
                // Valid UTF-8 already (the caller checked); decode to see which character.
                let (scalar, width) = Self.decodeUTF8(b, at: i)
                guard (0xA0...0xD7FF).contains(scalar) && scalar != 0x2028 && scalar != 0x2029
                        || (0xE000...0xFFFD).contains(scalar) && scalar != 0xFEFF
                        || (0x10000...0x10FFFF).contains(scalar) else { throw Unsure() }
                i += width
            default: throw Unsure()  // CR, other controls, DEL
            }
        }
        lineStarts.append(Int32(n + 1))
    }

    static func decodeUTF8(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int) {
        let c = UInt32(b[i])
        func cont(_ k: Int) -> UInt32 { i + k < b.count ? UInt32(b[i + k] & 0x3F) : 0 }
        if c < 0xE0 { return ((c & 0x1F) << 6 | cont(1), 2) }
        if c < 0xF0 { return ((c & 0x0F) << 12 | cont(1) << 6 | cont(2), 3) }
        return ((c & 0x07) << 18 | cont(1) << 12 | cont(2) << 6 | cont(3), 4)
    }

    private var lineCount: Int { lineStarts.count - 1 }
    private func start(_ k: Int) -> Int { Int(lineStarts[k]) }
    private func end(_ k: Int) -> Int { Int(lineStarts[k + 1]) - 1 }

    private func spaces(_ k: Int) -> Int {
        var p = start(k)
        let e = end(k)
        while p < e && b[p] == 0x20 { p += 1 }
        return p - start(k)
    }

    private func isDocumentMarker(_ k: Int, _ ch: UInt8) -> Bool {
        let s = start(k), e = end(k)
        return e - s >= 3 && b[s] == ch && b[s + 1] == ch && b[s + 2] == ch && (e - s == 3 || b[s + 3] == 0x20)
    }

    /// Moves `cur` to the first line at or after `k` that is not blank or a comment.
    private mutating func advance(to k: Int) throws(Unsure) {
        var k = k
        while k < lineCount {
            if !tabLines.isEmpty && tabLines.contains(k) { throw Unsure() }
            let s = spaces(k)
            let p = start(k) + s
            if p == end(k) || b[p] == UInt8(ascii: "#") { k += 1; continue }
            cur = k
            curIndent = s
            if s == 0 {
                if isDocumentMarker(k, UInt8(ascii: "-")) { curIndent = -1 }
                else if isDocumentMarker(k, UInt8(ascii: ".")) || b[p] == UInt8(ascii: "%") { throw Unsure() }  // `...`, directives
            }
            return
        }
        cur = lineCount
        curIndent = -1
    }

    // MARK: Documents

    private mutating func parseStream() throws(Unsure) {
        var number = 0
        var openExplicit = false
        try advance(to: 0)
        while cur < lineCount {
            if curIndent == -1 {
                // `---`: what follows on its line must be nothing or a comment.
                try expectLineEnd(cur, from: start(cur) + 3)
                if openExplicit { number += 1; tree.documents.append(.init(number: number, root: nil)) }
                openExplicit = true
                try advance(to: cur + 1)
                continue
            }
            openExplicit = false
            number += 1
            let root = try parseNode(line: cur, column: curIndent, parent: -1)
            guard curIndent == -1 else { throw Unsure() }  // content after the root node
            tree.documents.append(.init(number: number, root: root))
        }
        if openExplicit { number += 1; tree.documents.append(.init(number: number, root: nil)) }
    }

    /// Only spaces, then the end of the line or a comment.
    private func expectLineEnd(_ k: Int, from p: Int) throws(Unsure) {
        var p = p
        let e = end(k)
        var spaced = p == start(k)
        while p < e && b[p] == 0x20 { p += 1; spaced = true }
        if p < e && !(b[p] == UInt8(ascii: "#") && spaced) { throw Unsure() }
    }

    // MARK: Nodes

    /// A node starting at `column` of line `k`; `parent` is the indentation of the collection
    /// holding it (-1 for a document's root). Leaves `cur` at the line after the node.
    private mutating func parseNode(line k: Int, column: Int, parent: Int) throws(Unsure) -> Int32 {
        depth += 1
        defer { depth -= 1 }
        guard depth < Self.maxDepth else { throw Unsure() }
        let p = start(k) + column
        if b[p] == UInt8(ascii: "-") && (p + 1 == end(k) || b[p + 1] == 0x20) {
            return try parseSequence(line: k, column: column)
        }
        if try keyEnd(line: k, at: p) != nil {
            return try parseMapping(line: k, column: column)
        }
        return try parseScalar(line: k, at: p, parent: parent)
    }

    private mutating func add(_ node: YAMLBlockTree.Node) -> Int32 {
        tree.nodes.append(node)
        return Int32(tree.nodes.count - 1)
    }

    private mutating func addCollection(_ kind: YAMLBlockTree.Node.Kind, line: Int, from base: Int) -> Int32 {
        let first = Int32(tree.children.count)
        tree.children.append(contentsOf: stack[base...])
        let count = Int32(stack.count - base)
        stack.removeSubrange(base...)
        return add(.init(kind: kind, style: .plain, line: Int32(line + 1), start: first, end: count))
    }

    private mutating func emptyScalar(line k: Int) -> Int32 {
        add(.init(kind: .scalar, style: .plain, line: Int32(k + 1), start: Int32(end(k)), end: Int32(end(k))))
    }

    private mutating func parseSequence(line first: Int, column s: Int) throws(Unsure) -> Int32 {
        let base = stack.count
        var k = first
        while true {
            // `-` at column s of line k.
            var p = start(k) + s + 1
            let e = end(k)
            while p < e && b[p] == 0x20 { p += 1 }
            let item: Int32
            if p == e || b[p] == UInt8(ascii: "#") {
                try advance(to: k + 1)
                item = curIndent > s ? try parseNode(line: cur, column: curIndent, parent: s) : emptyScalar(line: k)
            } else {
                item = try parseNode(line: k, column: p - start(k), parent: s)
            }
            stack.append(item)
            if curIndent < s { break }
            guard curIndent == s else { throw Unsure() }
            let q = start(cur) + s
            guard b[q] == UInt8(ascii: "-") && (q + 1 == end(cur) || b[q + 1] == 0x20) else { break }  // back to an indentless sequence's mapping
            k = cur
        }
        return addCollection(.sequence, line: first, from: base)
    }

    private mutating func parseMapping(line first: Int, column m: Int) throws(Unsure) -> Int32 {
        let base = stack.count
        var k = first
        while true {
            let p = start(k) + m
            guard let colon = try keyEnd(line: k, at: p) else { throw Unsure() }
            stack.append(try keyNode(line: k, from: p, colon: colon))
            var v = colon + 1
            let e = end(k)
            while v < e && b[v] == 0x20 { v += 1 }
            let value: Int32
            if v == e || b[v] == UInt8(ascii: "#") {
                try advance(to: k + 1)
                if curIndent > m {
                    value = try parseNode(line: cur, column: curIndent, parent: m)
                } else if curIndent == m, b[start(cur) + m] == UInt8(ascii: "-"),
                          start(cur) + m + 1 == end(cur) || b[start(cur) + m + 1] == 0x20 {
                    value = try parseSequence(line: cur, column: m)  // `key:` then `- …` at the key's indentation
                } else {
                    value = emptyScalar(line: k)
                }
            } else {
                value = try parseScalar(line: k, at: v, parent: m)
            }
            stack.append(value)
            if curIndent < m { break }
            guard curIndent == m else { throw Unsure() }
            k = cur
        }
        try checkDuplicateKeys(base)
        return addCollection(.mapping, line: first, from: base)
    }

    /// The offset of the `:` that ends a simple key starting at `p`, or nil when the line
    /// does not start with a key this parser reads.
    private func keyEnd(line k: Int, at p: Int) throws(Unsure) -> Int? {
        let e = end(k)
        let c = b[p]
        var q: Int
        if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
            guard let close = try quotedEnd(line: k, at: p) else { return nil }
            q = close + 1
            guard q < e && b[q] == UInt8(ascii: ":") else { return nil }
        } else {
            guard canStartPlain(at: p, e) else { return nil }
            q = p
            while true {
                guard q < e else { return nil }
                let d = b[q]
                if d == UInt8(ascii: ":") && (q + 1 == e || b[q + 1] == 0x20) { break }
                if d == UInt8(ascii: "#") && b[q - 1] == 0x20 { return nil }
                q += 1
            }
        }
        // libyaml looks no further than 1024 characters for a simple key's `:`.
        guard q - p < 1000 else { throw Unsure() }
        guard q + 1 == e || b[q + 1] == 0x20 else { return nil }
        return q
    }

    /// Plain scalars start with none of YAML's indicators, except `-`, `?` and `:` before a
    /// character that is not a space (`--flag`, `::1`).
    private func canStartPlain(at p: Int, _ e: Int) -> Bool {
        switch b[p] {
        case UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"):
            return p + 1 < e && b[p + 1] != 0x20
        case UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "#"),
             UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "'"),
             UInt8(ascii: "\""), UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"), 0x20:
            return false
        default:
            return true
        }
    }

    private mutating func keyNode(line k: Int, from p: Int, colon: Int) throws(Unsure) -> Int32 {
        let c = b[p]
        if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
            return add(.init(kind: .scalar, style: c == UInt8(ascii: "'") ? .singleQuoted : .doubleQuoted,
                             line: Int32(k + 1), start: Int32(p + 1), end: Int32(colon - 1)))
        }
        var e = colon
        while b[e - 1] == 0x20 { e -= 1 }
        // A merge key (`<<`) or a value key (`=`) changes how Yams reads the mapping.
        if e - p <= 2 && (b[p] == UInt8(ascii: "<") || b[p] == UInt8(ascii: "=")) { throw Unsure() }
        return add(.init(kind: .scalar, style: .plain, line: Int32(k + 1), start: Int32(p), end: Int32(e)))
    }

    /// A scalar value starting at `p` on line `k`: plain, quoted, a block scalar, or `[]`/`{}`.
    /// What follows it must be less indented than `parent`'s content, else it would continue
    /// the scalar or be an error — either way not for this parser.
    private mutating func parseScalar(line k: Int, at p: Int, parent: Int) throws(Unsure) -> Int32 {
        let e = end(k)
        let c = b[p]
        let node: Int32
        switch c {
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            guard let close = try quotedEnd(line: k, at: p) else { throw Unsure() }
            try expectLineEnd(k, from: close + 1)
            node = add(.init(kind: .scalar, style: c == UInt8(ascii: "'") ? .singleQuoted : .doubleQuoted,
                             line: Int32(k + 1), start: Int32(p + 1), end: Int32(close)))
        case UInt8(ascii: "|"), UInt8(ascii: ">"):
            return try parseBlockScalar(line: k, at: p, parent: parent)
        case UInt8(ascii: "["):
            node = try parseFlowSequence(line: k, at: p)
        case UInt8(ascii: "{"):
            var q = p + 1
            while q < e && b[q] == 0x20 { q += 1 }
            guard q < e && b[q] == (c == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: "}")) else { throw Unsure() }
            try expectLineEnd(k, from: q + 1)
            node = add(.init(kind: c == UInt8(ascii: "[") ? .sequence : .mapping, style: .plain, line: Int32(k + 1),
                             start: Int32(tree.children.count), end: 0))
        default:
            guard canStartPlain(at: p, e) else { throw Unsure() }
            var q = p
            var last = p  // one past the last non-space byte
            while q < e {
                let d = b[q]
                if d == UInt8(ascii: ":") && (q + 1 == e || b[q + 1] == 0x20) { throw Unsure() }
                if d == UInt8(ascii: "#") && b[q - 1] == 0x20 { break }
                q += 1
                if d != 0x20 { last = q }
            }
            node = add(.init(kind: .scalar, style: .plain, line: Int32(k + 1), start: Int32(p), end: Int32(last)))
        }
        try advance(to: k + 1)
        if curIndent > parent { throw Unsure() }
        return node
    }

    /// `[a, "b", 'c']` on one line, as hand-written manifests give verbs and resources: scalars
    /// only, plain ones without any character that means something in flow context.
    private mutating func parseFlowSequence(line k: Int, at p: Int) throws(Unsure) -> Int32 {
        let e = end(k)
        let base = stack.count
        var q = p + 1
        func skipSpaces() { while q < e && b[q] == 0x20 { q += 1 } }
        skipSpaces()
        if q < e && b[q] == UInt8(ascii: "]") {
            q += 1
        } else {
            while true {
                guard q < e else { throw Unsure() }  // continues on the next line
                let c = b[q]
                if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
                    guard let close = try quotedEnd(line: k, at: q) else { throw Unsure() }
                    stack.append(add(.init(kind: .scalar, style: c == UInt8(ascii: "'") ? .singleQuoted : .doubleQuoted,
                                           line: Int32(k + 1), start: Int32(q + 1), end: Int32(close))))
                    q = close + 1
                } else {
                    guard canStartPlain(at: q, e), c != UInt8(ascii: "-"), c != UInt8(ascii: "?") else { throw Unsure() }
                    let s = q
                    var last = q
                    while q < e {
                        let d = b[q]
                        if d == UInt8(ascii: ",") || d == UInt8(ascii: "]") { break }
                        switch d {
                        case UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "#"), UInt8(ascii: ":"),
                             UInt8(ascii: "'"), UInt8(ascii: "\""):
                            throw Unsure()
                        default: break
                        }
                        q += 1
                        if d != 0x20 { last = q }
                    }
                    stack.append(add(.init(kind: .scalar, style: .plain, line: Int32(k + 1), start: Int32(s), end: Int32(last))))
                }
                skipSpaces()
                guard q < e else { throw Unsure() }
                if b[q] == UInt8(ascii: "]") { q += 1; break }
                guard b[q] == UInt8(ascii: ",") else { throw Unsure() }
                q += 1
                skipSpaces()
                if q < e && b[q] == UInt8(ascii: "]") { q += 1; break }  // `[a, b,]`
            }
        }
        try expectLineEnd(k, from: q)
        return addCollection(.sequence, line: k, from: base)
    }

    /// The offset of the closing quote of a one-line quoted scalar starting at `p`; nil when
    /// it does not close on its line. Escapes are checked as libyaml checks them.
    private func quotedEnd(line k: Int, at p: Int) throws(Unsure) -> Int? {
        let e = end(k)
        var q = p + 1
        if b[p] == UInt8(ascii: "'") {
            while q < e {
                if b[q] == UInt8(ascii: "'") {
                    if q + 1 < e && b[q + 1] == UInt8(ascii: "'") { q += 2; continue }
                    return q
                }
                q += 1
            }
            return nil
        }
        while q < e {
            let d = b[q]
            if d == UInt8(ascii: "\"") { return q }
            if d == UInt8(ascii: "\\") {
                guard q + 1 < e else { return nil }  // a line continuation: multi-line
                let digits: Int
                switch b[q + 1] {
                case UInt8(ascii: "x"): digits = 2
                case UInt8(ascii: "u"): digits = 4
                case UInt8(ascii: "U"): digits = 8
                case UInt8(ascii: "0"), UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "t"), UInt8(ascii: "n"),
                     UInt8(ascii: "v"), UInt8(ascii: "f"), UInt8(ascii: "r"), UInt8(ascii: "e"), 0x20, UInt8(ascii: "\""),
                     UInt8(ascii: "/"), UInt8(ascii: "\\"), UInt8(ascii: "N"), UInt8(ascii: "_"), UInt8(ascii: "L"),
                     UInt8(ascii: "P"):
                    digits = 0
                default: throw Unsure()
                }
                if digits > 0 {
                    guard q + 2 + digits <= e, let v = Self.hex(b, q + 2, digits),
                          v < 0xD800 || (v > 0xDFFF && v <= 0x10FFFF) else { throw Unsure() }
                }
                q += 2 + digits
                continue
            }
            q += 1
        }
        return nil
    }

    static func hex(_ b: UnsafeBufferPointer<UInt8>, _ at: Int, _ digits: Int) -> UInt32? {
        var v: UInt32 = 0
        for i in at..<(at + digits) {
            let d = b[i]
            switch d {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = v << 4 | UInt32(d - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = v << 4 | UInt32(d - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): v = v << 4 | UInt32(d - UInt8(ascii: "A") + 10)
            default: return nil
            }
        }
        return v
    }

    /// `|` or `>`, with an optional chomping indicator (an explicit indentation is not read
    /// here). The content is every following line that is blank or indented at least as the
    /// first non-blank one, which must be deeper than `parent`.
    private mutating func parseBlockScalar(line k: Int, at p: Int, parent: Int) throws(Unsure) -> Int32 {
        let e = end(k)
        var q = p + 1
        var chomp: Int32 = 0
        if q < e && b[q] == UInt8(ascii: "-") { chomp = 1; q += 1 } else if q < e && b[q] == UInt8(ascii: "+") { chomp = 2; q += 1 }
        try expectLineEnd(k, from: q)
        // Leading blank lines, then the first content line sets the indentation.
        var j = k + 1
        var longestBlank = 0
        while j < lineCount {
            let s = spaces(j)
            guard start(j) + s == end(j) else { break }
            longestBlank = max(longestBlank, s)
            j += 1
        }
        guard j < lineCount else { throw Unsure() }
        let indent = spaces(j)
        // An empty block scalar, and more-indented leading blank lines, are left to Yams.
        guard indent > parent, indent >= 1, longestBlank <= indent else { throw Unsure() }
        j += 1
        while j < lineCount {
            let s = spaces(j)
            if start(j) + s == end(j) { j += 1; continue }  // blank: content, if more follows
            if s < indent { break }
            j += 1
        }
        // Trailing blank lines belong to the scalar (`|+` keeps them).
        let contentEnd = j
        let node = add(.init(kind: .scalar, style: b[p] == UInt8(ascii: "|") ? .literal : .opaque, line: Int32(k + 1),
                             start: Int32(start(k + 1)), end: Int32(end(contentEnd - 1)), extra: Int32(indent) | chomp << 16))
        try advance(to: contentEnd)
        if curIndent > parent { throw Unsure() }
        return node
    }

    // MARK: Keys

    /// Yams refuses a mapping with two equal keys; such input goes to Yams for its error.
    private func checkDuplicateKeys(_ base: Int) throws(Unsure) {
        let count = (stack.count - base) / 2
        guard count > 1 else { return }
        let keys = (0..<count).map { tree.nodes[Int(stack[base + 2 * $0])] }
        if keys.allSatisfy({ $0.style == .plain }) && count <= 16 {
            for i in 1..<count {
                for j in 0..<i where bytesEqual(keys[i], keys[j]) { throw Unsure() }
            }
            return
        }
        var seen = Set<String>()
        for key in keys {
            guard let text = YAMLScalarText.text(of: key, in: b), seen.insert(text).inserted else { throw Unsure() }
        }
    }

    private func bytesEqual(_ x: YAMLBlockTree.Node, _ y: YAMLBlockTree.Node) -> Bool {
        let n = Int(x.end - x.start)
        guard n == Int(y.end - y.start) else { return false }
        return memcmp(b.baseAddress! + Int(x.start), b.baseAddress! + Int(y.start), n) == 0
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
