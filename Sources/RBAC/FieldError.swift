import KubeJSON

extension SubjectAccessReviewValidation {
    /// apimachinery's `field.Error`: a path, a type, and the body `ErrorBody()` prints. The
    /// body is rendered once, here, because the 422 Status carries it verbatim in both the
    /// aggregate message and each cause.
    public struct FieldError: Hashable, Sendable {
        /// `field.ErrorType`; its raw value is the cause `reason` on the wire.
        public enum Kind: String, Hashable, Sendable {
            case required = "FieldValueRequired"
            case forbidden = "FieldValueForbidden"
            case invalid = "FieldValueInvalid"

            var label: String {
                switch self {
                case .required: return "Required value"
                case .forbidden: return "Forbidden"
                case .invalid: return "Invalid value"
                }
            }
        }

        /// The Go value behind `Invalid value: …`, by how `ErrorBody` prints it.
        public enum BadValue: Hashable, Sendable {
            /// A nil pointer: printed bare, `null`.
            case null
            /// A Go string: `%q`.
            case string(String)
            /// A struct, map or slice: `json.Marshal`, with Go's HTML escaping.
            case json(JSONValue)

            var rendered: String {
                switch self {
                case .null: return "null"
                case .string(let s): return goStrconvQuote(s)
                case .json(let v): return JSONWriter.compact(v)
                }
            }
        }

        public let kind: Kind
        public let field: String
        /// `Invalid value: …: detail`, as `field.Error.ErrorBody()` prints it.
        public let body: String
        public var message: String { "\(field): \(body)" }

        /// Required and Forbidden never print the value, so they take none.
        public static func required(_ field: String, _ detail: String) -> FieldError {
            FieldError(kind: .required, field: field, body: "\(Kind.required.label): \(detail)")
        }

        public static func forbidden(_ field: String, _ detail: String) -> FieldError {
            FieldError(kind: .forbidden, field: field, body: "\(Kind.forbidden.label): \(detail)")
        }

        public static func invalid(_ field: String, _ value: BadValue, _ detail: String) -> FieldError {
            FieldError(kind: .invalid, field: field, body: "\(Kind.invalid.label): \(value.rendered): \(detail)")
        }
    }
}

/// Go's `strconv.Quote` (`%q`), which field errors and RBAC reasons use for strings: `\a \b
/// \f \v` and non-printable Unicode included, since a name or selector key can hold anything a
/// client sends.
func goStrconvQuote(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\u{07}": out += "\\a"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\u{0B}": out += "\\v"
        default:
            if goIsPrint(scalar) {
                out.unicodeScalars.append(scalar)
            } else if scalar.value < 0x80 {
                out += "\\x" + hex(scalar.value, width: 2)
            } else if scalar.value < 0x10000 {
                out += "\\u" + hex(scalar.value, width: 4)
            } else {
                out += "\\U" + hex(scalar.value, width: 8)
            }
        }
    }
    return out + "\""
}

/// `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space.
private func goIsPrint(_ scalar: Unicode.Scalar) -> Bool {
    if scalar == " " { return true }
    switch scalar.properties.generalCategory {
    case .control, .format, .surrogate, .privateUse, .unassigned,
         .spaceSeparator, .lineSeparator, .paragraphSeparator:
        return false
    default:
        return true
    }
}

private func hex(_ value: UInt32, width: Int) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}
