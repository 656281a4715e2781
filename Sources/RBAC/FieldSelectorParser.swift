/// apimachinery's `fields.ParseSelector`: the grammar a SubjectAccessReview's
/// `fieldSelector.rawSelector` is read with. The API server never rejects a review for it;
/// a selector that does not parse is ignored and said so in `status.evaluationError`.
public enum FieldSelectorParser {
    public struct Requirement: Hashable, Sendable {
        public enum Operator: String, Hashable, Sendable { case equals = "=", notEquals = "!=" }
        public var field: String
        public var `operator`: Operator
        public var value: String
    }

    public enum ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        /// A term with none of `!=`, `==`, `=`.
        case noOperator(selector: String, term: String)
        /// A backslash before anything but `\`, `,` or `=`, or at the very end.
        case invalidEscapeSequence(String)
        /// A bare `,` or `=` in a value (a bare `,` can only get there after `\\`).
        case unescapedCharacter(Character)

        public var description: String {
            switch self {
            case .noOperator(let selector, let term): return "invalid selector: '\(selector)'; can't understand '\(term)'"
            case .invalidEscapeSequence(let s): return "invalid field selector: invalid escape sequence: \(s)"
            case .unescapedCharacter(let c): return "invalid field selector: unescaped character in value: \(c.unicodeScalars.first!.value)"
            }
        }
    }

    /// The requirements in term order after Go's byte-wise sort of the terms. A term whose
    /// field and value are both empty (`=`) selects everything and yields no requirement.
    public static func parse(_ selector: String) throws(ParseError) -> [Requirement] {
        var requirements: [Requirement] = []
        let terms = splitTerms(selector).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for term in terms where !term.isEmpty {
            guard let (field, op, rawValue) = splitTerm(term) else {
                throw .noOperator(selector: selector, term: term)
            }
            let value = try unescape(rawValue)
            if field.isEmpty && value.isEmpty { continue }
            requirements.append(Requirement(field: field, operator: op, value: value))
        }
        return requirements
    }

    /// Splits on commas that no backslash escapes; the backslashes stay for `unescape`.
    static func splitTerms(_ selector: String) -> [String] {
        guard !selector.isEmpty else { return [] }
        var terms: [String] = []
        var current = ""
        var afterBackslash = false
        for c in selector.unicodeScalars {
            if afterBackslash {
                afterBackslash = false
            } else if c == "\\" {
                afterBackslash = true
            } else if c == "," {
                terms.append(current)
                current = ""
                continue
            }
            current.unicodeScalars.append(c)
        }
        terms.append(current)
        return terms
    }

    /// The first place any operator starts, trying `!=`, then `==`, then `=` there; so
    /// `a==b` is `a` = `b`, and the field itself can hold no operator.
    static func splitTerm(_ term: String) -> (String, Requirement.Operator, String)? {
        let bytes = Array(term.utf8)
        for i in bytes.indices {
            for (token, op) in [("!=", Requirement.Operator.notEquals), ("==", .equals), ("=", .equals)] {
                let t = Array(token.utf8)
                if bytes[i...].starts(with: t) {
                    return (String(decoding: bytes[..<i], as: UTF8.self), op,
                            String(decoding: bytes[(i + t.count)...], as: UTF8.self))
                }
            }
        }
        return nil
    }

    static func unescape(_ s: String) throws(ParseError) -> String {
        var out = ""
        var afterBackslash = false
        for c in s.unicodeScalars {
            if afterBackslash {
                guard c == "\\" || c == "," || c == "=" else {
                    throw .invalidEscapeSequence("\\" + String(c))
                }
                out.unicodeScalars.append(c)
                afterBackslash = false
                continue
            }
            switch c {
            case "\\": afterBackslash = true
            case ",", "=": throw .unescapedCharacter(Character(c))
            default: out.unicodeScalars.append(c)
            }
        }
        if afterBackslash { throw .invalidEscapeSequence("\\") }
        return out
    }
}
