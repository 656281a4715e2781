import CByteSearch

/// A fixed set of byte strings found in one pass over a buffer (`ka_find_any`): the scanner's
/// screen for lines that can matter. Each needle names two probe positions, bytes that are rare
/// in the haystack, which the vector search compares before confirming a hit with memcmp.
public final class NeedleSearch: @unchecked Sendable {
    // The C structs point into `storage`, which lives as long as this object and never changes.
    private let storage: UnsafeMutablePointer<UInt8>
    private let needles: UnsafeMutablePointer<ka_needle>
    public let count: Int

    public init(_ specs: [(needle: String, probes: (Int, Int))]) {
        precondition(!specs.isEmpty && specs.count <= Int(KA_MAX_NEEDLES), "1 to \(KA_MAX_NEEDLES) needles")
        let bytes = specs.map { Array($0.needle.utf8) }
        storage = .allocate(capacity: bytes.reduce(0) { $0 + $1.count })
        needles = .allocate(capacity: specs.count)
        var offset = 0
        for (k, b) in bytes.enumerated() {
            let (p1, p2) = specs[k].probes
            precondition(!b.isEmpty && b.indices.contains(p1) && b.indices.contains(p2), "probe outside needle \(specs[k].needle)")
            (storage + offset).initialize(from: b, count: b.count)
            needles[k] = ka_needle(bytes: storage + offset, length: b.count, probe1: p1, probe2: p2)
            offset += b.count
        }
        count = specs.count
    }

    deinit {
        storage.deallocate()
        needles.deallocate()
    }

    /// The offset of the first needle at or after `from`, or `buffer.count`.
    public func first(in buffer: UnsafeRawBufferPointer, from: Int) -> Int {
        guard let base = buffer.baseAddress, from < buffer.count else { return buffer.count }
        return ka_find_any(base.assumingMemoryBound(to: UInt8.self), buffer.count, from, needles, Int32(count))
    }

    /// The same without the vector path (the reference in tests).
    public func firstScalar(in buffer: UnsafeRawBufferPointer, from: Int) -> Int {
        guard let base = buffer.baseAddress, from < buffer.count else { return buffer.count }
        return ka_find_any_scalar(base.assumingMemoryBound(to: UInt8.self), buffer.count, from, needles, Int32(count))
    }
}
