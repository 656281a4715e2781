/// A Kubernetes minor release, as the kubelet model needs it: behaviour changes at minor
/// boundaries only, so patch levels and vendor suffixes (`-eks-…`, `+k3s1`) are kept for
/// display but never compared.
public struct KubernetesVersion: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let major: Int
    public let minor: Int
    /// The text the version was read from (`v1.36.2-eks-1`), for reports.
    public let original: String

    public init(major: Int, minor: Int, original: String? = nil) {
        self.major = major
        self.minor = minor
        self.original = original ?? "\(major).\(minor)"
    }

    /// Parses `1.36`, `v1.36`, `v1.36.2`, `1.36.2-gke.100`, `v1.30.1+k3s1`.
    public init?(_ text: String) {
        var body = Substring(text.trimmingCharacters(in: .whitespaces))
        if body.first == "v" || body.first == "V" { body = body.dropFirst() }
        let parts = body.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, let major = Int(parts[0]) else { return nil }
        let minorDigits = parts[1].prefix(while: { $0.isNumber })
        guard !minorDigits.isEmpty, let minor = Int(minorDigits) else { return nil }
        // "1.36x" is not a version; "1.36" followed by "-…" or "+…" only when there is no patch.
        let rest = parts[1].dropFirst(minorDigits.count)
        if !rest.isEmpty && parts.count == 2 && !(rest.first == "-" || rest.first == "+") { return nil }
        if !rest.isEmpty && parts.count == 3 { return nil }
        if parts.count == 3 && !(parts[2].first?.isNumber ?? false) { return nil }
        self.init(major: major, minor: minor, original: text.trimmingCharacters(in: .whitespaces))
    }

    public static func < (lhs: KubernetesVersion, rhs: KubernetesVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }

    public static func == (lhs: KubernetesVersion, rhs: KubernetesVersion) -> Bool {
        lhs.major == rhs.major && lhs.minor == rhs.minor
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(major)
        hasher.combine(minor)
    }

    public var description: String { "\(major).\(minor)" }

    /// The newest release the model knows. `--kube-version` defaults to it.
    public static let newest = KubernetesVersion(major: 1, minor: 36)
    /// The oldest release the model describes exactly; older ones behave like it.
    public static let oldestModelled = KubernetesVersion(major: 1, minor: 18)

    public static func v(_ minor: Int) -> KubernetesVersion { KubernetesVersion(major: 1, minor: minor) }
}

import Foundation
