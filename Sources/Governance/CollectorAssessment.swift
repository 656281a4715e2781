import Collectors
import KubeletModel

/// A recognised collector's kubelet grant judged against its catalogue entry at the scan's
/// release: what the entry needs, what the subject holds beyond it.
public struct CollectorAssessment: Sendable, Hashable {
    public let match: CollectorMatch
    /// What the entry's kubelet paths need at this release (`nodes/<subresource>`, verb).
    public let minimalGrant: Set<ResourceVerb>
    /// Held kubelet permissions the minimal grant lacks, sorted. `*` is its own verb here: it
    /// also grants verbs no collector sends.
    public let excess: [ResourceVerb]
    /// The entry needs `nodes/proxy` at this release.
    public let needsProxy: Bool
    /// Some of its calls go through the API server's node proxy, where only `nodes/proxy` is
    /// checked: removing that needs a change to the agent's configuration, not to RBAC.
    public let proxyViaAPIServer: Bool
    /// The catalogue established every path the agent calls (`pathsComplete`), for every version
    /// of it (no `sinceVersion`: before that version the agent may have called through the API
    /// server's node proxy, which only `nodes/proxy` allows, and the running version is not
    /// known). When false, nothing is to be narrowed on the minimal grant.
    public let firm: Bool

    public var collector: Collector { match.collector }
    public var widerThanNeeded: Bool { !excess.isEmpty }
    public var excessIncludesProxy: Bool { excess.contains { $0.resource == KubeletSubresource.proxy.resource } }

    /// `access` as the inventory holds it (subresource without `nodes/` → access).
    public static func assess(_ match: CollectorMatch, access: [String: SubresourceAccess], profile: KubeletProfile) -> CollectorAssessment {
        let c = match.collector
        // The catalogue's bands assume each release's default feature gates; with other gates
        // (KubeletFineGrainedAuthz off on 1.33+) the kubelet model answers for this profile.
        let minimal = profile == KubeletProfile(version: profile.version)
            ? c.minimalGrant(for: profile.version)?.pairs ?? []
            : KubeletNeeds.pairs(for: c.kubeletPaths, profile: profile)
        var excess: [ResourceVerb] = []
        for (sub, a) in access {
            for verb in a.verbs {
                let held = ResourceVerb(resource: "nodes/" + sub, verb: verb)
                if !minimal.contains(held) { excess.append(held) }
            }
        }
        let proxy = KubeletSubresource.proxy.resource
        return CollectorAssessment(match: match, minimalGrant: minimal, excess: excess.sorted(),
                                   needsProxy: minimal.contains { $0.resource == proxy },
                                   proxyViaAPIServer: c.kubeletPaths.contains(where: \.viaAPIServerProxy),
                                   firm: c.pathsComplete && c.sinceVersion == nil)
    }

    /// Subresource (without `nodes/`) → verbs, as the report's `access` member names them.
    public static func bySubresource(_ pairs: some Sequence<ResourceVerb>) -> [(subresource: String, verbs: [String])] {
        let grouped = Dictionary(grouping: pairs, by: { String($0.resource.dropFirst("nodes/".count)) })
        return grouped.keys.sorted().map { sub in
            (sub, grouped[sub]!.map(\.verb).sorted { KubeletPermissions.verbOrder($0) < KubeletPermissions.verbOrder($1) })
        }
    }

    /// `get nodes/metrics` style, for messages; `no kubelet access` when empty.
    public static func text(_ pairs: some Sequence<ResourceVerb>) -> String {
        let list = bySubresource(pairs).map { "\($0.verbs.joined(separator: ",")) nodes/\($0.subresource)" }
        return list.isEmpty ? "no kubelet access" : list.joined(separator: ", ")
    }
}
