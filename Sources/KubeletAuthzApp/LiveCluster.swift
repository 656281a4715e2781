import Cluster
import Foundation
import KubeClient

/// A live cluster reached as kubectl reaches it: `kubeconfig`, else `KUBECONFIG`, else
/// `~/.kube/config`, else the pod's in-cluster ServiceAccount. The environment comes from the
/// caller (the console, or the server's configuration), never from the process.
public struct LiveCluster: Sendable {
    public var kubeconfig: String?
    public var context: String?
    public var environment: [String: String]
    public var stdinIsTerminal: Bool
    /// kubectl's `--request-timeout`: each request as a whole, retries included; nil = none.
    public var requestTimeout: Duration?
    /// Told whom a read is about to connect to (a terminal shows it; a pipe need not).
    public var announce: (@Sendable (String) -> Void)?

    public init(kubeconfig: String?, context: String?, environment: [String: String], stdinIsTerminal: Bool = false,
                requestTimeout: Duration? = nil, announce: (@Sendable (String) -> Void)? = nil) {
        self.kubeconfig = kubeconfig
        self.context = context
        self.environment = environment
        self.stdinIsTerminal = stdinIsTerminal
        self.requestTimeout = requestTimeout
        self.announce = announce
    }

    // Untyped `throws` (always an InputError): Swift 6.3.1 crashes splitting this async
    // function as a coroutine in release builds when its throws are typed.
    public func client() async throws -> KubeAPIClient {
        let exists = { (p: String) in FileManager.default.fileExists(atPath: p) }
        if let kubeconfig, !exists(kubeconfig) { throw InputError("--kubeconfig \(kubeconfig): the file does not exist") }
        let files = KubeconfigLoader.files(explicit: kubeconfig, environment: environment, exists: exists)
        do {
            if files.isEmpty && context == nil, let inCluster = try? InClusterConfig.load(
                environment: environment, exists: exists, read: { FileManager.default.contents(atPath: $0) }) {
                return try KubeClientFactory.client(inCluster: inCluster, requestTimeout: requestTimeout)
            }
            if files.isEmpty {
                throw KubeconfigError("no cluster input: give -f FILE|DIR|- (kubectl get … -o yaml output, manifests, or a snapshot), or reach a live cluster with --kubeconfig, KUBECONFIG or ~/.kube/config")
            }
            let config = try KubeconfigLoader.load(files) { try Data(contentsOf: URL(fileURLWithPath: $0)) }
            return try await KubeClientFactory.client(for: try config.resolve(context: context), environment: environment,
                                                      stdinIsTerminal: stdinIsTerminal, requestTimeout: requestTimeout)
        } catch {
            throw InputError("\(error)")
        }
    }

    /// The kube-system Namespace's UID, read alone; nil when the cluster has none.
    public func kubeSystemUID() async throws -> String? {
        try await withClient { try await LiveClusterReader.kubeSystemUID($0) }
    }

    /// Everything the analysis reads, as one snapshot (and the raw pages, for `snapshot`).
    public func read() async throws -> LiveClusterReader.Result {
        try await withClient { client in
            announce?("Connecting to \(client.who)…")
            return try await LiveClusterReader.read(client)
        }
    }

    /// `body` on a new client, shut down after it; its errors as input errors.
    private func withClient<T>(_ body: (KubeAPIClient) async throws -> T) async throws -> T {
        let client = try await client()
        do {
            let value = try await body(client)
            await client.shutdown()
            return value
        } catch {
            await client.shutdown()
            throw InputError("\(error)")
        }
    }
}
