import ArgumentParser
import Cluster
import Foundation
import Governance
import KubeClient
import KubeletAuthzApp
import KubeletModel

/// Where `scan` learns whether each kubelet delegates to RBAC: `kubelet-config/` files beside
/// the `-f` directories or named by `--kubelet-config`, or — on request — each live kubelet's
/// /configz, asked directly (never through the API server's node proxy).
struct KubeletConfigOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A folder of <node>.yaml (the node's KubeletConfiguration) or <node>.json (its /configz answer) files. Default: a kubelet-config folder inside a -f directory.", valueName: "DIR"))
    var kubeletConfig: String?

    @OptionGroup var configz: KubeletConfigzOptions

    /// The configurations to judge, or nil when the scan has none to read.
    func input(snapshot: ClusterSnapshot, files: [String], nodePages: [Data]?, live: LiveClusterOptions,
               featureGates: FeatureGateSettings) async throws(CLIError) -> KubeletConfigInput? {
        if configz.requested {
            guard let nodePages else { throw .badInput("--kubelet-configz, --kubelet-ca and --kubelet-insecure-tls read live kubelets: give --kubeconfig/--context instead of -f, or kubelet-config/ files with --kubelet-config DIR") }
            if kubeletConfig != nil { throw .badInput("give either --kubelet-config DIR or --kubelet-configz, not both") }
            let trust = try configz.trust()
            let client = try await live.client()
            let input = await LiveKubeletConfig.read(KubeletAddress.fromNodeList(nodePages), featureGates: featureGates,
                                                     client: client, trust: trust)
            await client.shutdown()
            return input
        }
        let folder: String?
        do { folder = try KubeletConfigFiles.folder(explicit: kubeletConfig, inputs: files) } catch { throw .badInput(error.message) }
        guard let folder else {
            if nodePages != nil {
                ConsoleIO.err("Note: whether each kubelet delegates to RBAC was not checked: --kubelet-configz reads it (get nodes/configz, deploy/kubelet-authz-configz.yaml), or --kubelet-config DIR from files\n")
            }
            return nil
        }
        do { return try KubeletConfigFiles.read(folder, nodes: snapshot.nodes.map(\.name)) } catch { throw .badInput(error.message) }
    }
}

/// Reading live kubelets' /configz, and how their serving certificates are trusted: `scan` and
/// `snapshot` share it.
struct KubeletConfigzOptions: ParsableArguments {
    @Flag(help: "Live cluster: read /configz from each kubelet directly (1.33+ kubelets; the identity needs get on nodes/configz, deploy/kubelet-authz-configz.yaml).")
    var kubeletConfigz = false

    @Option(help: ArgumentHelp("CA bundle that signs kubelet serving certificates, for --kubelet-configz (default: the kubeconfig's cluster CA).", valueName: "FILE"))
    var kubeletCa: String?

    @Flag(help: "Do not verify kubelet serving certificates for --kubelet-configz (as metrics-server's flag): anyone on the path can answer for a kubelet.")
    var kubeletInsecureTls = false

    var requested: Bool { kubeletConfigz || kubeletCa != nil || kubeletInsecureTls }

    func trust() throws(CLIError) -> KubeletTrust {
        if kubeletInsecureTls && kubeletCa != nil { throw .badInput("give either --kubelet-ca or --kubelet-insecure-tls, not both") }
        if kubeletInsecureTls {
            ConsoleIO.err("Warning: --kubelet-insecure-tls: kubelet serving certificates are NOT verified; the scan's credentials go to whoever answers at each node's address\n")
            return .insecure
        }
        guard let kubeletCa else { return .apiServerCA }
        guard let data = FileManager.default.contents(atPath: kubeletCa) else {
            throw .badInput("--kubelet-ca: the path \"\(kubeletCa)\" does not exist or cannot be read")
        }
        guard let trust = KubeletTrust.caFile([UInt8](data)) else { throw .badInput("--kubelet-ca \(kubeletCa): not a PEM certificate bundle") }
        return trust
    }
}
