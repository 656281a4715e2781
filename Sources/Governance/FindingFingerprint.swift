/// One identity per finding that survives what does not change its meaning: files moved or
/// reformatted, lines shifted, messages reworded. It is the rule, the subject, and the objects
/// the finding points at (kind, namespace, name — not file or line); findings about no object
/// (cluster-wide ones) add their message. SARIF's partialFingerprints, `--baseline` and the
/// ignore file all match on it.
public enum FindingFingerprint {
    public static let version = "v1"

    public static func of(_ f: Finding) -> String {
        var objects = Set<String>(minimumCapacity: f.locations.count)
        for l in f.locations { objects.insert("\(l.kind)/\(l.namespace)/\(l.name)") }
        // The parts joined by U+001F, hashed as they come: the joined text is never made (a report
        // writes tens of thousands of fingerprints).
        var h = fnv1a(f.rule.id)
        h = fnv1a(f.subject?.description ?? "", after: h)
        for o in objects.sorted() { h = fnv1a(o, after: h) }
        if f.subject == nil && objects.isEmpty { h = fnv1a(f.message, after: h) }
        return version + ":" + hex(h)
    }

    static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let fnvPrime: UInt64 = 0x0000_0100_0000_01b3

    /// FNV-1a, 64 bits: stable across runs, releases and machines (Swift's Hasher is not).
    static func fnv1a(_ text: String) -> UInt64 {
        var h = fnvOffset
        for b in text.utf8 {
            h ^= UInt64(b)
            h = h &* fnvPrime
        }
        return h
    }

    /// `h` continued with the separator U+001F, then `text`.
    static func fnv1a(_ text: String, after h: UInt64) -> UInt64 {
        var h = (h ^ 0x1F) &* fnvPrime
        for b in text.utf8 {
            h ^= UInt64(b)
            h = h &* fnvPrime
        }
        return h
    }

    static func hex(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}

extension Finding {
    public var fingerprint: String { FindingFingerprint.of(self) }
}
