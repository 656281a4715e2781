import ArgumentParser
import Cluster
import Foundation
import KubeletAuthzApp
import KubeClient

/// `--kubeconfig`/`--context`: reach a live cluster with the credentials kubectl uses —
/// `--kubeconfig`, else `KUBECONFIG`, else `~/.kube/config`, else the pod's in-cluster
/// ServiceAccount.
struct LiveClusterOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Kubeconfig file (default: $KUBECONFIG, else ~/.kube/config, else in-cluster).", valueName: "FILE"))
    var kubeconfig: String?

    @Option(help: ArgumentHelp("Kubeconfig context (default: its current-context).", valueName: "NAME"))
    var context: String?

    var requested: Bool { kubeconfig != nil || context != nil }

    var live: LiveCluster {
        let console = ConsoleIO.current
        return LiveCluster(kubeconfig: kubeconfig, context: context, environment: console.environment, stdinIsTerminal: console.stdinIsTerminal)
    }

    func client() async throws(CLIError) -> KubeAPIClient {
        do { return try await live.client() } catch { throw .badInput((error as? InputError)?.message ?? "\(error)") }
    }

    func read() async throws(CLIError) -> LiveClusterReader.Result {
        do { return try await live.read() } catch { throw .badInput((error as? InputError)?.message ?? "\(error)") }
    }
}
