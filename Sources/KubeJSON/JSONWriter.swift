import Foundation

/// Serialises `JSONValue` compactly (one line, for JSON lines) or indented like
/// `kubectl -o json` (four spaces). Writes bytes, not characters: reports of a large cluster
/// are tens of megabytes.
public enum JSONWriter {
    public static func compact(_ value: JSONValue) -> String {
        var out: [UInt8] = []
        write(value, into: &out, indent: nil, level: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// `compact`'s bytes, appended to `out`.
    public static func writeCompact(_ value: JSONValue, into out: inout [UInt8]) {
        write(value, into: &out, indent: nil, level: 0)
    }

    public static func pretty(_ value: JSONValue, indent: Int = 4) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        write(value, into: &out, indent: [UInt8](repeating: 0x20, count: indent), level: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// The same bytes as `pretty`, handed to `emit` in pieces of about `chunk` bytes as they are
    /// written, so a report of hundreds of megabytes is never held whole a second time.
    public static func pretty(_ value: JSONValue, indent: Int = 4, chunk: Int = 1 << 20, emit: ([UInt8]) -> Void) {
        var out: [UInt8] = []
        out.reserveCapacity(chunk + (1 << 12))
        write(value, into: &out, indent: [UInt8](repeating: 0x20, count: indent), level: 0) { buffer in
            if buffer.count >= chunk {
                emit(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        if !out.isEmpty { emit(out) }
    }

    /// Threads that encode `.items` members: one per core.
    public static let itemWorkers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 16))

    /// The same bytes as `pretty(object.tree)`, handed to `emit` in pieces of about `chunk`
    /// bytes; items of an `.items` member are built, written and dropped as they go, never all
    /// at once. With `workers` > 1, runs of `itemsPerChunk` items are written on that many
    /// threads and emitted in order (up to four runs per thread in flight); 1 writes each item
    /// on the caller's thread before the next.
    public static func pretty(_ object: StreamedObject, indent: Int = 4, chunk: Int = 1 << 20,
                              workers: Int = itemWorkers, itemsPerChunk: Int = 32, emit: ([UInt8]) -> Void) {
        let indent = [UInt8](repeating: 0x20, count: indent)
        var out: [UInt8] = []
        out.reserveCapacity(chunk + (1 << 12))
        func flush(_ buffer: inout [UInt8]) {
            if buffer.count >= chunk {
                emit(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        /// `count` items one level below `level`, item j written by `one`: in runs on every
        /// core when there are enough of them, else here. The runs join into the same bytes.
        func array(count: Int, level: Int, _ one: @escaping @Sendable (Int, inout [UInt8]) -> Void) {
            if count == 0 { out += "[]".utf8; return }
            out.append(UInt8(ascii: "["))
            let run: @Sendable (Range<Int>, inout [UInt8]) -> Void = { range, out in
                for j in range {
                    if j > 0 { out.append(UInt8(ascii: ",")) }
                    newline(&out, indent, level + 1)
                    one(j, &out)
                }
            }
            if workers > 1 && count > itemsPerChunk {
                emit(out)
                out.removeAll(keepingCapacity: true)
                OrderedChunkEncoder.run(count: count, itemsPerChunk: itemsPerChunk, workers: workers, encode: run, emit: emit)
            } else {
                for j in 0..<count {
                    run(j..<j + 1, &out)
                    flush(&out)
                }
            }
            newline(&out, indent, level)
            out.append(UInt8(ascii: "]"))
        }
        /// A member's value with any large array in it (the AI review's subjects) written as
        /// `.items` are; the rest as `write` writes it.
        func spread(_ value: JSONValue, level: Int) {
            switch value {
            case .array(let items) where workers > 1 && items.count > itemsPerChunk:
                array(count: items.count, level: level) { j, out in write(items[j], into: &out, indent: indent, level: level + 1) }
            case .object(let pairs) where workers > 1 && !pairs.isEmpty:
                out.append(UInt8(ascii: "{"))
                for (i, (k, v)) in pairs.enumerated() {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    newline(&out, indent, level + 1)
                    writeString(k, into: &out)
                    out += ": ".utf8
                    spread(v, level: level + 1)
                    flush(&out)
                }
                newline(&out, indent, level)
                out.append(UInt8(ascii: "}"))
            default:
                write(value, into: &out, indent: indent, level: level, flush: flush)
            }
        }
        guard !object.members.isEmpty else { emit(Array("{}".utf8)); return }
        out.append(UInt8(ascii: "{"))
        for (i, member) in object.members.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            newline(&out, indent, 1)
            writeString(member.key, into: &out)
            out += ": ".utf8
            switch member {
            case .value(_, let value):
                spread(value, level: 1)
            case .items(_, let count, let item, let bytes):
                array(count: count, level: 1) { j, out in
                    guard let bytes else { write(item(j), into: &out, indent: indent, level: 2); return }
                    // Written in place: the buffer borrows `out` and gives it back.
                    var buffer = PrettyJSONBuffer(indent: indent.count, level: 2)
                    swap(&buffer.bytes, &out)
                    bytes(j, &buffer)
                    swap(&buffer.bytes, &out)
                }
            }
            flush(&out)
        }
        newline(&out, indent, 0)
        out.append(UInt8(ascii: "}"))
        emit(out)
    }

    /// `flush` is offered the buffer between members and items, where it may take what is
    /// written so far.
    private static func write(_ value: JSONValue, into out: inout [UInt8], indent: [UInt8]?, level: Int,
                              flush: (inout [UInt8]) -> Void = { _ in }) {
        switch value {
        case .null: out += "null".utf8
        case .bool(let b): out += (b ? "true" : "false").utf8
        case .integer(let i): writeInteger(i, into: &out)
        case .number(let d): writeNumber(d, into: &out)
        case .string(let s): writeString(s, into: &out)
        case .array(let items):
            if items.isEmpty { out += "[]".utf8; return }
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(&out, indent, level + 1)
                write(item, into: &out, indent: indent, level: level + 1, flush: flush)
                flush(&out)
            }
            newline(&out, indent, level)
            out.append(UInt8(ascii: "]"))
        case .object(let pairs):
            if pairs.isEmpty { out += "{}".utf8; return }
            out.append(UInt8(ascii: "{"))
            for (i, (k, v)) in pairs.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(&out, indent, level + 1)
                writeString(k, into: &out)
                out.append(UInt8(ascii: ":"))
                if indent != nil { out.append(0x20) }
                write(v, into: &out, indent: indent, level: level + 1, flush: flush)
                flush(&out)
            }
            newline(&out, indent, level)
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Decimal digits without a `String` in between: a report has millions of integers.
    static func writeInteger(_ i: Int, into out: inout [UInt8]) {
        if i < 0 {
            guard i != .min else { out += String(i).utf8; return }
            out.append(UInt8(ascii: "-"))
        }
        var n = i.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[19 - count] = UInt8(ascii: "0") + UInt8(n % 10)
                n /= 10
                count += 1
            } while n > 0
            out.append(contentsOf: d[(20 - count)...])
        }
    }

    static func writeNumber(_ d: Double, into out: inout [UInt8]) {
        if d.isFinite && d == d.rounded() && abs(d) < 1e15 { writeInteger(Int(d), into: &out) } else { out += "\(d)".utf8 }
    }

    private static func newline(_ out: inout [UInt8], _ indent: [UInt8]?, _ level: Int) {
        guard let indent else { return }
        out.append(0x0A)
        out.append(contentsOf: repeatElement(0x20, count: level * indent.count))
    }

    /// Whether any of the eight bytes in `w` is below 0x20 or one of `"`, `\`, `<`, `>`, `&` or
    /// 0xE2 (the lead byte of U+2028 and U+2029): the bytes the loop in `writeString` stops at.
    /// The classic exact tests for "some byte is zero" and "some byte is below n" (n <= 0x80).
    @inline(__always)
    static func mayNeedEscape(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ v: UInt64) -> UInt64 { (v &- ones) & ~v & highs }
        let below = (w &- ones &* 0x20) & ~w & highs
        return (below | hasZero(w ^ (ones &* 0x22)) | hasZero(w ^ (ones &* 0x5C)) | hasZero(w ^ (ones &* 0x3C))
                | hasZero(w ^ (ones &* 0x3E)) | hasZero(w ^ (ones &* 0x26)) | hasZero(w ^ (ones &* 0xE2))) != 0
    }

    /// Escapes as Go's encoding/json does, including `<`, `>` and `&` as \u003c etc., so
    /// output can be compared byte for byte with the API server's.
    public static func writeString(_ s: String, into out: inout String) {
        var bytes: [UInt8] = []
        writeString(s, into: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }

    public static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { buf in
            var runStart = 0
            var i = 0
            func flush(_ upTo: Int) { if upTo > runStart { out.append(contentsOf: buf[runStart..<upTo]) } }
            while i < buf.count {
                // Eight bytes at a time while none of them needs a look (a report is hundreds of
                // MB of names and messages; the byte loop below was a tenth of `scan -o json`).
                while i + 8 <= buf.count && !mayNeedEscape(UnsafeRawPointer(buf.baseAddress! + i).loadUnaligned(as: UInt64.self)) {
                    i += 8
                }
                guard i < buf.count else { break }
                let b = buf[i]
                // Most bytes need no escape: they are passed over without the switch below
                // (reports of hundreds of MB are mostly names and messages).
                if b >= 0x20 && b != 0x22 && b != 0x5C && b != 0x3C && b != 0x3E && b != 0x26 && b != 0xE2 {
                    i += 1
                    continue
                }
                var escape: [UInt8]? = nil
                switch b {
                case 0x22: escape = Array("\\\"".utf8)
                case 0x5C: escape = Array("\\\\".utf8)
                case 0x0A: escape = Array("\\n".utf8)
                case 0x0D: escape = Array("\\r".utf8)
                case 0x09: escape = Array("\\t".utf8)
                case 0x3C: escape = Array("\\u003c".utf8)
                case 0x3E: escape = Array("\\u003e".utf8)
                case 0x26: escape = Array("\\u0026".utf8)
                case 0xE2 where i + 2 < buf.count && buf[i + 1] == 0x80 && (buf[i + 2] == 0xA8 || buf[i + 2] == 0xA9):
                    flush(i)
                    out += (buf[i + 2] == 0xA8 ? "\\u2028" : "\\u2029").utf8
                    i += 3
                    runStart = i
                    continue
                default:
                    if b < 0x20 {
                        let hex = String(b, radix: 16)
                        escape = Array(("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
                    }
                }
                if let escape {
                    flush(i)
                    out += escape
                    runStart = i + 1
                }
                i += 1
            }
            flush(buf.count)
        }
        out.append(UInt8(ascii: "\""))
    }
}
