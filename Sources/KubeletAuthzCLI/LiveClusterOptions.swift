import ArgumentParser
import Cluster
import Foundation
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

    func client() async throws(CLIError) -> KubeAPIClient {
        let console = ConsoleIO.current
        let env = console.environment
        let exists = { (p: String) in FileManager.default.fileExists(atPath: p) }
        if let kubeconfig, !exists(kubeconfig) { throw .badInput("--kubeconfig \(kubeconfig): the file does not exist") }
        let files = KubeconfigLoader.files(explicit: kubeconfig, environment: env, exists: exists)
        do {
            if files.isEmpty && context == nil, let inCluster = try? InClusterConfig.load(
                environment: env, exists: exists, read: { FileManager.default.contents(atPath: $0) }) {
                return try KubeClientFactory.client(inCluster: inCluster)
            }
            if files.isEmpty {
                throw KubeconfigError("no cluster input: give -f FILE|DIR|- (kubectl get … -o yaml output, manifests, or a snapshot), or reach a live cluster with --kubeconfig, KUBECONFIG or ~/.kube/config")
            }
            let config = try KubeconfigLoader.load(files) { try Data(contentsOf: URL(fileURLWithPath: $0)) }
            return try await KubeClientFactory.client(for: try config.resolve(context: context), environment: env,
                                                      stdinIsTerminal: console.stdinIsTerminal)
        } catch {
            throw .badInput("\(error)")
        }
    }

    func read() async throws(CLIError) -> LiveClusterReader.Result {
        let client = try await client()
        do {
            let result = try await LiveClusterReader.read(client)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw CLIError(message: "\(error)", exitCode: 2)
        }
    }
}
