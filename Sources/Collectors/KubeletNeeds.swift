import Foundation
import KubeletModel

/// What kubelet access a set of path uses needs, answered by the project's kubelet model rather
/// than written down again: the catalogue's `minimalGrant` is checked against this, and `plan`
/// will use it for agents whose catalogue entry is the only evidence.
public enum KubeletNeeds {
    /// The grants that let every path through on this kubelet, each the narrowest check the
    /// kubelet sends for it (its first: the fine-grained subresource before the `nodes/proxy`
    /// fallback). A path the kubelet's router does not serve at this release (`/spec/` from
    /// 1.21) is answered before authorization and needs nothing. A call through the API
    /// server's node proxy needs `nodes/proxy` there, whatever the kubelet path.
    public static func pairs(for uses: [Collector.PathUse], profile: KubeletProfile) -> Set<ResourceVerb> {
        var out = Set<ResourceVerb>()
        for use in uses {
            let verb = HTTPVerbMapping.verb(forMethod: use.httpMethod)
            if use.viaAPIServerProxy {
                out.insert(ResourceVerb(resource: KubeletSubresource.proxy.resource, verb: verb))
                continue
            }
            let sample = samplePath(use.path)
            guard let request = try? KubeletRequestPath(sample),
                  KubeletRouter.route(method: use.httpMethod, path: request, profile: profile) == .ok,
                  let first = KubeletAttributeMapper.subresources(forPath: request.decodedPath, profile: profile).first
            else { continue }
            out.insert(ResourceVerb(resource: "nodes/" + first, verb: verb))
        }
        return out
    }

    /// The grant per release band over every modelled release with default feature gates (what
    /// a cluster runs unless its operator changed them): a new band starts where the answer changes.
    public static func bands(for uses: [Collector.PathUse]) -> [ReleaseGrant] {
        var out: [ReleaseGrant] = []
        var previous: Set<ResourceVerb>? = nil
        for minor in KubernetesVersion.oldestModelled.minor...KubernetesVersion.newest.minor {
            let version = KubernetesVersion.v(minor)
            let pairs = pairs(for: uses, profile: KubeletProfile(version: version))
            if pairs != previous { out.append(ReleaseGrant(since: version.description, rules: rules(pairs))) }
            previous = pairs
        }
        return out
    }

    /// One rule per verb, subresources most powerful first, as the catalogue writes them.
    public static func rules(_ pairs: Set<ResourceVerb>) -> [GrantRule] {
        let order = KubeletSubresource.allCases.map(\.resource)
        return Dictionary(grouping: pairs, by: \.verb).sorted { $0.key < $1.key }.map { verb, group in
            GrantRule(resources: group.map(\.resource).sorted { (order.firstIndex(of: $0) ?? .max) < (order.firstIndex(of: $1) ?? .max) },
                      verbs: [verb])
        }
    }

    /// A concrete path for a template (`/containerLogs/{namespace}/{pod}/{container}`).
    public static func samplePath(_ template: String) -> String {
        template.replacingOccurrences(of: "{namespace}", with: "ns")
            .replacingOccurrences(of: "{pod}", with: "pod")
            .replacingOccurrences(of: "{container}", with: "ctr")
            .replacingOccurrences(of: "{node}", with: "node")
    }
}
