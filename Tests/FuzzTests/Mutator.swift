import Foundation
import TestSupport

/// Seeded mutations of real inputs, the kinds that break readers: bytes flipped, inserted or
/// dropped, ranges repeated or cut, inputs spliced, and tokens that mean something to YAML,
/// JSON, Go templates or the audit screen. The same seed gives the same inputs, so a failure
/// reproduces from the seed in its message.
struct Mutator {
    var rng: SplitMix
    let tokens: [[UInt8]] = [
        "---\n", "&a ", "*a", "<<: *a\n", "{{ .Values.x }}", "[", "]", "{", "}", ": ", "- ", "\"", "\\u0000", "\\ud800",
        "\t", "\r\n", "\u{FEFF}", "null", "~", "!!binary ", "%YAML 1.1\n", "0x", "1e999", "-0", "\"kind\":\"EventList\",",
        "subjectaccessreviews", "\"proxy\"", "apiVersion: v1\n", "kind: List\nitems: x\n", String(repeating: "[", count: 200),
    ].map { Array($0.utf8) }

    init(seed: UInt64) { rng = SplitMix(state: seed) }

    mutating func mutate(_ input: [UInt8], other: [UInt8]) -> [UInt8] {
        var b = input
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let at = b.isEmpty ? 0 : Int.random(in: 0..<b.count, using: &rng)
            switch Int.random(in: 0..<8, using: &rng) {
            case 0 where !b.isEmpty: b[at] = UInt8.random(in: 0...255, using: &rng)
            case 1: b.insert(UInt8.random(in: 0...255, using: &rng), at: at)
            case 2 where !b.isEmpty: b.removeSubrange(at..<min(b.count, at + Int.random(in: 1...64, using: &rng)))
            case 3 where !b.isEmpty:
                let end = min(b.count, at + Int.random(in: 1...256, using: &rng))
                b.insert(contentsOf: b[at..<end], at: end)
            case 4: b = Array(b.prefix(at))
            case 5 where !other.isEmpty:
                let from = Int.random(in: 0..<other.count, using: &rng)
                b.insert(contentsOf: other[from..<min(other.count, from + Int.random(in: 1...512, using: &rng))], at: at)
            case 6: b.insert(contentsOf: tokens.randomElement(using: &rng)!, at: at)
            default: if !b.isEmpty { b[at] ^= 1 << UInt8.random(in: 0...7, using: &rng) }
            }
        }
        return b
    }
}

/// How many mutations per reader: a short run in every test run; `KUBELET_AUTHZ_FUZZ_RUNS`
/// sets a long one (docs/FUZZING.md).
enum FuzzBudget {
    static var runs: Int {
        Int(ProcessInfo.processInfo.environment["KUBELET_AUTHZ_FUZZ_RUNS"] ?? "") ?? 300
    }
    static var seed: UInt64 {
        UInt64(ProcessInfo.processInfo.environment["KUBELET_AUTHZ_FUZZ_SEED"] ?? "") ?? 20261207
    }
}
