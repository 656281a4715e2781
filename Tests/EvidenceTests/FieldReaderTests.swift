import Foundation
import TestSupport
import Testing
@testable import AuditScanning
import Evidence

/// The fast field reader must say exactly what `JSONDecoder` says, or step aside.
@Suite("Fast field reader agrees with JSONDecoder")
struct FieldReaderTests {
    static let lines: [[UInt8]] = Fixtures.data("audit-kube-apiserver-1.36.jsonl").split(separator: 0x0A).map { Array($0) }

    enum Outcome: Equatable {
        case records([AuditRecord])
        case error
    }

    static func viaDecoder(_ line: [UInt8]) -> Outcome {
        guard let e = try? JSONDecoder().decode(AuditEventWire.self, from: Data(line)) else { return .error }
        return .records(AuditExtractor.records(from: e, source: .file(path: "f", line: 1, offset: 0), cluster: ""))
    }

    /// nil when the fast reader stepped aside (the scanner then uses JSONDecoder). The
    /// interner is shared across a test's lines, as the scanner shares it across a file's.
    static func viaReader(_ line: [UInt8], _ interner: StringInterner?) -> Outcome? {
        line.withUnsafeBytes { buf in
            AuditFieldReader.read(buf, interner: interner).map { .records(AuditExtractor.records(from: $0, source: .file(path: "f", line: 1, offset: 0), cluster: "")) }
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

    /// Byte sequences that are not UTF-8: a stray continuation byte, a lead byte without its
    /// continuation, an overlong `/`, a surrogate, a value above U+10FFFF, a byte never used.
    static let invalidUTF8: [[UInt8]] = [[0x80], [0xC3, 0x28], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0xE2, 0x82]]

    /// Mutations a real log can hold: escapes, unicode, nulls, reordered and missing keys,
    /// spaces, other types, truncation, and JSON that is not JSON (misspelt literals, numbers
    /// with letters or leading zeros, mismatched brackets, bytes that are not UTF-8), both in
    /// fields the reader reads and in values it skips.
    static func mutations(of line: [UInt8], _ rng: inout SplitMix) -> [UInt8] {
        var l = line
        func all(_ a: String, _ b: String) { l = l.replacingAll(Array(a.utf8), with: Array(b.utf8)) }
        // The first occurrence only: in a kubelet review that is the author (the node), whose
        // fields the reader checks without making them.
        func first(_ a: String, _ b: [UInt8]) { l = l.replacingFirst(Array(a.utf8), with: b) }
        func first(_ a: String, _ b: String) { first(a, Array(b.utf8)) }
        /// A member placed first in the event, where the reader skips it.
        func skipped(_ value: [UInt8]) { first("{", Array("{\"x\":".utf8) + value + [0x2C]) }
        func skipped(_ value: String) { skipped(Array(value.utf8)) }
        switch Int.random(in: 0..<30, using: &rng) {
        case 0: all("\"sa-", "\"s\\u0061-")
        case 1: all("oracle-node", "or\\\"acle\\\\node")
        case 2: all(":", " : "); all(",", " , ")
        case 3: all("\"responseObject\":{", "\"responseObject\":null,\"x\":{")
        case 4: all("\"allowed\":true", "\"allowed\":\"yes\"")
        case 5: all("\"code\":201", "\"code\":201.5")
        case 6: all("\"groups\":[", "\"groups\":null,\"g\":[")
        case 7: l.removeLast(min(l.count, Int.random(in: 1..<40, using: &rng)))
        case 8: all("\"level\":\"", "\"level\":7,\"l\":\"")
        case 9: all("system:serviceaccount:oracle:", "system:serviceaccount:\u{00E9}t\u{00E9}:")
        case 10: all("\"annotations\":{", "\"annotations\":{\"a\":[1,{\"b\":\"}\"}],")
        case 11: all("\"user\":{", "\"user\":{\"extra\":null,")
        case 12: all("\"verb\":\"get\"", "\"verb\":\"get\\ttab\\u00e9\\ud83d\\ude00\"")
        case 13: first("\"groups\":[\"", "\"groups\":[7,\"")
        case 14: first("\"requestURI\":\"", "\"requestURI\":7,\"u\":\"")
        case 15: first("\"stageTimestamp\":\"", "\"stageTimestamp\":false,\"s\":\"")
        case 16: first("\"authentication.kubernetes.io/credential-id\":[", "\"authentication.kubernetes.io/credential-id\":[{},")
        // objectRef moved to the end, after the bodies (a shipper that reorders keys).
        case 17:
            let key = Array("\"objectRef\":{".utf8)
            if let r = l.firstRange(of: key), let close = l[r.upperBound...].firstIndex(of: 0x7D) {
                let ref = Array(l[r.lowerBound...close])
                l.removeSubrange(r.lowerBound...close)
                all(",,", ",")
                all("{,", "{")
                l.insert(contentsOf: [0x2C] + ref, at: l.index(before: l.endIndex))
            }
        // Escapes JSONDecoder rejects, in fields the reader only checks.
        case 18: first("\"requestURI\":\"", "\"requestURI\":\"\\q")
        case 19: first("\"groups\":[\"", "\"groups\":[\"\\ud800")
        case 20: all("\"kind\":\"Event\"", "\"kind\":\"EventList\",\"items\":[" + String(decoding: line, as: UTF8.self) + "]")
        // Objects that are not audit input, and an EventList whose items are not a list.
        case 27: first("\"apiVersion\":\"audit.k8s.io/v1\"", "\"apiVersion\":\"bogus/v99\"")
        case 28: first("\"kind\":\"Event\"", ["\"kind\":\"Pod\"", "\"kind\":null", "\"x\":\"Event\""].randomElement(using: &rng)!)
        case 29: all("\"kind\":\"Event\"", "\"kind\":\"EventList\",\"items\":\"" + ["x", "[]", ""].randomElement(using: &rng)! + "\"")
        // Literals cut short, read and skipped.
        case 21: if Bool.random(using: &rng) { all("\"allowed\":true", "\"allowed\":tru") } else { skipped("tru") }
        case 22: if Bool.random(using: &rng) { all("\"allowed\":false", "\"allowed\":nul") } else { skipped("nul") }
        // Numbers with letters, and with leading zeros.
        case 23: if Bool.random(using: &rng) { all("\"code\":201", "\"code\":12abc") } else { skipped("12abc") }
        case 24: if Bool.random(using: &rng) { all("\"code\":201", "\"code\":0201") } else { skipped("0201") }
        // Brackets that do not match.
        case 25:
            if Bool.random(using: &rng) { skipped("[\"v\"}") } else { all("\"annotations\":{", "\"annotations\":{\"a\":{\"b\":[1}],") }
        // Bytes that are not UTF-8: in a string the reader makes, one it checks, one it
        // skips, and a key.
        default:
            let bad = invalidUTF8.randomElement(using: &rng)!
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: first("system:node:", Array("system:node:".utf8) + bad)
            case 1: first("\"requestURI\":\"", Array("\"requestURI\":\"".utf8) + bad)
            case 2: skipped([0x22] + bad + [0x22])
            default: first("{", [0x7B, 0x22] + bad + Array("\":1,".utf8))
            }
        }
        return l
    }

    @Test("3000 mutated lines: same records, or the fast reader steps aside")
    func mutated() {
        var rng = SplitMix(state: 42)
        let interner = StringInterner()
        var fastTaken = 0, rejected = 0
        for _ in 0..<3000 {
            var line = Self.lines.randomElement(using: &rng)!
            for _ in 0..<Int.random(in: 1...3, using: &rng) { line = Self.mutations(of: line, &rng) }
            let reference = Self.viaDecoder(line)
            if reference == .error { rejected += 1 }
            if let fast = Self.viaReader(line, interner) {
                fastTaken += 1
                #expect(fast == reference, "\(String(decoding: line, as: UTF8.self))")
            }
        }
        #expect(fastTaken > 600)
        #expect(rejected > 300, "the mutations make lines JSONDecoder rejects")
    }

    /// One kubelet review line with each kind of invalid JSON, where the reader reads it and
    /// where it only skips it: JSONDecoder rejects every one, so the reader must step aside.
    static let rejectedCases: [(String, String, String)] = [
        ("a literal cut short, read", "\"allowed\":false", "\"allowed\":fals"),
        ("a literal cut short, skipped", "\"sourceIPs\":[\"127.0.0.1\"]", "\"sourceIPs\":tru"),
        ("null cut short, skipped", "\"sourceIPs\":[\"127.0.0.1\"]", "\"sourceIPs\":nul"),
        ("a number with letters, read", "\"code\":201", "\"code\":12abc"),
        ("a number with letters, skipped", "\"sourceIPs\":[\"127.0.0.1\"]", "\"sourceIPs\":12abc"),
        ("a leading zero, read", "\"code\":201", "\"code\":0201"),
        ("mismatched brackets, skipped", "\"sourceIPs\":[\"127.0.0.1\"]", "\"sourceIPs\":[\"v\"}"),
        ("mismatched brackets in a skipped object", "\"metadata\":{}", "\"metadata\":{\"a\":[1}]"),
        ("a missing comma, skipped", "\"sourceIPs\":[\"127.0.0.1\"]", "\"sourceIPs\":[\"v\" \"w\"]"),
        ("a missing colon, skipped", "\"metadata\":{}", "\"metadata\":{\"a\" 1}"),
        ("an apiVersion that is not audit's", "\"apiVersion\":\"audit.k8s.io/v1\"", "\"apiVersion\":\"bogus/v99\""),
        ("no apiVersion", "\"apiVersion\":\"audit.k8s.io/v1\",", ""),
        ("a kind that is not Event", "\"kind\":\"Event\"", "\"kind\":\"Pod\""),
        ("an EventList of another version", "\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\"", "\"kind\":\"EventList\",\"apiVersion\":\"bogus/v99\",\"items\":[]"),
        ("an EventList whose items are a string", "\"kind\":\"Event\"", "\"kind\":\"EventList\",\"items\":\"x\""),
        ("an EventList whose items are an object", "\"kind\":\"Event\"", "\"kind\":\"EventList\",\"items\":{}"),
    ]

    @Test("invalid JSON, and objects that are not audit events, that JSONDecoder rejects: the reader steps aside", arguments: rejectedCases)
    func rejected(_ c: (String, String, String)) throws {
        let line = try #require(Self.lines.first)
        let mutated = line.replacingFirst(Array(c.1.utf8), with: Array(c.2.utf8))
        #expect(mutated != line, "\(c.0): the fixture has \(c.1)")
        #expect(Self.viaDecoder(mutated) == .error, "\(c.0)")
        #expect(Self.viaReader(mutated, nil) == nil, "\(c.0)")
    }

    @Test("bytes that are not UTF-8 in a string the reader makes, checks or compares as a key: it steps aside",
          arguments: invalidUTF8)
    func notUTF8(_ bad: [UInt8]) throws {
        let line = try #require(Self.lines.first)
        for (at, insert) in [("system:node:", "system:node:"), ("\"requestURI\":\"", "\"requestURI\":\""), ("{\"kind\"", "{\"k")] {
            let mutated = line.replacingFirst(Array(at.utf8), with: Array(insert.utf8) + bad + (at.hasPrefix("{") ? Array("\":1,\"kind\"".utf8) : []))
            #expect(Self.viaDecoder(mutated) == .error, "\(bad) at \(at)")
            #expect(Self.viaReader(mutated, nil) == nil, "\(bad) at \(at)")
        }
    }

    @Test("audit.k8s.io/v1beta1 events are read, by both readers, as their v1 form is")
    func v1beta1() {
        for line in Self.lines {
            let beta = line.replacingFirst(Array("\"apiVersion\":\"audit.k8s.io/v1\"".utf8), with: Array("\"apiVersion\":\"audit.k8s.io/v1beta1\"".utf8))
            #expect(beta != line)
            #expect(Self.viaReader(beta, nil) == Self.viaDecoder(line))
            #expect(Self.viaDecoder(beta) == Self.viaDecoder(line))
        }
    }

    @Test("valid multi-byte UTF-8 is still read by the fast path")
    func validUTF8() throws {
        let line = try #require(Self.lines.first)
        let mutated = line.replacingFirst(Array("system:serviceaccount:oracle:".utf8), with: Array("system:serviceaccount:\u{00E9}\u{4E2D}\u{1F600}:".utf8))
        let fast = Self.viaReader(mutated, nil)
        #expect(fast != nil)
        #expect(fast == Self.viaDecoder(mutated))
    }
}

extension [UInt8] {
    func replacingAll(_ a: [UInt8], with b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [], k = startIndex
        while let r = self[k...].firstRange(of: a) {
            out += self[k..<r.lowerBound] + b
            k = r.upperBound
        }
        return out + self[k...]
    }

    func replacingFirst(_ a: [UInt8], with b: [UInt8]) -> [UInt8] {
        guard let r = firstRange(of: a) else { return self }
        var out = self
        out.replaceSubrange(r, with: b)
        return out
    }
}
