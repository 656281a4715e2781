/// Which kubelet release a command answers for. One rule for every command, so `scan`,
/// `explain`, `who-can` and `map` agree on the same cluster:
/// 1. `--kube-version`;
/// 2. with `--node`, that node's kubelet;
/// 3. the oldest kubelet among the Nodes (what is true there is true on every node);
/// 4. the API server's version (kubelets may lag it, never lead it);
/// 5. the newest modelled release, with a note.
public enum ReleaseRule {
    public enum Source: String, Sendable, Hashable {
        case flag, node, nodes, apiServer, `default`
    }

    public struct Choice: Sendable, Hashable {
        public let profile: KubeletProfile
        public let source: Source
        /// Said once to the user (stderr): why this release and not another.
        public let notes: [String]
    }

    /// - Parameters:
    ///   - nodeVersions: every Node's name and reported kubelet version (nil when absent).
    ///   - node: the node a question is about (`--node`), if any.
    public static func choose(flag: KubernetesVersion?, featureGates: FeatureGateSettings = .init(), node: String? = nil,
                              nodeVersions: [(name: String, kubeletVersion: String?)], serverVersion: String?) -> Choice {
        if let flag { return Choice(profile: KubeletProfile(version: flag, featureGates: featureGates), source: .flag, notes: []) }
        var notes: [String] = []
        if let node {
            if let entry = nodeVersions.first(where: { $0.name == node }) {
                if let text = entry.kubeletVersion, let v = KubernetesVersion(text) {
                    return Choice(profile: KubeletProfile(version: v, featureGates: featureGates), source: .node, notes: [])
                }
                notes.append("node \(node) reports no kubelet version")
            } else if !nodeVersions.isEmpty {
                notes.append("node \(node) is not among the input's \(nodeVersions.count) Node\(nodeVersions.count == 1 ? "" : "s")")
            }
        }
        let parsed = nodeVersions.compactMap { $0.kubeletVersion.flatMap(KubernetesVersion.init) }
        if let oldest = parsed.min() {
            if Set(parsed).count > 1 {
                let list = Set(parsed).sorted().map(\.description).joined(separator: ", ")
                notes.append("nodes run kubelets \(list); answering for the oldest, \(oldest) (pass --node or --kube-version for another)")
            }
            return Choice(profile: KubeletProfile(version: oldest, featureGates: featureGates), source: .nodes, notes: notes)
        }
        if let server = serverVersion.flatMap(KubernetesVersion.init) {
            return Choice(profile: KubeletProfile(version: server, featureGates: featureGates), source: .apiServer, notes: notes)
        }
        notes.append("no Node or API server version in the input; answering for Kubernetes \(KubernetesVersion.newest), the newest release modelled (--kube-version to choose)")
        return Choice(profile: KubeletProfile(featureGates: featureGates), source: .default, notes: notes)
    }
}
