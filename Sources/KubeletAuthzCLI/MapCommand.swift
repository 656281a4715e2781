import ArgumentParser
import KubeJSON
import KubeletAccess
import KubeletModel
import Reports

struct MapCommand: AsyncParsableCommand, DocumentedByExamples {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Show the authorization checks a kubelet makes for a request.",
        discussion: """
        The verb comes from the HTTP method, the subresource from the path, in the order the kubelet \
        tries them (the second is the nodes/proxy fallback). Paths the kubelet's router redirects or \
        does not know are answered before any authentication; map says so.
        """ + "\n\n" + HelpExamples.section(examples)
    )

    static let examples = """
        kubelet-authz map GET /pods
        kubelet-authz map --kube-version 1.31 GET /pods
        kubelet-authz map -o json GET '/exec/ml/llm-0/vllm?command=id'
        kubelet-authz map -o jsonpath='{.checks[*].subresource}' GET /pods
        """

    @OptionGroup var kubelet: KubeletOptions
    @Option(name: .shortAndLong, help: ArgumentHelp("Output: table, json, jsonpath=TEMPLATE, jsonpath-file=FILE.", valueName: "FORMAT"),
            completion: OutputRequest<OutputFormat>.completion(names: false))
    var output = "table"
    @OptionGroup var request: RequestArguments

    func run() async throws {
        let output = try OutputRequest<OutputFormat>(self.output, names: false, command: "map")
        let req = try request.kubeletRequest(node: nil, kubelet: kubelet, snapshot: nil)
        switch output {
        case .format(.json), .jsonPath, .name: try output.writeJSON(KubeletAccessJSON.map(req))
        case .format(.table):
            ConsoleIO.out(KubeletAccessText.map(req))
            for w in KubeletAccessText.warnings(req) { ConsoleIO.err(w + "\n") }
        }
    }
}
