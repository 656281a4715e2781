@testable import Evidence
import KubeJSON
@testable import Reports
import Testing

/// `EvidenceJSONWriter` writes `evidence -o json` without building a `JSONValue` per row: held
/// to `JSONWriter.pretty(EvidenceOutput.json(…))`, byte for byte.
@Suite("evidence -o json written straight to bytes")
struct EvidenceJSONWriterTests {
    static func report(rows: Int, seed: UInt64) -> EvidenceReport {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        // Strings JSON escapes (quotes, backslashes, control characters, <>&, U+2028) and others.
        let texts = ["", "a", "node-1", "quo\"te", "back\\slash", "tab\tnew\nline", "<script>&", "\u{2028}\u{2029}", "é\u{301}", "\u{1}",
                     "system:serviceaccount:kube-system:metrics-server"]
        var r = EvidenceReport(records: [], counts: AuditScanCounts(), malformed: [MalformedLine(file: "a<b>.log", line: 3, reason: "cut \"short\"")],
                               since: next(2) == 0 ? nil : 1_795_765_354.5)
        r.counts.events = next(1000); r.counts.lines = next(1000); r.counts.bytes = next(1 << 30)
        r.window = next(3) == 0 ? nil : (1_795_765_354.25, 1_795_800_000)
        r.blindSpots = [BlindSpot(kind: .metadataLevel, message: "some \"reviews\"\nat Metadata", count: 3, node: next(2) == 0 ? nil : "n&1", location: nil)]
        for _ in 0..<rows {
            let key = UsageRow.Key(subjectKind: next(2) == 0 ? "User" : "ServiceAccount", subjectName: texts[next(texts.count)],
                                   subjectNamespace: texts[next(texts.count)], path: next(2) == 0 ? .kubelet : .apiserverProxy,
                                   node: texts[next(texts.count)], subresource: texts[next(texts.count)], verb: texts[next(texts.count)])
            var u = UsageRow(key: key, firstSeen: Double(next(2_000_000_000)) + 0.5, lastSeen: Double(next(2_000_000_000)))
            u.allowed = next(5); u.denied = next(3); u.unknown = next(2); u.deniedButPassedViaProxy = next(2)
            for _ in 0..<next(3) { u.fallbackFor[texts[next(texts.count)], default: 0] += 1 + next(4) }
            for _ in 0..<next(3) { u.kubeletPaths.insert(texts[next(texts.count)]) }
            r.usage.append(u)
        }
        return r
    }

    func bytes(_ r: EvidenceReport, files: [String], chunk: Int = 1 << 20, rowsPerPiece: Int = 1024, workers: Int = JSONWriter.itemWorkers) -> [UInt8] {
        var out: [UInt8] = []
        EvidenceJSONWriter.write(r, files: files, chunk: chunk, rowsPerPiece: rowsPerPiece, workers: workers) { out += $0 }
        return out
    }

    @Test("the same bytes as the JSONValue document", arguments: [1, 2, 3, 4, 5])
    func sameBytes(seed: UInt64) {
        for rows in [0, 1, 7, 300] {
            let r = Self.report(rows: rows, seed: seed &+ UInt64(rows))
            let files = ["audit.log", "we\"ird\n.log"]
            let expected = Array(JSONWriter.pretty(EvidenceOutput.json(r, files: files)).utf8)
            #expect(bytes(r, files: files) == expected, "rows \(rows)")
            #expect(bytes(r, files: [], chunk: 64) == Array(JSONWriter.pretty(EvidenceOutput.json(r, files: [])).utf8), "rows \(rows), small chunks")
            // Rows written in many pieces on every core (more pieces than are written at once).
            #expect(bytes(r, files: files, rowsPerPiece: 7) == expected, "rows \(rows), pieces of 7 rows")
            #expect(bytes(r, files: files, rowsPerPiece: 7, workers: 3) == expected, "rows \(rows), pieces of 7 rows, 3 threads")
            #expect(bytes(r, files: files, rowsPerPiece: 7, workers: 1) == expected, "rows \(rows), pieces of 7 rows, 1 thread")
        }
    }
}
