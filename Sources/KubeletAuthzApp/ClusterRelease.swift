import Cluster
import KubeletModel

extension ReleaseRule {
    /// The shared release rule applied to what a cluster snapshot says about its nodes and
    /// API server.
    public static func choose(_ snapshot: ClusterSnapshot, flag: KubernetesVersion?, featureGates: FeatureGateSettings = .init(),
                              node: String? = nil) -> Choice {
        // The scan reaches the same rule through ClusterScanner, which sits below this layer.
        choose(flag: flag, featureGates: featureGates, node: node,
               nodeVersions: snapshot.nodes.map { (name: $0.name, kubeletVersion: $0.kubeletVersion) },
               serverVersion: snapshot.serverVersion)
    }
}
