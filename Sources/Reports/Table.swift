/// A kubectl-style table: upper-case headers, columns separated by three spaces, no borders.
public struct Table: Sendable {
    public var headers: [String]
    public var rows: [[String]]

    public init(headers: [String], rows: [[String]] = []) {
        self.headers = headers
        self.rows = rows
    }

    public func render() -> String {
        var widths = [Int](repeating: 0, count: headers.count)
        Self.widen(&widths, by: headers)
        for row in rows { Self.widen(&widths, by: row) }
        var out: [UInt8] = []
        Self.appendLine(headers, widths: widths, into: &out)
        for row in rows { Self.appendLine(row, widths: widths, into: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Widens `widths` (one per header) to fit `row`'s cells, in Characters as a terminal shows
    /// them. Most cells are ASCII, whose width is their byte count: counting Characters cost
    /// more than the rest of a large table.
    static func widen(_ widths: inout [Int], by row: [String]) {
        for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], width(cell)) }
    }

    /// One line: each cell but the last padded to its column's width and three spaces, trailing
    /// spaces dropped, a newline. Rows may be shorter than the headers (the last cell is never
    /// padded).
    static func appendLine(_ row: [String], widths: [Int], into out: inout [UInt8]) {
        let start = out.count
        var ascii = true
        for (i, cell) in row.enumerated() {
            out.append(contentsOf: cell.utf8)
            let plain = isPlainASCII(cell)
            ascii = ascii && plain
            if i < row.count - 1 { out.append(contentsOf: repeatElement(0x20, count: widths[i] - (plain ? cell.utf8.count : cell.count) + 3)) }
        }
        if ascii {
            while out.count > start && out.last == 0x20 { out.removeLast() }
        } else {
            // Trailing spaces by Character, as before (a space can end a longer Character).
            var line = String(decoding: out[start...], as: UTF8.self)
            while line.hasSuffix(" ") { line.removeLast() }
            out.replaceSubrange(start..., with: line.utf8)
        }
        out.append(0x0A)
    }

    /// True when every byte is ASCII and none is a carriage return (which with a line feed
    /// makes one Character of two bytes): a Character per byte.
    static func isPlainASCII(_ s: String) -> Bool {
        s.utf8.allSatisfy { $0 < 0x80 && $0 != 0x0D }
    }

    static func width(_ s: String) -> Int { isPlainASCII(s) ? s.utf8.count : s.count }
}
