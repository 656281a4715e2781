/// A kubectl JSONPath template (`-o jsonpath=…`): text outside braces is printed as is, and each
/// `{…}` action is a path whose results are printed separated by spaces. The grammar and its
/// quirks are client-go's `util/jsonpath` parser, so templates written for kubectl mean the same
/// here: `{.a.b}`, `{.items[*].name}`, `[n]`, `[-1]`, `[a:b:step]`, `[1,3]`, `['key']` (the key is
/// read as a dotted path, as client-go does: escape dots with `\.`), `..` recursive descent,
/// `[?(@.x=="y")]` filters with `== != < > <= >=` and `[?(@.x)]` for existence, `{range …}…{end}`,
/// and string literals `{"\n"}`.
public struct JSONPathTemplate: Sendable {
    /// One step of a path, applied to every value the previous step produced.
    indirect enum Step: Sendable, Equatable {
        case field(String)
        case wildcard
        /// client-go's slice parameters: a missing start is 0, a missing end the length; `[n]`
        /// is `[n:n+1]` with the end marked derived, so `[-1]` reaches the last element.
        case slice(start: Int?, end: Int?, endDerived: Bool, step: Int?)
        case union([[Step]])
        case filter(left: [Step], op: String, right: [Step])
        case recursive
        /// A literal (a quoted string, a number, true or false): replaces the values it is given.
        case literal(JSONValue)
    }

    /// The template as blocks: text, a printed path, or a `range` over a path's results.
    indirect enum Block: Sendable, Equatable {
        case text(String)
        case print([Step])
        case range([Step], body: [Block])
    }

    public let source: String
    let blocks: [Block]

    public init(_ source: String) throws(JSONPathError) {
        self.source = source
        var parser = JSONPathParser(Array(source.unicodeScalars))
        blocks = try parser.template()
    }

    /// Evaluates the template on `document` and returns what kubectl would print (no newline is
    /// added: kubectl adds none).
    /// - Parameter allowMissingKeys: a missing key prints nothing instead of failing, as
    ///   `kubectl get --allow-missing-template-keys` (true by default) does.
    public func render(_ document: JSONValue, allowMissingKeys: Bool = true) throws(JSONPathError) -> String {
        var out = ""
        try JSONPathEvaluator(allowMissingKeys: allowMissingKeys).render(blocks, on: document, into: &out)
        return out
    }
}

/// client-go's parser, rebuilt over Unicode scalars so that every error can name its position.
struct JSONPathParser {
    typealias Step = JSONPathTemplate.Step
    typealias Block = JSONPathTemplate.Block

    let input: [Unicode.Scalar]
    var pos = 0
    /// Where `input` starts in the template the user wrote (nested actions are parsed from slices).
    let base: Int

    init(_ input: [Unicode.Scalar], base: Int = 0) {
        self.input = input
        self.base = base
    }

    func fail(_ message: String, at index: Int? = nil) -> JSONPathError {
        JSONPathError(message, position: base + (index ?? pos) + 1)
    }

    func hasPrefix(_ s: String) -> Bool {
        let p = Array(s.unicodeScalars)
        return pos + p.count <= input.count && Array(input[pos..<pos + p.count]) == p
    }

    var current: Unicode.Scalar? { pos < input.count ? input[pos] : nil }

    static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars)
        return String(s)
    }

    // MARK: the template: text and actions, then range … end nesting

    mutating func template() throws(JSONPathError) -> [Block] {
        var flat: [(Block?, identifier: String?, at: Int)] = []
        var textStart = 0
        while pos < input.count {
            if input[pos] == "{" {
                if pos > textStart { flat.append((.text(Self.string(input[textStart..<pos])), nil, textStart)) }
                let open = pos
                pos += 1
                var steps: [Step] = []
                var identifier: String? = nil
                try action(into: &steps, identifier: &identifier, closedByBrace: true)
                if identifier == "end", !steps.isEmpty { throw fail("{end} takes nothing after it", at: open) }
                flat.append((identifier == nil ? Block.print(steps) : Block.range(steps, body: []), identifier, open))
                textStart = pos
            } else {
                pos += 1
            }
        }
        if pos > textStart { flat.append((.text(Self.string(input[textStart..<pos])), nil, textStart)) }
        var index = 0
        let blocks = try nest(flat, &index, depth: 0)
        return blocks
    }

    /// Folds `{range …}` … `{end}` into blocks. An unclosed range runs to the end of the template,
    /// as in client-go; an `{end}` outside any range is an error there at run time, here at once.
    func nest(_ flat: [(Block?, identifier: String?, at: Int)], _ index: inout Int, depth: Int) throws(JSONPathError) -> [Block] {
        var out: [Block] = []
        while index < flat.count {
            let (block, identifier, at) = flat[index]
            index += 1
            switch identifier {
            case "end":
                if depth == 0 { throw fail("not in range, nothing to end", at: at) }
                return out
            case "range":
                guard case .range(let steps, _) = block else { continue }
                out.append(.range(steps, body: try nest(flat, &index, depth: depth + 1)))
            default:
                if let block { out.append(block) }
            }
        }
        return out
    }

    // MARK: inside an action

    /// Parses one action's steps up to its closing brace (or, for nested actions parsed from a
    /// slice, to the end of the slice). `range` and `end` are client-go's only identifiers.
    mutating func action(into steps: inout [Step], identifier: inout String?, closedByBrace: Bool) throws(JSONPathError) {
        while true {
            if closedByBrace, hasPrefix("}") { pos += 1; return }
            if !closedByBrace, pos >= input.count { return }
            if hasPrefix("[?(") { try filter(into: &steps); continue }
            if hasPrefix("..") {
                if steps.last == .recursive { throw fail("invalid multiple recursive descent") }
                pos += 2
                steps.append(.recursive)
                if let c = current, Self.isAlphaNumeric(c) { steps.append(field()) }
                continue
            }
            guard let c = current, c != "\r", c != "\n" else { throw fail("unclosed action") }
            switch c {
            case " ", "@", "$":
                pos += 1
            case "[":
                try array(into: &steps)
            case "\"", "'":
                steps.append(.literal(.string(try quoted(c))))
            case ".":
                pos += 1
                steps.append(field())
            case "+", "-", "0"..."9":
                steps.append(.literal(try number()))
            default:
                guard Self.isAlphaNumeric(c) else {
                    let code = "U+" + String(c.value, radix: 16, uppercase: true).leftPadded(4)
                    throw fail("unrecognized character in action: \(code)\(c.value >= 0x20 ? " '\(c)'" : "")")
                }
                let start = pos
                while let r = current, !Self.isTerminator(r) { pos += 1 }
                let word = Self.string(input[start..<pos])
                switch word {
                case "true", "false": steps.append(.literal(.bool(word == "true")))
                case "range", "end":
                    guard steps.isEmpty, identifier == nil else { throw fail("\(word) must begin its own action, as {\(word) …}", at: start) }
                    identifier = word
                default: throw fail("unrecognized identifier \(word)", at: start)
                }
            }
        }
    }

    /// A field name runs to the next unescaped terminator; `\.` keeps a dot inside the name.
    mutating func field() -> Step {
        var name = String.UnicodeScalarView()
        while let c = current {
            if c == "\\" {
                pos += 1
                if let escaped = current { name.append(escaped); pos += 1 }
                continue
            }
            if Self.isTerminator(c) { break }
            name.append(c)
            pos += 1
        }
        let text = String(name)
        return text == "*" ? .wildcard : .field(text)
    }

    mutating func number() throws(JSONPathError) -> JSONValue {
        let start = pos
        if current == "+" || current == "-" { pos += 1 }
        while let c = current, c == "." || ("0"..."9").contains(c) { pos += 1 }
        let text = Self.string(input[start..<pos])
        if let i = Int(text) { return .integer(i) }
        if let d = Double(text) { return .number(d) }
        throw fail("cannot parse number \(text)", at: start)
    }

    mutating func array(into steps: inout [Step]) throws(JSONPathError) {
        let open = pos
        pos += 1
        while true {
            guard let c = current, c != "\n" else { throw fail("unterminated array", at: open) }
            pos += 1
            if c == "]" { break }
        }
        var text = Self.string(input[(open + 1)..<(pos - 1)])
        if text == "*" { text = ":" }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        if parts.count > 1 {
            var alternatives: [[Step]] = []
            var offset = open + 1
            for part in parts {
                let trimmed = part.trimmingSpaces()
                alternatives.append(try Self.subAction("[" + trimmed + "]", base: base + offset))
                offset += part.unicodeScalars.count + 1
            }
            steps.append(.union(alternatives))
            return
        }
        if text.count >= 2, text.first == "'", text.last == "'", !text.dropFirst().dropLast().contains("'") {
            steps += try Self.subAction("." + String(text.dropFirst().dropLast()), base: base + open + 1)
            return
        }
        guard let slice = Self.sliceParameters(text) else { throw fail("invalid array index \(text)", at: open) }
        steps.append(slice)
    }

    /// `[start:end:step]`, each part an optional signed integer.
    static func sliceParameters(_ text: String) -> Step? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 3 else { return nil }
        var values: [Int?] = []
        for part in parts {
            if part.isEmpty { values.append(nil); continue }
            guard let n = Int(part), !part.hasPrefix("+") else { return nil }
            values.append(n)
        }
        let start = values[0]
        if parts.count == 1 {
            return .slice(start: start, end: (start ?? 0) + 1, endDerived: true, step: nil)
        }
        return .slice(start: start, end: values[1], endDerived: false, step: parts.count == 3 ? values[2] : nil)
    }

    mutating func filter(into steps: inout [Step]) throws(JSONPathError) {
        let open = pos
        pos += 3
        let start = pos
        var quote: Unicode.Scalar? = nil
        var quoteClosed = false
        while true {
            guard let c = current, c != "\n" else { throw fail("unterminated filter", at: open) }
            pos += 1
            if c == "\"" || c == "'" {
                if quote == nil { quote = c; continue }
                if c == quote, input[pos - 2] != "\\" { quoteClosed = true }
            } else if c == ")", (quote != nil) == quoteClosed {
                break
            }
        }
        guard current == "]" else { throw fail("unclosed array expect ]") }
        pos += 1
        let text = input[start..<(pos - 2)]
        let operators: Set<Unicode.Scalar> = ["!", "<", ">", "="]
        guard let opStart = text.firstIndex(where: { operators.contains($0) }), opStart > start else {
            steps.append(.filter(left: try Self.subAction(Self.string(text), base: base + start), op: "exists", right: []))
            return
        }
        var opEnd = opStart
        while opEnd < text.endIndex, operators.contains(text[opEnd]) { opEnd += 1 }
        let op = Self.string(text[opStart..<opEnd])
        guard opEnd < text.endIndex else {
            steps.append(.filter(left: try Self.subAction(Self.string(text), base: base + start), op: "exists", right: []))
            return
        }
        guard ["==", "!=", "<", ">", "<=", ">="].contains(op) else { throw fail("unrecognized filter operator \(op)", at: opStart) }
        steps.append(.filter(left: try Self.subAction(Self.string(text[start..<opStart]), base: base + start),
                             op: op,
                             right: try Self.subAction(Self.string(text[opEnd...]), base: base + opEnd)))
    }

    /// A string literal, with Go's escapes.
    mutating func quoted(_ quote: Unicode.Scalar) throws(JSONPathError) -> String {
        let open = pos
        pos += 1
        var out = String.UnicodeScalarView()
        while true {
            guard let c = current, c != "\n" else { throw fail("unterminated quoted string", at: open) }
            pos += 1
            if c == quote { return String(out) }
            guard c == "\\" else { out.append(c); continue }
            guard let e = current else { throw fail("unterminated quoted string", at: open) }
            pos += 1
            let simple: [Unicode.Scalar: Unicode.Scalar] = ["n": "\n", "t": "\t", "r": "\r", "\\": "\\", "a": "\u{07}", "b": "\u{08}",
                                                            "f": "\u{0C}", "v": "\u{0B}", "'": "'", "\"": "\""]
            if let s = simple[e], (e != "'" && e != "\"") || e == quote {
                out.append(s)
                continue
            }
            let digits: Int? = switch e { case "x": 2; case "u": 4; case "U": 8; default: nil }
            if let digits, pos + digits <= input.count,
               let value = UInt32(Self.string(input[pos..<(pos + digits)]), radix: 16), let scalar = Unicode.Scalar(value) {
                out.append(scalar)
                pos += digits
                continue
            }
            if ("0"..."7").contains(e), pos + 2 <= input.count,
               let value = UInt32(Self.string(input[(pos - 1)..<(pos + 2)]), radix: 8), value < 256, let scalar = Unicode.Scalar(value) {
                out.append(scalar)
                pos += 2
                continue
            }
            throw fail("invalid escape \\\(e) in quoted string", at: pos - 2)
        }
    }

    /// Parses the text of a union member, a bracketed key or one side of a filter as a whole
    /// action, as client-go does by wrapping it in braces.
    static func subAction(_ text: String, base: Int) throws(JSONPathError) -> [Step] {
        var parser = JSONPathParser(Array(text.unicodeScalars), base: base)
        var steps: [Step] = []
        var identifier: String? = nil
        try parser.action(into: &steps, identifier: &identifier, closedByBrace: false)
        if let identifier { throw JSONPathError("\(identifier) cannot appear inside a filter, union or key", position: base + 1) }
        return steps
    }

    static func isTerminator(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case " ", "\t", "\r", "\n", ".", ",", "[", "]", "$", "@", "{", "}": return true
        default: return false
        }
    }

    static func isAlphaNumeric(_ c: Unicode.Scalar) -> Bool {
        c == "_" || c.properties.isAlphabetic || c.properties.numericType == .decimal
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
