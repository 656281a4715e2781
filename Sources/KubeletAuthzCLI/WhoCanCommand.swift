import ArgumentParser
import KubeJSON
import KubeletAccess
import Reports

struct WhoCanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "who-can",
        abstract: "List every subject whose request would pass the kubelet's authorization.",
        discussion: """
        Subjects are listed as bound (User, Group, ServiceAccount) with every ClusterRoleBinding → \
        ClusterRole that grants them, and whether they pass only through the nodes/proxy fallback. \
        RoleBindings never appear: kubelet checks carry no namespace.

        Examples:
          kubelet-authz who-can -f examples/ai-cluster GET /exec/tenant-a-inference/llm-0/vllm
          kubelet-authz who-can -f cluster.yaml --node gpu-node-1 -o json GET /pods
        """
    )

    @OptionGroup var input: ClusterInputOptions
    @Option(help: ArgumentHelp("Only subjects that can call this node's kubelet (default: any node).", valueName: "NAME"))
    var node: String?
    @OptionGroup var kubelet: KubeletOptions
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table
    @OptionGroup var request: RequestArguments

    func run() async throws {
        _ = try request.kubeletRequest(node: node, kubelet: kubelet, snapshot: nil)  // flags before files
        let snapshot = try await input.load()
        let req = try request.kubeletRequest(node: node, kubelet: kubelet, snapshot: snapshot)
        let answer = input.scope.limit(KubeletWhoCan(policy: snapshot.policy()).answer(req))
        switch output {
        case .json: ConsoleIO.out(JSONWriter.pretty(InputSummary.appending(snapshot, to: KubeletAccessJSON.whoCan(answer))) + "\n")
        case .table:
            ConsoleIO.out(KubeletAccessText.whoCan(answer))
            for w in KubeletAccessText.warnings(answer) { ConsoleIO.err(w + "\n") }
            if !snapshot.skippedKinds.isEmpty { ConsoleIO.err(InputSummary.line(snapshot) + "\n") }
        }
    }
}
