import Cluster
import KubeJSON

/// What was read, for the `input` member of JSON output and a line on stderr: skipped kinds
/// are counted, never silently dropped.
enum InputSummary {
    static func json(_ s: ClusterSnapshot) -> JSONValue {
        .object([
            ("files", .integer(s.sources.count)),
            ("objects", .integer(s.objectCount)),
            ("skippedKinds", .object(s.skippedKinds.keys.sorted().map { ($0, .integer(s.skippedKinds[$0]!)) })),
            ("warnings", .integer(s.warnings.count)),
        ])
    }

    static func line(_ s: ClusterSnapshot) -> String {
        var text = "Read \(s.objectCount) objects from \(s.sources.count) input\(s.sources.count == 1 ? "" : "s")"
        if !s.skippedKinds.isEmpty {
            let skipped = s.skippedKinds.keys.sorted().map { "\($0)×\(s.skippedKinds[$0]!)" }.joined(separator: ", ")
            text += "; skipped kinds not needed: \(skipped)"
        }
        return text
    }

    /// Appends `input` to a JSON object.
    static func appending(_ s: ClusterSnapshot, to value: JSONValue) -> JSONValue {
        guard case .object(var pairs) = value else { return value }
        pairs.append(("input", json(s)))
        return .object(pairs)
    }
}
