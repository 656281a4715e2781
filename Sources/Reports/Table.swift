/// A kubectl-style table: upper-case headers, columns separated by three spaces, no borders.
public struct Table: Sendable {
    public var headers: [String]
    public var rows: [[String]]

    public init(headers: [String], rows: [[String]] = []) {
        self.headers = headers
        self.rows = rows
    }

    public func render() -> String {
        let all = [headers] + rows
        // Widths in Characters, as a terminal shows them. Most cells are ASCII, whose width is
        // their byte count: counting Characters cost more than the rest of a large table.
        let cellWidths = all.map { $0.map(Self.width) }
        var widths = [Int](repeating: 0, count: headers.count)
        for row in cellWidths {
            for (i, w) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], w) }
        }
        var out: [UInt8] = []
        for (r, row) in all.enumerated() {
            let start = out.count
            var ascii = true
            for (i, cell) in row.enumerated() {
                out.append(contentsOf: cell.utf8)
                ascii = ascii && Self.isPlainASCII(cell)
                if i < row.count - 1 { out.append(contentsOf: repeatElement(0x20, count: widths[i] - cellWidths[r][i] + 3)) }
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
        return String(decoding: out, as: UTF8.self)
    }

    /// True when every byte is ASCII and none is a carriage return (which with a line feed
    /// makes one Character of two bytes): a Character per byte.
    static func isPlainASCII(_ s: String) -> Bool {
        s.utf8.allSatisfy { $0 < 0x80 && $0 != 0x0D }
    }

    static func width(_ s: String) -> Int { isPlainASCII(s) ? s.utf8.count : s.count }
}
