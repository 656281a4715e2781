/// The kubelet's request → authorization attributes mapping (`GetRequestAttributes` in
/// pkg/kubelet/server/auth.go) for every release the model knows; the fine-grained step is KEP-2862's.
public enum KubeletAttributeMapper {
    /// - Parameter path: the decoded URL path without query (`r.URL.Path`).
    public static func checks(method: String, path: String, profile: KubeletProfile) -> [KubeletCheck] {
        let verb = HTTPVerbMapping.verb(forMethod: method)
        return subresources(forPath: path, profile: profile).map { KubeletCheck(verb: verb, subresource: $0) }
    }

    public static func subresources(forPath path: String, profile: KubeletProfile) -> [String] {
        var result: [String] = []
        let minor = profile.version.major > 1 ? Int.max : profile.version.minor
        // Step A: the fine-grained subresource, tried first, with `proxy` as the fallback.
        if profile.fineGrainedAuthz && minor >= 32 {
            var stepA: [(String, String)] = [("/pods", "pods"), ("/healthz", "healthz"), ("/configz", "configz")]
            // 1.33–1.35 had /statusz here (so with a proxy fallback); 1.36 moved it to step B.
            if minor >= 33 && minor <= 35 { stepA.append(("/statusz", "statusz")) }
            stepA.append(("/runningpods/", "pods"))
            if let hit = stepA.first(where: { SubpathMatcher.isSubpath(path, of: $0.0) }) {
                result.append(hit.1)
            }
        }
        // Step B: always exactly one subresource; `proxy` when nothing narrower applies.
        var stepB: [(String, String)] = [("/stats/", "stats"), ("/metrics", "metrics"), ("/logs/", "log")]
        if minor <= 20 { stepB.append(("/spec/", "spec")) }
        if minor >= 25 { stepB.append(("/checkpoint/", "checkpoint")) }
        if minor >= 36 {
            stepB.append(("/statusz", "statusz"))
            stepB.append(("/flagz", "configz"))
        }
        result.append(stepB.first(where: { SubpathMatcher.isSubpath(path, of: $0.0) })?.1 ?? "proxy")
        return result
    }
}
