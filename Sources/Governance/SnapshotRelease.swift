import Cluster
import KubeletModel

extension ReleaseRule {
    /// The shared release rule applied to what a cluster snapshot says about its nodes and
    /// API server: the one mapping every command and the scan use.
    public static func choose(_ snapshot: ClusterSnapshot, flag: KubernetesVersion?, featureGates: FeatureGateSettings = .init(),
                              node: String? = nil) -> Choice {
        choose(flag: flag, featureGates: featureGates, node: node,
               nodeVersions: snapshot.nodes.map { (name: $0.name, kubeletVersion: $0.kubeletVersion) },
               serverVersion: snapshot.serverVersion)
    }
}
