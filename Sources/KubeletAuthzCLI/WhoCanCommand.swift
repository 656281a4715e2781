import ArgumentParser
import KubeJSON
import KubeletAccess
import Reports

struct WhoCanCommand: AsyncParsableCommand, DocumentedByExamples {
    static let configuration = CommandConfiguration(
        commandName: "who-can",
        abstract: "List every subject whose request — or one permission, get nodes/proxy — would pass the kubelet's authorization.",
        discussion: """
        Subjects are listed as bound (User, Group, ServiceAccount) with every ClusterRoleBinding → \
        ClusterRole that grants them, and whether they pass only through the nodes/proxy fallback. \
        RoleBindings never appear: kubelet checks carry no namespace. Given VERB nodes/SUB \
        (get nodes/proxy, as an RBAC rule names it) instead of METHOD PATH, the answer is who \
        passes that one check; --node names the node.
        """ + "\n\n" + HelpExamples.section(examples)
    )

    static let examples = """
        kubelet-authz who-can -f examples/ai-cluster \\
            GET /exec/tenant-a-inference/llm-0/vllm
        kubelet-authz who-can -f cluster.yaml --node gpu-node-1 -o json GET /pods
        kubelet-authz who-can -f examples/ai-cluster -o name get nodes/proxy
        """

    @OptionGroup var input: ClusterInputOptions
    @Option(help: ArgumentHelp("Only subjects that can call this node's kubelet (default: any node).", valueName: "NAME"))
    var node: String?
    @OptionGroup var kubelet: KubeletOptions
    @Option(name: .shortAndLong, help: ArgumentHelp("Output: table, json, name (a subject a line: ServiceAccount/NS/NAME, User/NAME, Group/NAME), jsonpath=TEMPLATE, jsonpath-file=FILE.", valueName: "FORMAT"),
            completion: OutputRequest<OutputFormat>.completion(names: true))
    var output = "table"
    @OptionGroup var request: RequestArguments

    func run() async throws {
        let output = try OutputRequest<OutputFormat>(self.output, names: true, command: "who-can")
        _ = try request.question(node: node, kubelet: kubelet, snapshot: nil)  // flags before files
        let snapshot = try await input.load()
        let question = try request.question(node: node, kubelet: kubelet, snapshot: snapshot)
        let answer = input.scope.limit(KubeletWhoCan(policy: snapshot.policy()).answer(question))
        switch output {
        case .format(.json), .jsonPath: try output.writeJSON(InputSummary.appending(snapshot, to: KubeletAccessJSON.whoCan(answer)))
        case .name:
            ConsoleIO.out(answer.holders.map { SubjectName.line(kind: $0.subject.kind, namespace: $0.subject.namespace, name: $0.subject.name) + "\n" }.joined())
            for w in KubeletAccessText.warnings(answer) { ConsoleIO.err(w + "\n") }
        case .format(.table):
            ConsoleIO.out(KubeletAccessText.whoCan(answer))
            for w in KubeletAccessText.warnings(answer) { ConsoleIO.err(w + "\n") }
            if !snapshot.skippedKinds.isEmpty { ConsoleIO.err(InputSummary.line(snapshot) + "\n") }
        }
    }
}
