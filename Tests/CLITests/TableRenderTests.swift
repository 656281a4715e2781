@testable import Reports
import Testing

/// `Table.render` measures ASCII cells by their bytes: held to the Character-by-Character
/// rendering it replaced.
@Suite("Tables render as before")
struct TableRenderTests {
    /// The rendering before the ASCII fast path, kept as the reference.
    static func reference(_ t: Table) -> String {
        let all = [t.headers] + t.rows
        var widths = [Int](repeating: 0, count: t.headers.count)
        for row in all {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        var out = ""
        for row in all {
            var line = ""
            for (i, cell) in row.enumerated() {
                if i == row.count - 1 { line += cell } else {
                    line += cell + String(repeating: " ", count: widths[i] - cell.count + 3)
                }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
        }
        return out
    }

    @Test("the same text as the Character-by-Character rendering", arguments: [1, 2, 3])
    func sameText(seed: UInt64) {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        // Cells that make Character and byte counts differ, or trailing spaces tricky: CR LF, a
        // combining accent, an emoji with a modifier, a prepended mark before a space, spaces.
        let cells = ["", "a", "node-1", "system:serviceaccount:kube-system:x", "\"\"", "a\r\nb", "e\u{301}", "👍🏽", "\u{600} ",
                     " ", "x  ", "ñ", "tab\there", "\r", "end "]
        for _ in 0..<200 {
            let columns = 1 + next(5)
            var t = Table(headers: (0..<columns).map { "H\($0)" })
            for _ in 0..<next(6) {
                // Rows as long as the headers, or shorter (the last cell is never padded).
                t.rows.append((0..<(1 + next(columns))).map { _ in cells[next(cells.count)] })
            }
            #expect(Array(t.render().utf8) == Array(Self.reference(t).utf8))  // bytes: String == is canonical equivalence
        }
    }
}
