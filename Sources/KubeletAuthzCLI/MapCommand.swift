import ArgumentParser
import KubeJSON
import KubeletAccess
import KubeletModel
import Reports

struct MapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Show the authorization checks a kubelet makes for a request.",
        discussion: """
        The verb comes from the HTTP method, the subresource from the path, in the order the kubelet \
        tries them (the second is the nodes/proxy fallback). Paths the kubelet's router redirects or \
        does not know are answered before any authentication; map says so.

        Examples:
          kubelet-authz map GET /pods
          kubelet-authz map --kube-version 1.31 GET /pods
          kubelet-authz map -o json GET '/exec/ml/llm-0/vllm?command=id'
        """
    )

    @OptionGroup var kubelet: KubeletOptions
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output: OutputFormat = .table
    @OptionGroup var request: RequestArguments

    func run() async throws {
        let req = KubeletRequest(method: try request.validatedMethod(), path: try request.parsedPath(),
                                 profile: try kubelet.profile())
        switch output {
        case .json: ConsoleIO.out(JSONWriter.pretty(KubeletAccessJSON.map(req)) + "\n")
        case .table:
            ConsoleIO.out(KubeletAccessText.map(req))
            for w in KubeletAccessText.warnings(req) { ConsoleIO.err(w + "\n") }
        }
    }
}
