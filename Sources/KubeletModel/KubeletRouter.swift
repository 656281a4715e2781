/// What the kubelet's HTTP router does with a path before any authentication: the kubelet's
/// handler is a go-restful container over a Go `http.ServeMux` with no `/` catch-all, so
/// non-canonical paths are redirected and unregistered ones answered `404 page not found`
/// without the auth filter ever running (measured on 1.36.2).
public enum KubeletRouting: Hashable, Sendable {
    /// Reaches the authentication and authorization filter.
    case ok
    /// Redirected by ServeMux (301, or 307 from the Go release that builds 1.36).
    case redirect(status: Int, location: String)
    /// `404 page not found` from ServeMux.
    case notFound

    public var name: String {
        switch self {
        case .ok: return "ok"
        case .redirect: return "redirect"
        case .notFound: return "notFound"
        }
    }
}

public enum KubeletRouter {
    /// The ServeMux patterns the kubelet registers in this profile. A pattern ending in `/`
    /// is a subtree; any other is an exact path.
    public static func registeredPatterns(profile: KubeletProfile) -> [String] {
        let minor = profile.version.major > 1 ? Int.max : profile.version.minor
        var patterns = [
            // InstallAuthNotRequiredHandlers (also served on the read-only port).
            "/healthz", "/healthz/log", "/healthz/ping", "/healthz/syncloop",
            "/pods", "/pods/", "/stats/",
            "/metrics", "/metrics/cadvisor", "/metrics/resource", "/metrics/probes",
            // InstallAuthRequiredHandlers / debugging handlers.
            "/run", "/run/", "/exec", "/exec/", "/attach", "/attach/",
            "/portForward", "/portForward/", "/containerLogs", "/containerLogs/",
            "/runningpods/", "/configz", "/logs/", "/debug/pprof/", "/debug/flags/v",
        ]
        // ComponentSLIs: alpha 1.26, beta (on) 1.27, GA 1.29.
        if minor >= 27 { patterns.append("/metrics/slis") }
        if minor <= 20 { patterns.append("/spec/") }
        if profile.isEnabled(.containerCheckpoint) { patterns.append("/checkpoint/") }
        // The kubelet registers its zpages from 1.33 (kubernetes#128811, #128857).
        if minor >= 33 && profile.isEnabled(.componentStatusz) { patterns.append("/statusz") }
        if minor >= 33 && profile.isEnabled(.componentFlagz) { patterns.append("/flagz") }
        return patterns
    }

    public static func route(method: String, path: KubeletRequestPath, profile: KubeletProfile) -> KubeletRouting {
        let patterns = Set(registeredPatterns(profile: profile))
        let query = (path.rawQuery?.isEmpty ?? true) ? "" : "?" + path.rawQuery!
        // Go 1.22 (which builds Kubernetes 1.30 on) cleans the escaped path and matches decoded
        // segments, an escaped slash staying inside its segment; older Go cleaned and matched
        // the decoded path.
        let segmentMux = profile.version >= .v(30)
        let original = segmentMux ? path.escapedPath : path.decodedPath
        // CONNECT requests are not cleaned (net/http ServeMux.findHandler).
        let cleaned = method == "CONNECT" ? original : cleanPath(original)
        let matchable = segmentMux ? decodeSegments(cleaned) : cleaned

        // "/tree" with only "/tree/" registered → redirect to "/tree/" (built from the decoded path).
        if !patterns.contains(matchable) && patterns.contains(matchable + "/") {
            return .redirect(status: profile.redirectStatus, location: cleanPath(path.decodedPath) + "/" + query)
        }
        if cleaned != original {
            // url.URL{Path: cleaned}.String() escapes the already-escaped path once more.
            let location = segmentMux ? cleaned.replacingOccurrences(of: "%", with: "%25") : cleaned
            return .redirect(status: profile.redirectStatus, location: location + query)
        }
        return match(matchable, patterns: patterns) == nil ? .notFound : .ok
    }

    /// Decodes each segment of an escaped path; a decoded `/` (from `%2F`) cannot act as a
    /// separator, so it is replaced by a byte no pattern contains.
    static func decodeSegments(_ escaped: String) -> String {
        escaped.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String in
            let decoded = KubeletRequestPath.percentDecode(segment) ?? String(segment)
            return decoded.replacingOccurrences(of: "/", with: "\u{0}")
        }.joined(separator: "/")
    }

    /// The pattern ServeMux would pick: an exact pattern, else the longest subtree prefix.
    public static func match(_ path: String, patterns: Set<String>) -> String? {
        if patterns.contains(path) { return path }
        var best: String? = nil
        for p in patterns where p.hasSuffix("/") && path.hasPrefix(p) {
            if best == nil || p.count > best!.count { best = p }
        }
        return best
    }

    /// Go's `net/http.cleanPath`: `path.Clean`, keeping a trailing slash.
    public static func cleanPath(_ p: String) -> String {
        if p.isEmpty { return "/" }
        let rooted = p.hasPrefix("/") ? p : "/" + p
        var np = goPathClean(rooted)
        if rooted.hasSuffix("/") && np != "/" {
            np += "/"
        }
        return np
    }

    /// Go's `path.Clean` for rooted paths.
    static func goPathClean(_ p: String) -> String {
        var out: [Substring] = []
        for segment in p.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": if !out.isEmpty { out.removeLast() }
            default: out.append(segment)
            }
        }
        return "/" + out.joined(separator: "/")
    }
}
