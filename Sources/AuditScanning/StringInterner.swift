import Foundation

/// Makes each distinct short string once and hands out that one copy afterwards. The fields of
/// audit events repeat endlessly (users, groups, nodes, verbs, reasons), and allocating a fresh
/// String for each of them on each candidate line was a large share of an audit scan's time;
/// sharing one costs a retain. Not thread-safe: each scanning thread has its own.
public final class StringInterner {
    private struct Entry {
        let hash: UInt64
        let string: String
        /// The bytes the string was made from, when it does not spell them (an escaped JSON
        /// string, repaired UTF-8); nil when it does.
        let raw: [UInt8]?
    }

    /// Longer strings are rarely repeated and are made afresh. (RBAC reasons, which repeat, run
    /// to about 200 bytes.)
    public static let maxLength = 256
    /// A bound on the table, so a log with millions of distinct values cannot grow it without
    /// limit: once full, new strings are made afresh (still correct, only slower).
    public static let maxEntries = 1 << 16

    private var slots: [Entry?]
    private var mask: Int
    public private(set) var count = 0

    public init() {
        slots = Array(repeating: nil, count: 1024)
        mask = 1023
    }

    /// The string the UTF-8 bytes spell (invalid sequences repaired as `String(decoding:)` does).
    public func string(_ p: UnsafePointer<UInt8>, _ length: Int) -> String {
        string(raw: p, length) { String(decoding: UnsafeBufferPointer(start: $0, count: $1), as: UTF8.self) }
    }

    /// The string `make` makes from these bytes (an unescaper, say), made once per distinct
    /// bytes: `make` must give the same string for the same bytes.
    public func string(raw p: UnsafePointer<UInt8>, _ length: Int,
                       make: (UnsafePointer<UInt8>, Int) throws -> String) rethrows -> String {
        guard length <= Self.maxLength else { return try make(p, length) }
        let h = Self.hash(p, length)
        var i = Int(truncatingIfNeeded: h) & mask
        while let e = slots[i] {
            if e.hash == h {
                if let raw = e.raw {
                    if raw.count == length && raw.withUnsafeBufferPointer({ memcmp($0.baseAddress!, p, length) == 0 }) { return e.string }
                } else if Self.equal(e.string, p, length) {
                    return e.string
                }
            }
            i = (i + 1) & mask
        }
        let s = try make(p, length)
        guard count < Self.maxEntries else { return s }
        slots[i] = Entry(hash: h, string: s, raw: Self.equal(s, p, length) ? nil : Array(UnsafeBufferPointer(start: p, count: length)))
        count += 1
        if count * 2 > slots.count { grow() }
        return s
    }

    private static func equal(_ s: String, _ p: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        var s = s
        // Native strings are contiguous; the closure runs without copying.
        return s.withUTF8 { u in u.count == length && (length == 0 || memcmp(u.baseAddress!, p, length) == 0) }
    }

    private func grow() {
        let old = slots
        slots = Array(repeating: nil, count: old.count * 2)
        mask = slots.count - 1
        for case let e? in old {
            var i = Int(truncatingIfNeeded: e.hash) & mask
            while slots[i] != nil { i = (i + 1) & mask }
            slots[i] = e
        }
    }

    /// FNV-1a over 8-byte words, then a final mix: fast on the short keys seen here. Not
    /// resistant to chosen collisions, which cost only speed (the table is bounded).
    static func hash(_ p: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(length)
        let raw = UnsafeRawPointer(p)
        var i = 0
        while i + 8 <= length {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x0000_0100_0000_01b3
            h ^= h >> 29
            i += 8
        }
        while i < length {
            h = (h ^ UInt64(p[i])) &* 0x0000_0100_0000_01b3
            i += 1
        }
        h ^= h >> 32
        h = h &* 0xd6e8_feb8_6659_fd93
        return h ^ (h >> 32)
    }
}
