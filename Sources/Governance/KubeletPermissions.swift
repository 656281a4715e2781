import KubeletModel

/// The vocabulary of kubelet access: which `nodes/<subresource>` names a kubelet ever asks
/// about, and which verbs it ever sends.
public enum KubeletPermissions {
    /// Every subresource some kubelet release checks, most powerful first. Which of them one
    /// kubelet checks is `KubeletVocabulary(profile:).checked`.
    public static let subresources = KubeletSubresource.names

    /// Every subresource as a column, in the order a reviewer reads them: what collectors use
    /// first, nodes/proxy last.
    public static let columnOrder = ["metrics", "stats", "log", "pods", "healthz", "configz", "statusz", "checkpoint", "spec", "proxy"]

    /// The columns of a report at this release: only subresources its kubelets check, so a
    /// column never shows a grant that gives nothing.
    public static func columns(for profile: KubeletProfile, wide: Bool) -> [String] {
        let checked = Set(KubeletVocabulary(profile: profile).checked.map(\.rawValue))
        return (wide ? columnOrder : tracked).filter(checked.contains)
    }

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

    public static func verbOrder(_ v: String) -> Int {
        ["get", "create", "update", "patch", "delete", "*"].firstIndex(of: v) ?? 99
    }
}
