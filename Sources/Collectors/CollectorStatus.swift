/// Where the agent's own default grant stands on `nodes/proxy` (the survey's status key).
public enum CollectorStatus: String, Sendable, Hashable, Codable, CaseIterable, ClosedValueSet {
    /// No `nodes/proxy` by default; fine-grained subresources only.
    case migrated
    /// A fine-grained option exists, but the default is still `nodes/proxy`.
    case optIn = "opt-in"
    /// The chart picks `nodes/pods` or `nodes/proxy` from the Kubernetes version.
    case versionGated = "version-gated"
    /// `nodes/proxy` only when an optional feature is on.
    case conditional
    /// `nodes/proxy` by default with no fine-grained option.
    case needsProxy = "needs-proxy"
    /// The agent does not call the kubelet's HTTPS API.
    case notApplicable = "n-a"
}
