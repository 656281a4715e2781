import ArgumentParser
import KubeJSON
import KubeletAccess
import RBAC
import Reports

struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Say what a kubelet answers one caller, check by check, and which rule decides.",
        discussion: """
        The caller gets the groups the API server's authenticators would give it: a ServiceAccount \
        (--as system:serviceaccount:NS:NAME) gets system:serviceaccounts, system:serviceaccounts:NS \
        and system:authenticated; other users system:authenticated; system:anonymous gets \
        system:unauthenticated. Add more with --as-group.

        Examples:
          kubelet-authz explain -f examples/ai-cluster --as system:serviceaccount:datadog:datadog --node gpu-node-1 GET /exec/tenant-a-inference/llm-0/vllm
          kubelet-authz explain -f cluster.yaml --as alice --exit-code GET /pods && echo allowed
        """
    )

    @OptionGroup var input: ClusterInputOptions
    @Option(help: ArgumentHelp("The caller's user name.", valueName: "USER")) var `as`: String
    @Option(name: .customLong("as-group"), help: ArgumentHelp("An extra group of the caller. Repeatable.", valueName: "GROUP"))
    var asGroups: [String] = []
    @Option(help: ArgumentHelp("The node whose kubelet is called (matters for resourceNames).", valueName: "NAME")) var node: String?
    @OptionGroup var kubelet: KubeletOptions
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table
    @Flag(help: "Exit 1 when the kubelet would not serve the request (403, 404 or a redirect), as `kubectl auth can-i` does; 0 when it would.")
    var exitCode = false
    @OptionGroup var request: RequestArguments

    func run() async throws {
        _ = try request.kubeletRequest(node: node, kubelet: kubelet, snapshot: nil)  // flags before files
        guard !`as`.isEmpty else { throw CLIError.badInput("--as: a user name is required") }
        let snapshot = try await input.load()
        let req = try request.kubeletRequest(node: node, kubelet: kubelet, snapshot: snapshot)
        let user = UserInfo.asAuthenticated(name: `as`, groups: asGroups)
        let explanation = KubeletExplainer(policy: snapshot.policy()).explain(req, as: user)
        switch output {
        case .json: ConsoleIO.out(JSONWriter.pretty(InputSummary.appending(snapshot, to: KubeletAccessJSON.explain(explanation))) + "\n")
        case .table:
            ConsoleIO.out(KubeletAccessText.explain(explanation))
            if !snapshot.skippedKinds.isEmpty { ConsoleIO.err(InputSummary.line(snapshot) + "\n") }
        }
        if exitCode && !explanation.allowed { throw CLIError.silent(1) }
    }
}
