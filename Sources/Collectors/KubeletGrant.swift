import KubeletModel

/// An RBAC rule on the core group, as the catalogue writes node grants.
public struct GrantRule: Sendable, Hashable, Codable {
    public let resources: [String]
    public let verbs: [String]

    public init(resources: [String], verbs: [String]) {
        self.resources = resources
        self.verbs = verbs
    }

    /// Every (resource, verb) pair the rule names: the unit grants are compared in.
    public var pairs: Set<ResourceVerb> {
        Set(resources.flatMap { r in verbs.map { ResourceVerb(resource: r, verb: $0) } })
    }

    /// `nodes/metrics,nodes/stats get`, for tables.
    public var summary: String { resources.joined(separator: ",") + " " + verbs.joined(separator: ",") }
}

public struct ResourceVerb: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let resource: String
    public let verb: String

    public init(resource: String, verb: String) {
        self.resource = resource
        self.verb = verb
    }

    public static func < (a: ResourceVerb, b: ResourceVerb) -> Bool { (a.resource, a.verb) < (b.resource, b.verb) }
    public var description: String { "\(verb) \(resource)" }
}

/// The kubelet grant that holds from `since` until the next band's release.
public struct ReleaseGrant: Sendable, Hashable, Codable {
    public let since: String
    public let rules: [GrantRule]

    public init(since: String, rules: [GrantRule]) {
        self.since = since
        self.rules = rules
    }

    /// `since` parsed; the catalogue's loader has already refused anything unparsable.
    public var release: KubernetesVersion { KubernetesVersion(since) ?? .oldestModelled }

    public var pairs: Set<ResourceVerb> { rules.reduce(into: []) { $0.formUnion($1.pairs) } }

    public var grantsProxy: Bool { pairs.contains { $0.resource == KubeletSubresource.proxy.resource } }

    /// `nodes/metrics,nodes/stats get`; `-` for no kubelet access.
    public var summary: String { rules.isEmpty ? "-" : rules.map(\.summary).joined(separator: "; ") }
}
