/// The kubelet's `isSubpath(subpath, path)`: one trailing slash is trimmed from the pattern,
/// then the request path must equal it or continue it at a `/` boundary. Byte-wise and
/// case-sensitive, with no path cleaning — which is why `/metricsfoo` is not `/metrics`
/// but `/pods/../stats` is `/pods`.
public enum SubpathMatcher {
    public static func isSubpath(_ subpath: String, of path: String) -> Bool {
        var pattern = Substring(path).utf8
        if pattern.last == UInt8(ascii: "/") { pattern = pattern.dropLast() }
        let candidate = subpath.utf8
        guard candidate.starts(with: pattern) else { return false }
        if candidate.count == pattern.count { return true }
        let next = candidate[candidate.index(candidate.startIndex, offsetBy: pattern.count)]
        return next == UInt8(ascii: "/")
    }
}
