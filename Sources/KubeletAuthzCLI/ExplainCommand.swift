import ArgumentParser
import KubeJSON
import KubeletAccess
import RBAC
import Reports

struct ExplainCommand: AsyncParsableCommand, DocumentedByExamples {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Say what a kubelet answers one caller, check by check, and which rule decides.",
        discussion: """
        The caller gets the groups the API server's authenticators would give it: a ServiceAccount \
        (--as system:serviceaccount:NS:NAME) gets system:serviceaccounts, system:serviceaccounts:NS \
        and system:authenticated; other users system:authenticated; system:anonymous gets \
        system:unauthenticated. Add more with --as-group. Given VERB nodes/SUB (get nodes/pods, as \
        an RBAC rule names it) instead of METHOD PATH, explain answers that one check.
        """ + "\n\n" + HelpExamples.section(examples)
    )

    static let examples = """
        kubelet-authz explain -f examples/ai-cluster \\
            --as system:serviceaccount:datadog:datadog --node gpu-node-1 \\
            GET /exec/tenant-a-inference/llm-0/vllm
        kubelet-authz explain -f cluster.yaml --as alice --exit-code GET /pods \\
            && echo allowed
        kubelet-authz explain -f cluster.yaml --as alice get nodes/pods
        """

    @OptionGroup var input: ClusterInputOptions
    @Option(help: ArgumentHelp("The caller's user name.", valueName: "USER")) var `as`: String
    @Option(name: .customLong("as-group"), help: ArgumentHelp("An extra group of the caller. Repeatable.", valueName: "GROUP"))
    var asGroups: [String] = []
    @Option(help: ArgumentHelp("The node whose kubelet is called (matters for resourceNames).", valueName: "NAME")) var node: String?
    @OptionGroup var kubelet: KubeletOptions
    @Option(name: .shortAndLong, help: ArgumentHelp("Output: table, json, jsonpath=TEMPLATE, jsonpath-file=FILE.", valueName: "FORMAT"),
            completion: OutputRequest<OutputFormat>.completion(names: false))
    var output = "table"
    @Flag(help: "Exit 1 when the kubelet would not serve the request (403, 404 or a redirect), or the caller lacks the permission, as `kubectl auth can-i` does; 0 when it would.")
    var exitCode = false
    @OptionGroup var request: RequestArguments

    func run() async throws {
        let output = try OutputRequest<OutputFormat>(self.output, names: false, command: "explain")
        _ = try request.question(node: node, kubelet: kubelet, snapshot: nil)  // flags before files
        guard !`as`.isEmpty else { throw CLIError.badInput("--as: a user name is required") }
        let snapshot = try await input.load()
        let question = try request.question(node: node, kubelet: kubelet, snapshot: snapshot)
        let user = UserInfo.asAuthenticated(name: `as`, groups: asGroups)
        let explainer = KubeletExplainer(policy: snapshot.policy())
        let allowed: Bool, json: JSONValue, text: String
        switch question {
        case .request(let req):
            let e = explainer.explain(req, as: user)
            (allowed, json, text) = (e.allowed, KubeletAccessJSON.explain(e), KubeletAccessText.explain(e))
        case .permission(let permission):
            let e = explainer.explain(permission, as: user)
            (allowed, json, text) = (e.allowed, KubeletAccessJSON.explain(e), KubeletAccessText.explain(e))
        }
        switch output {
        case .format(.json), .jsonPath, .name: try output.writeJSON(InputSummary.appending(snapshot, to: json))
        case .format(.table):
            ConsoleIO.out(text)
            if !snapshot.skippedKinds.isEmpty { ConsoleIO.err(InputSummary.line(snapshot) + "\n") }
        }
        if exitCode && !allowed { throw CLIError.silent(1) }
    }
}
