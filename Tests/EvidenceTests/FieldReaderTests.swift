import Foundation
import TestSupport
import Testing
@testable import Evidence

/// The fast field reader must say exactly what `JSONDecoder` says, or step aside.
@Suite("Fast field reader agrees with JSONDecoder")
struct FieldReaderTests {
    static let lines = String(decoding: Fixtures.data("audit-kube-apiserver-1.36.jsonl"), as: UTF8.self).split(separator: "\n").map(String.init)

    enum Outcome: Equatable {
        case records([AuditRecord])
        case error
    }

    static func viaDecoder(_ line: String) -> Outcome {
        guard let e = try? JSONDecoder().decode(AuditEventWire.self, from: Data(line.utf8)) else { return .error }
        return .records(AuditExtractor.records(from: e, file: "f", line: 1))
    }

    /// nil when the fast reader stepped aside (the scanner then uses JSONDecoder). The
    /// interner is shared across a test's lines, as the scanner shares it across a file's.
    static func viaReader(_ line: String, _ interner: StringInterner?) -> Outcome? {
        Array(line.utf8).withUnsafeBytes { buf in
            AuditFieldReader.read(buf, interner: interner).map { .records(AuditExtractor.records(from: $0, file: "f", line: 1)) }
        }
    }

    @Test("every real line is read by the fast path, with the same records")
    func realLines() {
        let interner = StringInterner()
        for (i, line) in Self.lines.enumerated() {
            for shared in [nil, interner] {
                let fast = Self.viaReader(line, shared)
                #expect(fast != nil, "line \(i + 1) fell back")
                #expect(fast == Self.viaDecoder(line), "line \(i + 1)")
            }
        }
        #expect(interner.count > 10)
    }

    /// Mutations a real log can hold: escapes, unicode, nulls, reordered and missing keys,
    /// spaces, other types, truncation.
    static func mutations(of line: String, _ rng: inout SplitMix) -> String {
        var l = line
        // The first occurrence only: in a kubelet review that is the author (the node), whose
        // fields the reader checks without making them.
        func first(_ a: String, _ b: String) -> String {
            guard let r = l.range(of: a) else { return l }
            return l.replacingCharacters(in: r, with: b)
        }
        switch Int.random(in: 0..<21, using: &rng) {
        case 0: l = l.replacingOccurrences(of: "\"sa-", with: "\"s\\u0061-")
        case 1: l = l.replacingOccurrences(of: "oracle-node", with: "or\\\"acle\\\\node")
        case 2: l = l.replacingOccurrences(of: ":", with: " : ").replacingOccurrences(of: ",", with: " , ")
        case 3: l = l.replacingOccurrences(of: "\"responseObject\":{", with: "\"responseObject\":null,\"x\":{")
        case 4: l = l.replacingOccurrences(of: "\"allowed\":true", with: "\"allowed\":\"yes\"")
        case 5: l = l.replacingOccurrences(of: "\"code\":201", with: "\"code\":201.5")
        case 6: l = l.replacingOccurrences(of: "\"groups\":[", with: "\"groups\":null,\"g\":[")
        case 7: l = String(l.dropLast(Int.random(in: 1..<40, using: &rng)))
        case 8: l = l.replacingOccurrences(of: "\"level\":\"", with: "\"level\":7,\"l\":\"")
        case 9: l = l.replacingOccurrences(of: "system:serviceaccount:oracle:", with: "system:serviceaccount:\u{00E9}t\u{00E9}:")
        case 10: l = l.replacingOccurrences(of: "\"annotations\":{", with: "\"annotations\":{\"a\":[1,{\"b\":\"}\"}],")
        case 11: l = l.replacingOccurrences(of: "\"user\":{", with: "\"user\":{\"extra\":null,")
        case 12: l = l.replacingOccurrences(of: "\"verb\":\"get\"", with: "\"verb\":\"get\\ttab\\u00e9\\ud83d\\ude00\"")
        case 14: l = first("\"groups\":[\"", "\"groups\":[7,\"")
        case 15: l = first("\"requestURI\":\"", "\"requestURI\":7,\"u\":\"")
        case 16: l = first("\"stageTimestamp\":\"", "\"stageTimestamp\":false,\"s\":\"")
        case 17: l = first("\"authentication.kubernetes.io/credential-id\":[", "\"authentication.kubernetes.io/credential-id\":[{},")
        // objectRef moved to the end, after the bodies (a shipper that reorders keys).
        case 18:
            if let r = l.range(of: "\"objectRef\":{"), let close = l[r.upperBound...].firstIndex(of: "}") {
                let ref = String(l[r.lowerBound...close])
                l.removeSubrange(r.lowerBound...close)
                l = l.replacingOccurrences(of: ",,", with: ",").replacingOccurrences(of: "{,", with: "{")
                l.insert(contentsOf: "," + ref, at: l.index(before: l.endIndex))
            }
        // Escapes JSONDecoder rejects, in fields the reader only checks.
        case 19: l = first("\"requestURI\":\"", "\"requestURI\":\"\\q")
        case 20: l = first("\"groups\":[\"", "\"groups\":[\"\\ud800")
        default: l = l.replacingOccurrences(of: "\"kind\":\"Event\"", with: "\"kind\":\"EventList\",\"items\":[" + line + "]")
        }
        return l
    }

    @Test("3000 mutated lines: same records, or the fast reader steps aside")
    func mutated() {
        var rng = SplitMix(state: 42)
        let interner = StringInterner()
        var fastTaken = 0
        for _ in 0..<3000 {
            var line = Self.lines.randomElement(using: &rng)!
            for _ in 0..<Int.random(in: 1...3, using: &rng) { line = Self.mutations(of: line, &rng) }
            let reference = Self.viaDecoder(line)
            if let fast = Self.viaReader(line, interner) {
                fastTaken += 1
                #expect(fast == reference, "\(line)")
            }
        }
        #expect(fastTaken > 1000)
    }
}
