import Foundation

/// Where a JSON text stops parsing, by line and column. Foundation says where only as "around
/// character N" (a byte offset, from 0), and `JSONDecoder` not at all; a person looks for a line.
public struct JSONSyntaxError: Error, Sendable, CustomStringConvertible {
    /// Foundation's words, without the offset ("Invalid value", "Unexpected end of file").
    public let message: String
    /// 1-based; nil when Foundation gave no place.
    public let line: Int?
    public let column: Int?
    /// Whether the text has more than one line (else the column alone places the error).
    public let multiline: Bool

    /// The syntax error of `data`, or nil when it parses (as a fragment too: a bare string or
    /// number is JSON, if not the JSON a reader wants).
    public static func find(in data: Data) -> JSONSyntaxError? {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return nil
        } catch {
            let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            return JSONSyntaxError(foundationMessage: text, in: data)
        }
    }

    init(foundationMessage text: String, in data: Data) {
        let lastByte = data.lastIndex { $0 != 0x0A && $0 != 0x0D } ?? data.startIndex
        multiline = data[data.startIndex..<lastByte].contains(0x0A)
        guard let r = text.range(of: " around character "),
              let offset = Int(text[r.upperBound...].prefix(while: \.isNumber)) else {
            message = text.hasSuffix(".") ? String(text.dropLast()) : text
            // The text ran out: the place is just after its last byte that is not a space.
            if text.localizedCaseInsensitiveContains("end of file") {
                let end = data.lastIndex { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }.map { $0 - data.startIndex + 1 } ?? 0
                let at = Self.place(of: end, in: data)
                line = at.line
                column = at.column
            } else {
                line = nil
                column = nil
            }
            return
        }
        message = String(text[..<r.lowerBound])
        let at = Self.place(of: min(offset, data.count), in: data)
        line = at.line
        column = at.column
    }

    /// Line and column (1-based, in bytes) of the byte at `offset`.
    static func place(of offset: Int, in data: Data) -> (line: Int, column: Int) {
        let prefix = data.prefix(offset)
        let line = prefix.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
        let lineStart = prefix.lastIndex(of: 0x0A).map { $0 - data.startIndex + 1 } ?? 0
        return (line, offset - lineStart + 1)
    }

    /// `line L, column C: message` (the column alone for one line), or the message alone.
    public var description: String {
        guard let line else { return message }
        let place = [multiline ? "line \(line)" : nil, column.map { "column \($0)" }].compactMap { $0 }.joined(separator: ", ")
        return place.isEmpty ? message : "\(place): \(message)"
    }
}
