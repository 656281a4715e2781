/// The `helm.sh/chart` label, the one label a workload is read for: Helm's own scaffold
/// (`helm create`) sets it to `NAME-VERSION` (`fluent-bit-0.47.10`, a `+` in the version
/// written `_`), and charts keep it, so it names the chart even where the `# Source:`
/// comments `helm template` writes are gone (a live cluster, `kubectl get -o yaml`).
///
/// `app.kubernetes.io/name` and `app.kubernetes.io/part-of` are deliberately not read: they
/// name an application, not a chart, and any manifest may set them (`name: prometheus` on
/// someone's own Prometheus, `part-of: monitoring`), so they would recognise a catalogue agent
/// where there is none.
public enum HelmChartLabel {
    public static let key = "helm.sh/chart"

    /// The chart a label value names: the value less its trailing `-VERSION`, where VERSION is
    /// SemVer (`MAJOR.MINOR.PATCH`, an optional `v`, then any pre-release or build part:
    /// `-1.2.3-rc.1`, `-1.2.3_build.4`), or a short `MAJOR.MINOR` that ends the value
    /// (`agent-1.2`): Helm checks a chart's version with Masterminds' `semver.NewVersion`
    /// (isValidSemver in pkg/chart/metadata.go), which takes `1.2` and even `1`. A lone `-N` is
    /// left alone, as it is part of names (`k8s-1`). A value without a version is taken whole;
    /// an empty one names nothing.
    public static func chart(_ value: String) -> String? {
        let bytes = Array(value.utf8)
        // The first `-` followed by a version: a chart name may hold dashes and digits
        // (`k8s-1-agent`), never a whole `N.N.N`, so the earliest is the version's.
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "-"), i > 0, isVersion(bytes[(i + 1)...], parts: 3) {
                return String(decoding: bytes[..<i], as: UTF8.self)
            }
            i += 1
        }
        // Else a short version, only at the very end (`python-3.11-base` keeps its `3.11`).
        if let dash = bytes.lastIndex(of: UInt8(ascii: "-")), dash > 0, isVersion(bytes[(dash + 1)...], parts: 2, whole: true) {
            return String(decoding: bytes[..<dash], as: UTF8.self)
        }
        return value.isEmpty ? nil : value
    }

    /// `v?N.N.N` (or `v?N.N`), then the end or (unless `whole`) a `-`, `+` or `_` that starts
    /// the rest.
    static func isVersion(_ s: ArraySlice<UInt8>, parts: Int, whole: Bool = false) -> Bool {
        var i = s.startIndex
        if i < s.endIndex, s[i] == UInt8(ascii: "v") { i += 1 }
        for part in 0..<parts {
            let start = i
            while i < s.endIndex, s[i] &- 0x30 < 10 { i += 1 }
            guard i > start else { return false }
            if part < parts - 1 {
                guard i < s.endIndex, s[i] == UInt8(ascii: ".") else { return false }
                i += 1
            }
        }
        return i == s.endIndex || (!whole && [UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "_")].contains(s[i]))
    }
}
