import CByteSearch
import Foundation
import TestSupport
import Testing
@testable import AuditScanning
import Evidence

/// The line screen must mark exactly the lines a plain substring search finds a needle in.
@Suite("Needle search")
struct NeedleSearchTests {
    static let needles = AuditLineScanner.needles
    static let texts = ["subjectaccessreviews", "\"proxy\""].map { Array($0.utf8) }

    /// Haystacks built to stress the screen: needles and near-misses (the probe bytes without
    /// the rest, a needle cut short) at random places, including the very end where a vector
    /// load would run past the buffer.
    static func haystack(_ rng: inout SplitMix) -> [UInt8] {
        let pieces: [[UInt8]] = texts + [
            Array("subjectaccessreview".utf8), Array("\"proxy".utf8), Array("jw xy".utf8), Array("sub ject xy\"".utf8),
            Array("proxy\"".utf8), Array("\"\"proxy\"\"".utf8), Array("subjectaccessreviewssubjectaccessreviews".utf8),
        ]
        var hay: [UInt8] = []
        let size = Int.random(in: 0..<300, using: &rng)
        while hay.count < size {
            if Int.random(in: 0..<6, using: &rng) == 0 {
                hay += pieces.randomElement(using: &rng)!
            } else {
                hay.append(Array("abjwxy\"{}:, \n".utf8).randomElement(using: &rng)!)
            }
        }
        return hay
    }

    @Test("5000 haystacks of needles and near misses: the screen marks exactly the lines that hold a needle", arguments: [true, false])
    func randomHaystacks(vectorized: Bool) {
        var rng = SplitMix(state: 7)
        var found = 0
        let out = UnsafeMutableBufferPointer<ka_line>.allocate(capacity: 64)
        defer { out.deallocate() }
        for _ in 0..<5000 {
            let hay = Self.haystack(&rng)
            let want = LineScreenTests.reference(hay).reported.filter(\.candidate).map(\.index)
            found += want.count
            var got: [Int] = []
            hay.withUnsafeBytes { buf in
                var offset = 0, lines = 0, n = 0
                repeat {
                    n = Self.needles.screenLines(in: buf, offset: &offset, lines: &lines, into: out, vectorized: vectorized)
                    got += out[0..<n].filter { $0.candidate != 0 }.map { Int($0.index) }
                } while n == out.count
            }
            #expect(got == want, "\(String(decoding: hay, as: UTF8.self))")
        }
        #expect(found > 2000)
    }

    @Test("the screen finds a needle ending on the buffer's last byte, at every alignment", arguments: [true, false])
    func atTheEnd(vectorized: Bool) {
        let out = UnsafeMutableBufferPointer<ka_line>.allocate(capacity: 4)
        defer { out.deallocate() }
        for t in Self.texts {
            for length in (t.count + 1)..<(t.count + 200) {
                // One line with no newline that ends with the needle (so it is reported anyway:
                // it does not end with `}`), and the same line one byte short of the needle.
                var hay = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                hay[0] = 0x7B
                hay.replaceSubrange((length - t.count)..<length, with: t)
                for (bytes, candidate) in [(hay, Int32(1)), (Array(hay.dropLast()), Int32(0))] {
                    bytes.withUnsafeBytes { buf in
                        var offset = 0, lines = 0
                        #expect(Self.needles.screenLines(in: buf, offset: &offset, lines: &lines, into: out, vectorized: vectorized) == 1)
                        #expect(out[0].candidate == candidate && out[0].end == bytes.count && lines == 1, "\(length)")
                    }
                }
            }
        }
    }
}

@Suite("String interner")
struct StringInternerTests {
    static func intern(_ i: StringInterner, _ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { i.string($0.baseAddress!, $0.count) }
    }

    @Test("equal bytes give the same string; different bytes, different strings; through growth")
    func roundTrip() {
        let interner = StringInterner()
        let words = (0..<5000).map { "system:serviceaccount:ns-\($0 % 97):collector-\($0)" } + ["", "a", "é", "system:nodes"]
        for w in words { #expect(Self.intern(interner, Array(w.utf8)) == w) }
        #expect(interner.count == words.count)
        for w in words.reversed() { #expect(Self.intern(interner, Array(w.utf8)) == w) }
        #expect(interner.count == words.count, "a second pass adds nothing")
    }

    @Test("invalid UTF-8 is repaired as String(decoding:) repairs it (and kept by its bytes); long strings bypass the table")
    func edges() {
        let interner = StringInterner()
        let invalid: [UInt8] = [0x61, 0xFF, 0x62, 0xC3]
        #expect(Self.intern(interner, invalid) == String(decoding: invalid, as: UTF8.self))
        #expect(Self.intern(interner, invalid) == String(decoding: invalid, as: UTF8.self))
        let long = [UInt8](repeating: 0x6C, count: StringInterner.maxLength + 1)
        #expect(Self.intern(interner, long) == String(decoding: long, as: UTF8.self))
        #expect(interner.count == 1, "the repaired string is kept once, the long one not at all")
    }

    @Test("a string made by an unescaper is found again by its raw bytes, not by what it spells")
    func madeStrings() {
        let interner = StringInterner()
        func unescaped(_ raw: String) -> String {
            Array(raw.utf8).withUnsafeBufferPointer { b in
                interner.string(raw: b.baseAddress!, b.count) { p, n in
                    String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self).replacingOccurrences(of: "\\\"", with: "\"")
                }
            }
        }
        #expect(unescaped(#"say \"hi\""#) == #"say "hi""#)
        #expect(Self.intern(interner, Array(#"say "hi""#.utf8)) == #"say "hi""#)
        #expect(interner.count == 2, "the escaped and the plain spelling are two entries")
        #expect(unescaped(#"say \"hi\""#) == #"say "hi""#)
        #expect(interner.count == 2)
    }

    @Test("the table stops growing at its bound and still answers every string")
    func bounded() {
        let interner = StringInterner()
        let n = StringInterner.maxEntries + 100
        let wrong = (0..<n).filter { Self.intern(interner, Array("node-\($0)".utf8)) != "node-\($0)" }
        #expect(wrong.isEmpty)
        #expect(interner.count == StringInterner.maxEntries)
        let wrongAgain = (0..<n).reversed().filter { Self.intern(interner, Array("node-\($0)".utf8)) != "node-\($0)" }
        #expect(wrongAgain.isEmpty)
        #expect(interner.count == StringInterner.maxEntries)
    }
}

/// Where a JSON string ends (the field reader's hot loop, vectorised in C), against a byte-at-a-
/// time reference.
@Suite("JSON string end")
struct JSONStringEndTests {
    /// The closing quote's index and whether an escape came first, or nil for "not a string
    /// here": the buffer ends, a raw control character comes first, or the string is not UTF-8.
    static func reference(_ b: [UInt8], from start: Int) -> (Int, Bool)? {
        var j = start, escaped = false
        while j < b.count {
            if b[j] == 0x22 { return String(validating: b[start..<j], as: UTF8.self) == nil ? nil : (j, escaped) }
            if b[j] < 0x20 { return nil }
            if b[j] == 0x5C { escaped = true; j += 2 } else { j += 1 }
        }
        return nil
    }

    @Test("20000 random buffers at every alignment, with UTF-8 whole and broken")
    func random() {
        var rng = SplitMix(state: 11)
        // Single bytes, whole characters of two to four bytes, and pieces of them.
        let alphabet: [[UInt8]] = Array("abc\"\\\u{1}\n é{}".utf8).map { [$0] } + ["é", "中", "😀"].map { Array($0.utf8) }
            + [[0xC3], [0xA9], [0xE4, 0xB8], [0xF0, 0x9F, 0x98], [0xC0, 0xAF], [0xED, 0xA0, 0x80]]
        var closed = 0, multiByte = 0
        for _ in 0..<20000 {
            let count = Int.random(in: 0..<70, using: &rng)
            // Mostly plain bytes, so the 16-byte path runs before a special byte appears.
            var bytes: [UInt8] = []
            while bytes.count < count {
                bytes += Int.random(in: 0..<12, using: &rng) == 0 ? alphabet.randomElement(using: &rng)! : [UInt8(ascii: "x")]
            }
            bytes.removeLast(bytes.count - count)
            // Most buffers get a closing quote somewhere.
            if count > 0 && Int.random(in: 0..<3, using: &rng) > 0 { bytes[Int.random(in: 0..<count, using: &rng)] = 0x22 }
            let start = count == 0 ? 0 : Int.random(in: 0..<count, using: &rng)
            let got = bytes.withUnsafeBufferPointer { buf -> (Int, Bool)? in
                guard let base = buf.baseAddress else { return nil }
                return try? AuditFieldReader(p: base, n: count, i: 0, interner: nil).stringEnd(from: start)
            }
            let want = Self.reference(bytes, from: start)
            #expect(got?.0 == want?.0 && got?.1 == want?.1, "\(bytes) from \(start)")
            if let want {
                closed += 1
                if bytes[start..<want.0].contains(where: { $0 >= 0x80 }) { multiByte += 1 }
            }
        }
        #expect(closed > 5000)
        #expect(multiByte > 200)
    }
}

/// The line screen against a line-by-line reference, with output buffers so small that it must
/// stop and resume many times.
@Suite("Line screen")
struct LineScreenTests {
    struct Reported: Equatable { let start: Int, end: Int, index: Int, candidate: Bool }

    /// The lines a closer look is needed for: a needle in them, longer than `maxLine`, or not
    /// plainly `{...}` beginning as the API server begins an event.
    static func reference(_ b: [UInt8], maxLine: Int = .max) -> (lines: Int, reported: [Reported]) {
        var out: [Reported] = []
        var start = 0, index = 0
        while start < b.count {
            let end = b[start...].firstIndex(of: 0x0A) ?? b.count
            let line = Array(b[start..<end])
            let candidate = NeedleSearchTests.texts.contains { line.firstRange(of: $0) != nil }
            let plain = line.first == 0x7B && line.last == 0x7D
                && AuditEventType.linePrefixes.contains { line.count > $0.utf8.count && line.starts(with: Array($0.utf8)) }
            if candidate || !plain || line.count > maxLine { out.append(Reported(start: start, end: end, index: index, candidate: candidate)) }
            index += 1
            start = end + 1
        }
        return (index, out)
    }

    @Test("the screen on the real audit lines: every line with a needle, and no other, is a candidate", arguments: [true, false])
    func realLines(vectorized: Bool) {
        let data = Array(Fixtures.data("audit-kube-apiserver-1.36.jsonl"))
        let want = Self.reference(data)
        var got: [Reported] = []
        var offset = 0, lines = 0
        data.withUnsafeBytes { buf in
            let out = UnsafeMutableBufferPointer<ka_line>.allocate(capacity: 64)
            defer { out.deallocate() }
            let n = AuditLineScanner.needles.screenLines(in: buf, offset: &offset, lines: &lines, into: out, vectorized: vectorized)
            got = out[0..<n].map { Reported(start: $0.start, end: $0.end, index: $0.index, candidate: $0.candidate != 0) }
        }
        #expect(want.reported.count > 10)
        #expect(got == want.reported)
        #expect(lines == want.lines)
    }

    static func buffer(_ rng: inout SplitMix) -> [UInt8] {
        let pieces = ["{\"a\":1}", "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"a\":1}",
                      "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1beta1\",\"b\":{}}", "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",}",
                      "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\"}", "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"items\":[]}",
                      "{\"objectRef\":{\"resource\":\"subjectaccessreviews\"}}", "{\"subresource\":\"proxy\"}", "", " ", "\r",
                      "{\"cut\":", "\u{FEFF}{}", "[1]", "{\"x\":\"" + String(repeating: "y", count: 70) + "\"}", "subjectaccessreviews", "\"proxy\""]
        var text = ""
        for _ in 0..<Int.random(in: 0..<40, using: &rng) {
            text += pieces.randomElement(using: &rng)! + (Int.random(in: 0..<8, using: &rng) == 0 ? "" : "\n")
        }
        return Array(text.utf8)
    }

    @Test("3000 buffers, output capacity 1 to 4, some line limits: the same lines, numbers and candidates", arguments: [true, false])
    func againstReference(vectorized: Bool) {
        var rng = SplitMix(state: 5)
        var candidates = 0, overlong = 0
        for _ in 0..<3000 {
            let b = Self.buffer(&rng)
            let maxLine = [Int.max, 0, 8, 30, 77].randomElement(using: &rng)!
            let want = Self.reference(b, maxLine: maxLine)
            overlong += want.reported.filter { $0.end - $0.start > maxLine }.count
            candidates += want.reported.filter(\.candidate).count
            let capacity = Int.random(in: 1...4, using: &rng)
            var got: [Reported] = []
            var offset = 0, lines = 0
            b.withUnsafeBytes { buf in
                let out = UnsafeMutableBufferPointer<ka_line>.allocate(capacity: capacity)
                defer { out.deallocate() }
                var n = 0
                repeat {
                    n = AuditLineScanner.needles.screenLines(in: buf, offset: &offset, lines: &lines, maxLineLength: maxLine,
                                                             into: out, vectorized: vectorized)
                    got += out[0..<n].map { Reported(start: $0.start, end: $0.end, index: $0.index, candidate: $0.candidate != 0) }
                } while n == capacity
            }
            #expect(got == want.reported, "\(String(decoding: b, as: UTF8.self).debugDescription)")
            #expect(lines == want.lines)
            #expect(offset == b.count || b.isEmpty)
        }
        #expect(candidates > 3000)
        #expect(overlong > 1000)
    }
}
