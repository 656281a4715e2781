/// What apimachinery accepts as a label key and a label value (`content.IsLabelKey`,
/// `content.IsLabelValue`, v1.36), with its messages word for word: selector validation puts
/// them in 422 causes, and the label selector parser rejects what they reject.
/// Lengths are in bytes and the character classes are ASCII, as Go's `len` and RE2 see them.
public enum LabelSyntax {
    static let nameMaxLength = 63
    static let subdomainMaxLength = 253
    static let nameRegex = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
    static let nameMessage = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
    static let subdomainRegex = #"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"#

    /// Why `value` is not a label key; empty when it is one.
    public static func keyErrors(_ value: String) -> [String] {
        let parts = value.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        var errors: [String] = []
        let name: Substring.UTF8View.SubSequence
        switch parts.count {
        case 1:
            name = parts[0]
        case 2:
            let prefix = parts[0]
            name = parts[1]
            if prefix.isEmpty {
                errors.append("prefix part must be non-empty")
            } else {
                errors += subdomainErrors(prefix).map { "prefix part " + $0 }
            }
        default:
            return ["a valid label key " + regexError(nameMessage, nameRegex, ["MyName", "my.name", "123-abc"])
                    + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
        }
        if name.isEmpty {
            errors.append("name part must be non-empty")
        } else if name.count > nameMaxLength {
            errors.append("name part " + maxLengthError(nameMaxLength))
        }
        if !isName(name) {
            errors.append("name part " + regexError(nameMessage, nameRegex, ["MyName", "my.name", "123-abc"]))
        }
        return errors
    }

    /// Why `value` is not a label value; empty when it is one (the empty string is one).
    public static func valueErrors(_ value: String) -> [String] {
        var errors: [String] = []
        if value.utf8.count > nameMaxLength { errors.append(maxLengthError(nameMaxLength)) }
        if !value.isEmpty && !isName(value.utf8[...]) {
            errors.append(regexError(
                "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
                "(" + nameRegex + ")?", ["MyValue", "my_value", "12345"]))
        }
        return errors
    }

    private static func subdomainErrors(_ value: Substring.UTF8View.SubSequence) -> [String] {
        var errors: [String] = []
        if value.count > subdomainMaxLength { errors.append(maxLengthError(subdomainMaxLength)) }
        let labels = value.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        if !labels.allSatisfy(isDNSLabel) {
            errors.append(regexError(
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
                subdomainRegex, ["example.com"]))
        }
        return errors
    }

    private static func isAlphanumeric(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }

    /// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`, anchored.
    private static func isName(_ s: Substring.UTF8View.SubSequence) -> Bool {
        guard let first = s.first, let last = s.last, isAlphanumeric(first), isAlphanumeric(last) else { return false }
        return s.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }

    /// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, anchored.
    private static func isDNSLabel(_ s: Substring.UTF8View.SubSequence) -> Bool {
        func lowerAlnum(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7A) }
        guard let first = s.first, let last = s.last, lowerAlnum(first), lowerAlnum(last) else { return false }
        return s.allSatisfy { lowerAlnum($0) || $0 == UInt8(ascii: "-") }
    }

    private static func maxLengthError(_ length: Int) -> String { "must be no more than \(length) bytes" }

    /// `validation.RegexError`, whose `"'x', " + " or "` joins leave the double spaces.
    private static func regexError(_ message: String, _ regex: String, _ examples: [String]) -> String {
        let shown = examples.map { "'\($0)', " }.joined(separator: " or ")
        return message + " (e.g. " + shown + "regex used for validation is '" + regex + "')"
    }
}
