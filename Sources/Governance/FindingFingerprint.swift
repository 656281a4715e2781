/// One identity per finding that survives what does not change its meaning: files moved or
/// reformatted, lines shifted, messages reworded. It is the rule, the subject, and the objects
/// the finding points at (kind, namespace, name — not file or line); findings about no object
/// (cluster-wide ones) add their message. SARIF's partialFingerprints, `--baseline` and the
/// ignore file all match on it.
public enum FindingFingerprint {
    public static let version = "v1"

    public static func of(_ f: Finding) -> String {
        var parts = [f.rule.id, f.subject?.description ?? ""]
        var objects = f.locations.map { "\($0.kind)/\($0.namespace)/\($0.name)" }
        objects = Array(Set(objects)).sorted()
        parts += objects
        if f.subject == nil && objects.isEmpty { parts.append(f.message) }
        return version + ":" + hex(fnv1a(parts.joined(separator: "\u{1F}")))
    }

    /// FNV-1a, 64 bits: stable across runs, releases and machines (Swift's Hasher is not).
    static func fnv1a(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
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
