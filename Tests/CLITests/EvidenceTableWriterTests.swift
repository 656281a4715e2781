@testable import Evidence
import KubeJSON
@testable import Reports
import Testing

/// `EvidenceTableWriter` writes `evidence -o table` as it goes, on several threads: held to
/// `EvidenceOutput.table(…)` (one `Table`, rendered whole), byte for byte.
@Suite("evidence -o table written as it goes")
struct EvidenceTableWriterTests {
    func bytes(_ r: EvidenceReport, chunk: Int = 1 << 20, rowsPerPiece: Int = 1024, workers: Int = JSONWriter.itemWorkers) -> [UInt8] {
        var out: [UInt8] = []
        EvidenceTableWriter.write(r, chunk: chunk, rowsPerPiece: rowsPerPiece, workers: workers) { out += $0 }
        return out
    }

    @Test("the same bytes as the table rendered whole", arguments: [1, 2, 3, 4, 5])
    func sameBytes(seed: UInt64) {
        for rows in [0, 1, 7, 300] {
            // Cells with quotes, tabs, newlines, combining accents and wide characters: widths in
            // Characters, trailing spaces by Character.
            var r = EvidenceJSONWriterTests.report(rows: rows, seed: seed &+ UInt64(rows))
            r.malformed = (0..<Int(seed) * 3).map { MalformedLine(file: "a.log", line: $0, reason: "cut short") }
            r.counts.malformed = r.malformed.count + Int(seed % 2)
            let expected = Array(EvidenceOutput.table(r).utf8)
            #expect(bytes(r) == expected, "rows \(rows)")
            #expect(bytes(r, chunk: 64) == expected, "rows \(rows), small chunks")
            // Widths measured in several parts, rows written in many pieces (more than are
            // written at once), on more threads than cores and on one.
            #expect(bytes(r, rowsPerPiece: 7) == expected, "rows \(rows), pieces of 7 rows")
            #expect(bytes(r, rowsPerPiece: 7, workers: 3) == expected, "rows \(rows), pieces of 7 rows, 3 threads")
            #expect(bytes(r, rowsPerPiece: 7, workers: 1) == expected, "rows \(rows), pieces of 7 rows, 1 thread")
        }
    }

    /// The widest cell of a column can be in any part: the widths are those of every row.
    @Test("a column's width comes from its widest cell, wherever it is")
    func widestAnywhere() {
        var r = EvidenceJSONWriterTests.report(rows: 50, seed: 9)
        r.usage = r.usage.indices.map { k in
            UsageRow(key: UsageRow.Key(subjectKind: "User", subjectName: "u\(k)", subjectNamespace: "", path: .kubelet,
                                       node: k == 37 ? String(repeating: "w", count: 40) : "n", subresource: "proxy", verb: "get"),
                     firstSeen: 0, lastSeen: 0)
        }
        let text = String(decoding: bytes(r, rowsPerPiece: 5, workers: 4), as: UTF8.self)
        #expect(Array(text.utf8) == Array(EvidenceOutput.table(r).utf8))
        let header = text.split(separator: "\n").first { $0.hasPrefix("KIND") }.map(String.init) ?? ""
        // NODE's column is the 40 w's wide, three spaces after.
        let node = header.range(of: "NODE"), sub = header.range(of: "SUBRESOURCE")
        #expect(node != nil && sub != nil)
        if let node, let sub { #expect(header.distance(from: node.lowerBound, to: sub.lowerBound) == 43) }
    }
}
