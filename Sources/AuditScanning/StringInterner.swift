import Evidence
import Foundation

/// Makes each distinct short string once and hands out that one copy afterwards. The fields of
/// audit events repeat endlessly (users, groups, nodes, verbs, reasons), and allocating a fresh
/// String for each of them on each candidate line was a large share of an audit scan's time;
/// sharing one costs a retain. Not thread-safe: each scanning thread has its own.
///
/// Entries are found by the bytes they were made from, kept in one arena beside flat tables of
/// hashes and indices: a lookup compares integers and bytes and touches a String only to hand
/// it out (an array of optional entries, each holding a String, cost a retain and a release of
/// every entry it probed).
public final class StringInterner {
    /// Longer strings are rarely repeated and are made afresh. (RBAC reasons, which repeat, run
    /// to about 200 bytes.)
    public static let maxLength = 256
    /// A bound on the table, so a log with millions of distinct values cannot grow it without
    /// limit: once full, new strings are made afresh (still correct, only slower).
    public static let maxEntries = 1 << 16

    /// Open addressing: a slot's hash (0 when empty; hashes get their top bit set, so are never
    /// 0, and the slot comes from the low bits) and the index of its entry.
    private var slotHash: UnsafeMutablePointer<UInt64>
    private var slotEntry: UnsafeMutablePointer<Int32>
    private var mask: Int
    /// Each entry's string, and where its source bytes sit in `arena`. Raw buffers rather than
    /// arrays: the probe loop then pays no exclusivity check or reference count.
    private var strings: UnsafeMutablePointer<String>
    private var starts: UnsafeMutablePointer<Int32>
    private var lengths: UnsafeMutablePointer<Int32>
    private var entryCapacity: Int
    private var arena: UnsafeMutablePointer<UInt8>
    private var arenaCount = 0, arenaCapacity: Int
    public private(set) var count = 0

    public init() {
        mask = 1023
        slotHash = .allocate(capacity: mask + 1)
        slotHash.initialize(repeating: 0, count: mask + 1)
        slotEntry = .allocate(capacity: mask + 1)
        slotEntry.initialize(repeating: 0, count: mask + 1)
        entryCapacity = 512
        strings = .allocate(capacity: entryCapacity)
        starts = .allocate(capacity: entryCapacity)
        lengths = .allocate(capacity: entryCapacity)
        arenaCapacity = 16 << 10
        arena = .allocate(capacity: arenaCapacity)
    }

    deinit {
        strings.deinitialize(count: count)
        for p in [UnsafeMutableRawPointer(slotHash), UnsafeMutableRawPointer(slotEntry), UnsafeMutableRawPointer(strings),
                  UnsafeMutableRawPointer(starts), UnsafeMutableRawPointer(lengths), UnsafeMutableRawPointer(arena)] {
            p.deallocate()
        }
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
        let h = Self.hash(p, length) | 1 << 63
        var i = Int(truncatingIfNeeded: h) & mask
        while slotHash[i] != 0 {
            if slotHash[i] == h {
                let e = Int(slotEntry[i])
                if Int(lengths[e]) == length && Self.equal(arena + Int(starts[e]), p, length) { return strings[e] }
            }
            i = (i + 1) & mask
        }
        let s = try make(p, length)
        guard count < Self.maxEntries else { return s }
        add(s, p, length, slot: i, hash: h)
        return s
    }

    private func add(_ s: String, _ p: UnsafePointer<UInt8>, _ length: Int, slot i: Int, hash h: UInt64) {
        if count == entryCapacity {
            let capacity = entryCapacity * 2
            strings = Self.moved(strings, count: count, to: capacity)
            starts = Self.moved(starts, count: count, to: capacity)
            lengths = Self.moved(lengths, count: count, to: capacity)
            entryCapacity = capacity
        }
        if arenaCount + length > arenaCapacity {
            arenaCapacity = max(arenaCapacity * 2, arenaCount + length)
            arena = Self.moved(arena, count: arenaCount, to: arenaCapacity)
        }
        (arena + arenaCount).update(from: p, count: length)
        (strings + count).initialize(to: s)
        starts[count] = Int32(arenaCount)
        lengths[count] = Int32(length)
        arenaCount += length
        slotHash[i] = h
        slotEntry[i] = Int32(count)
        count += 1
        if count * 2 > mask + 1 { grow() }
    }

    private static func moved<T>(_ old: UnsafeMutablePointer<T>, count: Int, to capacity: Int) -> UnsafeMutablePointer<T> {
        let new = UnsafeMutablePointer<T>.allocate(capacity: capacity)
        new.moveInitialize(from: old, count: count)
        old.deallocate()
        return new
    }

    /// Word by word: the strings are short, and a call to memcmp cost more than the compare.
    private static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var i = 0
        while i + 8 <= length {
            if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
            i += 8
        }
        while i < length {
            if a[i] != b[i] { return false }
            i += 1
        }
        return true
    }

    private func grow() {
        let oldHash = slotHash, oldEntry = slotEntry, oldCount = mask + 1
        mask = oldCount * 2 - 1
        slotHash = .allocate(capacity: mask + 1)
        slotHash.initialize(repeating: 0, count: mask + 1)
        slotEntry = .allocate(capacity: mask + 1)
        slotEntry.initialize(repeating: 0, count: mask + 1)
        for j in 0..<oldCount where oldHash[j] != 0 {
            var i = Int(truncatingIfNeeded: oldHash[j]) & mask
            while slotHash[i] != 0 { i = (i + 1) & mask }
            slotHash[i] = oldHash[j]
            slotEntry[i] = oldEntry[j]
        }
        oldHash.deallocate()
        oldEntry.deallocate()
    }

    static func hash(_ p: UnsafePointer<UInt8>, _ length: Int) -> UInt64 { ByteHash.of(p, length) }
}
