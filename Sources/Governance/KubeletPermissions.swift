import KubeletModel

/// The vocabulary of kubelet access: which `nodes/<subresource>` names a kubelet ever asks
/// about, and which verbs it ever sends.
public enum KubeletPermissions {
    /// Every subresource some kubelet release checks, most powerful first.
    public static let subresources = ["proxy", "checkpoint", "log", "pods", "configz", "stats", "metrics", "healthz", "statusz", "spec"]

    /// The seven a review tracks as columns, in the order a reviewer reads them.
    public static let tracked = ["metrics", "stats", "log", "pods", "healthz", "configz", "proxy"]

    /// Verbs the kubelet sends: from POST, GET, PUT, PATCH, DELETE, and the empty verb of
    /// every other method (which only `*` satisfies).
    public static let verbs = ["get", "create", "update", "patch", "delete", ""]

    /// Node subresources the API server itself serves; not kubelet checks, not typos.
    public static let apiServerNodeSubresources: Set<String> = ["status"]

    /// Likely intended subresource for names the kubelet never checks.
    public static let typoHints: [String: String] = [
        "logs": "log", "pod": "pods", "metric": "metrics", "stat": "stats", "health": "healthz",
        "config": "configz", "exec": "proxy", "attach": "proxy", "portforward": "proxy", "containerlogs": "proxy",
        "checkpoints": "checkpoint", "runningpods": "pods",
    ]

    /// Subresources the kubelet of this profile actually checks for some path.
    public static func checked(by profile: KubeletProfile) -> Set<String> {
        var set: Set<String> = ["proxy", "stats", "metrics", "log"]
        let minor = profile.version.major > 1 ? Int.max : profile.version.minor
        if minor <= 20 { set.insert("spec") }
        if minor >= 25 { set.insert("checkpoint") }
        if profile.fineGrainedAuthz && minor >= 32 { set.formUnion(["pods", "healthz", "configz"]) }
        if profile.fineGrainedAuthz && (33...35).contains(minor) { set.insert("statusz") }
        if minor >= 36 { set.formUnion(["statusz", "configz"]) }
        return set
    }

    public static func verbOrder(_ v: String) -> Int {
        ["get", "create", "update", "patch", "delete", "*"].firstIndex(of: v) ?? 99
    }
}
