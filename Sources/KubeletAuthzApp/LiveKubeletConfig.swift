import Foundation
import Governance
import KubeClient
import KubeletModel

/// The kubelets' configurations read live: each kubelet's /configz, asked directly at the
/// Node's InternalIP and kubelet port, only where the kubelet checks that request as
/// nodes/configz. An older kubelet (before 1.33, or 1.32 without KubeletFineGrainedAuthz)
/// would check nodes/proxy, and a kubelet of unknown release might: those are never asked.
public enum LiveKubeletConfig {
    /// Which nodes to ask, and why the others are not: pure, so that "never asked" is tested
    /// without a network.
    public static func plan(_ endpoints: [KubeletAddress], featureGates: FeatureGateSettings) -> (ask: [(node: String, url: String)], skipped: [NodeKubeletConfig]) {
        var ask: [(String, String)] = []
        var skipped: [NodeKubeletConfig] = []
        for e in endpoints.sorted(by: { $0.node < $1.node }) {
            guard let text = e.kubeletVersion, let version = KubernetesVersion(text) else {
                skipped.append(NodeKubeletConfig(node: e.node, outcome: .notRead("kubelet release not reported: it may check /configz as nodes/proxy, so it is not asked")))
                continue
            }
            // 1.32 only with the gate on checks nodes/configz, and whether a node's gate is on is
            // not known from here (--feature-gates is the user's model): never asked, so a
            // powerful credential never reads it through the nodes/proxy fallback.
            guard version >= KubernetesVersion(major: 1, minor: 33), KubeletProfile(version: version, featureGates: featureGates).fineGrainedAuthz else {
                let why = version < KubernetesVersion(major: 1, minor: 33)
                    ? "kubelet \(version) may check /configz as nodes/proxy (KubeletFineGrainedAuthz: on by default from 1.33, opt-in per node on 1.32): not asked"
                    : "kubelet \(version) checks /configz as nodes/proxy (KubeletFineGrainedAuthz is off): not asked"
                skipped.append(NodeKubeletConfig(node: e.node, outcome: .notRead(why)))
                continue
            }
            guard let url = e.baseURL else {
                skipped.append(NodeKubeletConfig(node: e.node, outcome: .notRead("the Node reports no InternalIP")))
                continue
            }
            ask.append((e.node, url))
        }
        return (ask, skipped)
    }

    /// What each answer says about the node; pure.
    public static func outcome(node: String, url: String, answer: KubeletConfigzReader.Answer) -> NodeKubeletConfig {
        let source = url + KubeletConfigzReader.path
        switch answer {
        case .body(let data):
            do {
                return NodeKubeletConfig(node: node, outcome: .read(try KubeletConfigDecoder.decode(data, source: source)), source: source)
            } catch {
                return NodeKubeletConfig(node: node, outcome: .failed("the answer is not a kubelet configuration: \(error.message)"), source: source)
            }
        case .refused(let code, _):
            let why = code == 401 ? "401 Unauthorized: the kubelet did not accept the scan's credentials"
                                  : "403 Forbidden: the scanning identity lacks get on nodes/configz (deploy/kubelet-authz-configz.yaml grants it)"
            return NodeKubeletConfig(node: node, outcome: .forbidden(why), source: source)
        case .failed(let message):
            return NodeKubeletConfig(node: node, outcome: .failed(message), source: source)
        }
    }

    /// Each kubelet that may be asked, with its raw answer, and the nodes not asked.
    public static func answers(_ endpoints: [KubeletAddress], featureGates: FeatureGateSettings, client: KubeAPIClient,
                               trust: KubeletTrust, timeout: Duration = .seconds(10))
        async -> (asked: [(node: String, url: String, answer: KubeletConfigzReader.Answer)], skipped: [NodeKubeletConfig]) {
        let (ask, skipped) = plan(endpoints, featureGates: featureGates)
        let answers = await KubeletConfigzReader.read(ask, with: client, trust: trust, timeout: timeout)
        return (ask.map { ($0.node, $0.url, answers[$0.node] ?? .failed("no answer")) }, skipped)
    }

    public static func read(_ endpoints: [KubeletAddress], featureGates: FeatureGateSettings, client: KubeAPIClient,
                            trust: KubeletTrust, timeout: Duration = .seconds(10)) async -> KubeletConfigInput {
        let (asked, skipped) = await answers(endpoints, featureGates: featureGates, client: client, trust: trust, timeout: timeout)
        let nodes = skipped + asked.map { outcome(node: $0.node, url: $0.url, answer: $0.answer) }
        return KubeletConfigInput(origin: .live, location: client.server, nodes: nodes.sorted { $0.node < $1.node })
    }
}
