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

    @Option(help: ArgumentHelp("How long one request to the API server may take, retries included, as kubectl's flag: 0 (none, the default), 30s, 2m, 1h; a bare number is seconds.", valueName: "DURATION"))
    var requestTimeout: String?

    var requested: Bool { kubeconfig != nil || context != nil }

    /// kubectl's `--request-timeout` values: a Go duration of s, m, h, ms parts, or whole
    /// seconds; 0 means no limit.
    static func parseTimeout(_ text: String) -> Duration?? {
        if let seconds = Int(text), seconds >= 0 { return seconds == 0 ? .some(nil) : .seconds(seconds) }
        var total = 0.0
        var rest = Substring(text)
        let units: [(String, Double)] = [("ms", 0.001), ("h", 3600), ("m", 60), ("s", 1)]
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isNumber || $0 == "." }
            guard !digits.isEmpty, let n = Double(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            total += n * unit.1
            rest = rest.dropFirst(unit.0.count)
        }
        return total == 0 ? .some(nil) : .milliseconds(Int(total * 1000))
    }

    func live() throws(CLIError) -> LiveCluster {
        let console = ConsoleIO.current
        var timeout: Duration? = nil
        if let requestTimeout {
            guard let parsed = Self.parseTimeout(requestTimeout) else {
                throw .badInput("--request-timeout \"\(requestTimeout)\": expected 0, a number of seconds, or a duration such as 30s, 2m, 1h")
            }
            timeout = parsed
        }
        let write = console.writeErr
        let announce: (@Sendable (String) -> Void)? = console.stderrIsTerminal ? { @Sendable line in write(line + "\n") } : nil
        return LiveCluster(kubeconfig: kubeconfig, context: context, environment: console.environment, stdinIsTerminal: console.stdinIsTerminal,
                           requestTimeout: timeout, announce: announce)
    }

    func client() async throws(CLIError) -> KubeAPIClient {
        let live = try live()
        do { return try await live.client() } catch { throw .badInput((error as? InputError)?.message ?? "\(error)") }
    }

    func read() async throws(CLIError) -> LiveClusterReader.Result {
        let live = try live()
        do { return try await live.read() } catch { throw .badInput((error as? InputError)?.message ?? "\(error)") }
    }
}
