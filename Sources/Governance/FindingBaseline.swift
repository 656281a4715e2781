import Foundation
import KubeJSON

/// A previous `scan -o json` report as a baseline: the fingerprints of its findings. Findings
/// already in it are neither shown nor failed on, so a CI gate fails only on what is new.
public struct FindingBaseline: Sendable {
    public let fingerprints: Set<String>

    /// The newest `scan -o json` schema this reader knows: `ScanJSON.schemaVersion` is this
    /// constant, so the writer never writes a version the reader refuses.
    public static let newestSchemaVersion = 2

    public struct DecodeError: Error, CustomStringConvertible {
        public let description: String
    }

    public static func decode(_ data: Data, source: String) throws(DecodeError) -> FindingBaseline {
        if let syntax = JSONSyntaxError.find(in: data) {
            throw DecodeError(description: "\(source):\(syntax.line.map { "\($0):" } ?? "") invalid JSON\(syntax.column.map { " at column \($0)" } ?? ""): \(syntax.message)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw DecodeError(description: "\(source): not a `kubelet-authz scan -o json` report (no findings list)")
        }
        // Version 1 reports carry no schemaVersion. Both versions list findings the same way;
        // a later version may not, and a guess could pass a gate on findings it never read.
        if object["schemaVersion"] != nil {
            // JSONSerialization hands back `1` and `true` as the same NSNumber on Linux, so the
            // member's JSON type is read with JSONDecoder, which keeps them apart.
            guard case .integer(let n)? = (try? JSONDecoder().decode(VersionMember.self, from: data))?.schemaVersion else {
                throw DecodeError(description: "\(source): schemaVersion is not an integer, so not a report schema version (1 to \(newestSchemaVersion))")
            }
            guard n >= 1 else {
                throw DecodeError(description: "\(source): schemaVersion \(n) is not a report schema version (1 to \(newestSchemaVersion))")
            }
            guard n <= newestSchemaVersion else {
                throw DecodeError(description: "\(source): schemaVersion \(n) is newer than this kubelet-authz reads (1 to \(newestSchemaVersion)): use the kubelet-authz that wrote it, or a newer one")
            }
        }
        guard let old = object["findings"] as? [[String: Any]] else {
            throw DecodeError(description: "\(source): not a `kubelet-authz scan -o json` report (no findings list)")
        }
        let known = Set(old.compactMap { $0["fingerprint"] as? String })
        if known.isEmpty && !old.isEmpty {
            throw DecodeError(description: "\(source): its findings carry no fingerprints (written by an older kubelet-authz): write it again with this version")
        }
        return FindingBaseline(fingerprints: known)
    }

    /// A report's `schemaVersion` member by its JSON type: only an integer is a version.
    struct VersionMember: Decodable {
        enum Value: Decodable {
            case integer(Int), other
            init(from decoder: Decoder) throws {
                let c = try decoder.singleValueContainer()
                if (try? c.decode(Bool.self)) != nil { self = .other; return }
                if let n = try? c.decode(Int.self) { self = .integer(n); return }
                self = .other
            }
        }
        let schemaVersion: Value?
    }

    /// The findings not in the baseline, and how many were.
    public func apply(to findings: [Finding]) -> (kept: [Finding], known: Int) {
        let kept = findings.filter { !fingerprints.contains($0.fingerprint) }
        return (kept, findings.count - kept.count)
    }
}
