import Foundation
import KubeJSON

/// A previous `scan -o json` report as a baseline: the fingerprints of its findings. Findings
/// already in it are neither shown nor failed on, so a CI gate fails only on what is new.
public struct FindingBaseline: Sendable {
    public let fingerprints: Set<String>

    public struct DecodeError: Error, CustomStringConvertible {
        public let description: String
    }

    public static func decode(_ data: Data, source: String) throws(DecodeError) -> FindingBaseline {
        if let syntax = JSONSyntaxError.find(in: data) {
            throw DecodeError(description: "\(source):\(syntax.line.map { "\($0):" } ?? "") invalid JSON\(syntax.column.map { " at column \($0)" } ?? ""): \(syntax.message)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let old = object["findings"] as? [[String: Any]] else {
            throw DecodeError(description: "\(source): not a `kubelet-authz scan -o json` report (no findings list)")
        }
        let known = Set(old.compactMap { $0["fingerprint"] as? String })
        if known.isEmpty && !old.isEmpty {
            throw DecodeError(description: "\(source): its findings carry no fingerprints (written by an older kubelet-authz): write it again with this version")
        }
        return FindingBaseline(fingerprints: known)
    }

    /// The findings not in the baseline, and how many were.
    public func apply(to findings: [Finding]) -> (kept: [Finding], known: Int) {
        let kept = findings.filter { !fingerprints.contains($0.fingerprint) }
        return (kept, findings.count - kept.count)
    }
}
