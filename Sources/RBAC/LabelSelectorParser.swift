/// apimachinery's `labels.Parse`: the lexer and recursive-descent parser a
/// SubjectAccessReview's `labelSelector.rawSelector` is read with, including its quirks
/// (`in`/`notin` are values where a value may stand, `()` is the set {""}, a NUL byte ends
/// the input, keys and values are checked as label syntax while parsing). Like the field
/// selector, a failure only ignores the selector, reported in `status.evaluationError`.
public enum LabelSelectorParser {
    public struct Requirement: Hashable, Sendable {
        public enum Operator: String, Hashable, Sendable {
            case `in` = "in", notIn = "notin", equals = "=", doubleEquals = "==", notEquals = "!="
            case greaterThan = "gt", lessThan = "lt", exists = "exists", doesNotExist = "!"
        }
        public var key: String
        public var `operator`: Operator
        /// Sorted and de-duplicated, as Go's string set lists them.
        public var values: [String]
    }

    public enum ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        /// The token at hand is not what the grammar allows there.
        case unexpected(found: String, expected: String)
        /// A key or value the label syntax rejects, or values an operator cannot take.
        case invalidRequirement(key: String, reasons: [String])

        public var description: String {
            switch self {
            case .unexpected(let found, let expected): return "unable to parse requirement: found '\(found)', expected: \(expected)"
            case .invalidRequirement(let key, let reasons): return "invalid requirement on \(goStrconvQuote(key)): " + reasons.joined(separator: "; ")
            }
        }
    }

    /// The requirements sorted by key, as `labels.Parse` returns them.
    public static func parse(_ selector: String) throws(ParseError) -> [Requirement] {
        var lexer = Lexer(Array(selector.utf8))
        var parser = Parser(tokens: lexer.all())
        return try parser.selector().sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }

    enum Token: Equatable {
        case error, end, closedParen, comma, doesNotExist, doubleEquals, equals, greaterThan
        case identifier, `in`, lessThan, notEquals, notIn, openParen
    }

    /// Go's `Lexer` works on bytes and reads a NUL byte as the end; both are kept, so the
    /// same inputs split the same way.
    struct Lexer {
        let bytes: [UInt8]
        var position = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        static let symbols: [String: Token] = [
            ")": .closedParen, ",": .comma, "!": .doesNotExist, "==": .doubleEquals, "=": .equals,
            ">": .greaterThan, "<": .lessThan, "!=": .notEquals, "(": .openParen,
        ]

        static func isSpecial(_ b: UInt8) -> Bool { "=!(),><".utf8.contains(b) }
        static func isWhitespace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }

        mutating func read() -> UInt8 {
            guard position < bytes.count else { return 0 }
            position += 1
            return bytes[position - 1]
        }

        mutating func all() -> [(Token, String)] {
            var items: [(Token, String)] = []
            while true {
                let item = next()
                items.append(item)
                if item.0 == .end { return items }
            }
        }

        mutating func next() -> (Token, String) {
            var ch = read()
            while Self.isWhitespace(ch) { ch = read() }
            if ch == 0 { return (.end, "") }
            position -= 1
            return Self.isSpecial(ch) ? symbol() : word()
        }

        mutating func word() -> (Token, String) {
            var buffer: [UInt8] = []
            while true {
                let ch = read()
                if ch == 0 { break }
                if Self.isSpecial(ch) || Self.isWhitespace(ch) { position -= 1; break }
                buffer.append(ch)
            }
            let s = String(decoding: buffer, as: UTF8.self)
            switch s {
            case "in": return (.in, s)
            case "notin": return (.notIn, s)
            default: return (.identifier, s)
            }
        }

        /// The longest run of symbol bytes that is still a token: `!=`, `==`, or one byte.
        mutating func symbol() -> (Token, String) {
            var buffer: [UInt8] = []
            var last: (Token, String)? = nil
            while true {
                let ch = read()
                if ch == 0 { break }
                guard Self.isSpecial(ch) else { position -= 1; break }
                buffer.append(ch)
                let s = String(decoding: buffer, as: UTF8.self)
                if let token = Self.symbols[s] {
                    last = (token, s)
                } else if last != nil {
                    position -= 1
                    break
                }
            }
            return last ?? (.error, "error expected: keyword found '\(String(decoding: buffer, as: UTF8.self))'")
        }
    }

    /// Where the parser stands decides whether `in` and `notin` are operators or values.
    enum Context { case keyAndOperator, values }

    struct Parser {
        let tokens: [(Token, String)]
        var position = 0

        func lookahead(_ context: Context) -> (Token, String) {
            let item = position < tokens.count ? tokens[position] : (.end, "")
            return Self.inContext(item, context)
        }

        mutating func consume(_ context: Context) -> (Token, String) {
            let item = lookahead(context)
            position += 1
            return item
        }

        static func inContext(_ item: (Token, String), _ context: Context) -> (Token, String) {
            if context == .values && (item.0 == .in || item.0 == .notIn) { return (.identifier, item.1) }
            return item
        }

        mutating func selector() throws(ParseError) -> [Requirement] {
            var requirements: [Requirement] = []
            while true {
                let (token, literal) = lookahead(.values)
                switch token {
                case .identifier, .doesNotExist:
                    requirements.append(try requirement())
                    let (after, afterLiteral) = consume(.values)
                    switch after {
                    case .end:
                        return requirements
                    case .comma:
                        let (following, followingLiteral) = lookahead(.values)
                        if following != .identifier && following != .doesNotExist {
                            throw .unexpected(found: followingLiteral, expected: "identifier after ','")
                        }
                    default:
                        throw .unexpected(found: afterLiteral, expected: "',' or 'end of string'")
                    }
                case .end:
                    return requirements
                default:
                    throw .unexpected(found: literal, expected: "!, identifier, or 'end of string'")
                }
            }
        }

        mutating func requirement() throws(ParseError) -> Requirement {
            let (key, inferred) = try keyAndInferredOperator()
            if let inferred { return try LabelSelectorParser.requirement(key, inferred, []) }
            let op = try binaryOperator()
            let values: Set<String>
            switch op {
            case .in, .notIn: values = try valueSet()
            default: values = try exactValue()
            }
            let sorted = values.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            return try LabelSelectorParser.requirement(key, op, sorted)
        }

        /// A key, with `exists` or `!` decided already when nothing follows it.
        mutating func keyAndInferredOperator() throws(ParseError) -> (String, Requirement.Operator?) {
            var op: Requirement.Operator? = nil
            var (token, literal) = consume(.values)
            if token == .doesNotExist {
                op = .doesNotExist
                (token, literal) = consume(.values)
            }
            guard token == .identifier else { throw .unexpected(found: literal, expected: "identifier") }
            let keyErrors = LabelSyntax.keyErrors(literal)
            guard keyErrors.isEmpty else { throw .invalidRequirement(key: literal, reasons: keyErrors) }
            let next = lookahead(.values).0
            if (next == .end || next == .comma) && op != .doesNotExist { op = .exists }
            return (literal, op)
        }

        mutating func binaryOperator() throws(ParseError) -> Requirement.Operator {
            let (token, literal) = consume(.keyAndOperator)
            switch token {
            case .in: return .in
            case .equals: return .equals
            case .doubleEquals: return .doubleEquals
            case .greaterThan: return .greaterThan
            case .lessThan: return .lessThan
            case .notIn: return .notIn
            case .notEquals: return .notEquals
            default: throw .unexpected(found: literal, expected: "in, notin, =, ==, !=, gt, lt")
            }
        }

        /// `( … )`: `()` and a leading, doubled or trailing comma each give the value "".
        mutating func valueSet() throws(ParseError) -> Set<String> {
            let (open, openLiteral) = consume(.values)
            guard open == .openParen else { throw .unexpected(found: openLiteral, expected: "'('") }
            let (token, literal) = lookahead(.values)
            switch token {
            case .identifier, .comma:
                let values = try identifierList()
                guard consume(.values).0 == .closedParen else { throw .unexpected(found: literal, expected: "')'") }
                return values
            case .closedParen:
                position += 1
                return [""]
            default:
                throw .unexpected(found: literal, expected: "',', ')' or identifier")
            }
        }

        mutating func identifierList() throws(ParseError) -> Set<String> {
            var values = Set<String>()
            while true {
                let (token, literal) = consume(.values)
                switch token {
                case .identifier:
                    values.insert(literal)
                    let (next, nextLiteral) = lookahead(.values)
                    switch next {
                    case .comma: continue
                    case .closedParen: return values
                    default: throw .unexpected(found: nextLiteral, expected: "',' or ')'")
                    }
                case .comma:
                    if values.isEmpty { values.insert("") }
                    let next = lookahead(.values).0
                    if next == .closedParen {
                        values.insert("")
                        return values
                    }
                    if next == .comma { values.insert("") }
                default:
                    throw .unexpected(found: literal, expected: "',', or identifier")
                }
            }
        }

        /// The one value after `=`, `==`, `!=`, `>` or `<`; none at all is "".
        mutating func exactValue() throws(ParseError) -> Set<String> {
            let next = lookahead(.values).0
            if next == .end || next == .comma { return [""] }
            let (token, literal) = consume(.values)
            guard token == .identifier else { throw .unexpected(found: literal, expected: "identifier") }
            return [literal]
        }
    }

    /// `labels.NewRequirement`'s checks, for the operators the parser can produce.
    static func requirement(_ key: String, _ op: Requirement.Operator, _ values: [String]) throws(ParseError) -> Requirement {
        var reasons = LabelSyntax.keyErrors(key)
        switch op {
        case .in, .notIn:
            if values.isEmpty { reasons.append("for 'in', 'notin' operators, values set can't be empty") }
        case .equals, .doubleEquals, .notEquals:
            if values.count != 1 { reasons.append("exact-match compatibility requires one single value") }
        case .exists, .doesNotExist:
            if !values.isEmpty { reasons.append("values set must be empty for exists and does not exist") }
        case .greaterThan, .lessThan:
            if values.count != 1 { reasons.append("for 'Gt', 'Lt' operators, exactly one value is required") }
            for v in values where Int64(v) == nil {
                reasons.append("for 'Gt', 'Lt' operators, the value must be an integer")
            }
        }
        for v in values { reasons += LabelSyntax.valueErrors(v) }
        guard reasons.isEmpty else { throw .invalidRequirement(key: key, reasons: reasons) }
        return Requirement(key: key, operator: op, values: values)
    }
}
