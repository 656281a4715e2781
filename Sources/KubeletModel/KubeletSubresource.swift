/// A `nodes/<subresource>` that some kubelet release checks. The one list of names the rest of
/// the project uses; which of them a given kubelet checks comes from `KubeletVocabulary`.
public enum KubeletSubresource: String, CaseIterable, Sendable, Codable, Hashable {
    // Most powerful first: reports list access in this order.
    case proxy, checkpoint, log, pods, configz, stats, metrics, healthz, statusz, spec

    /// Every name, most powerful first.
    public static let names: [String] = allCases.map(\.rawValue)

    /// `nodes/<name>`, as RBAC rules and SubjectAccessReviews spell it.
    public var resource: String { "nodes/" + rawValue }
}
