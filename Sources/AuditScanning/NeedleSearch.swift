import CByteSearch
import Glibc

/// A fixed set of byte strings, the scanner's screen for lines that can matter
/// (`ka_screen_lines`). Each needle names two probe positions, bytes that are rare in the
/// haystack, which the vector screen compares before confirming a hit with memcmp. Lines that
/// do not begin with one of `linePrefixes` (when there are any) are handed back too.
public final class NeedleSearch: @unchecked Sendable {
    // The C structs point into `storage`, which lives as long as this object and never changes.
    private let storage: UnsafeMutablePointer<UInt8>
    private let needles: UnsafeMutablePointer<ka_needle>
    private let prefixes: UnsafeMutablePointer<ka_prefix>
    public let count: Int
    public let linePrefixes: [[UInt8]]

    public init(_ specs: [(needle: String, probes: (Int, Int))], linePrefixes: [String] = []) {
        precondition(!specs.isEmpty && specs.count <= Int(KA_MAX_NEEDLES), "1 to \(KA_MAX_NEEDLES) needles")
        let bytes = specs.map { Array($0.needle.utf8) }
        self.linePrefixes = linePrefixes.map { Array($0.utf8) }
        storage = .allocate(capacity: bytes.reduce(0) { $0 + $1.count } + self.linePrefixes.reduce(0) { $0 + $1.count })
        needles = .allocate(capacity: specs.count)
        prefixes = .allocate(capacity: max(1, self.linePrefixes.count))
        var offset = 0
        for (k, b) in bytes.enumerated() {
            let (p1, p2) = specs[k].probes
            precondition(!b.isEmpty && b.indices.contains(p1) && b.indices.contains(p2), "probe outside needle \(specs[k].needle)")
            (storage + offset).initialize(from: b, count: b.count)
            needles[k] = ka_needle(bytes: storage + offset, length: b.count, probe1: p1, probe2: p2)
            offset += b.count
        }
        for (k, b) in self.linePrefixes.enumerated() {
            (storage + offset).initialize(from: b, count: b.count)
            prefixes[k] = ka_prefix(bytes: storage + offset, length: b.count)
            offset += b.count
        }
        count = specs.count
    }

    deinit {
        storage.deallocate()
        needles.deallocate()
        prefixes.deallocate()
    }

    /// Whether `line` begins with one of the line prefixes (and has more after it), as the
    /// screen judges it.
    public func hasLinePrefix(_ line: UnsafeRawBufferPointer) -> Bool {
        linePrefixes.isEmpty || linePrefixes.contains { p in line.count > p.count && p.withUnsafeBytes { memcmp(line.baseAddress!, $0.baseAddress!, p.count) == 0 } }
    }

    /// `ka_screen_lines` over `buffer`: reports into `out` the lines from `offset` on that hold a
    /// needle, are longer than `maxLineLength`, are not plainly `{...}` or lack a line prefix, advancing `offset`
    /// and `lines`; returns how many. `vectorized: false` runs the path of CPUs without AVX2.
    public func screenLines(in buffer: UnsafeRawBufferPointer, offset: inout Int, lines: inout Int, maxLineLength: Int = .max,
                            into out: UnsafeMutableBufferPointer<ka_line>, vectorized: Bool = true) -> Int {
        guard let base = buffer.baseAddress, offset < buffer.count, let o = out.baseAddress else { return 0 }
        var off = offset, count = lines
        let screen = vectorized ? ka_screen_lines : ka_screen_lines_scalar
        let reported = screen(base.assumingMemoryBound(to: UInt8.self), buffer.count, &off, &count, needles, Int32(self.count),
                              prefixes, Int32(linePrefixes.count), max(0, maxLineLength), o, out.count)
        offset = off
        lines = count
        return reported
    }
}
