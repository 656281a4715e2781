import ArgumentParser
import Governance
import KubeJSON
import Reports

enum CatalogueOutput: String, ExpressibleByArgument, CaseIterable { case table, json, markdown }

struct FindingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "findings",
        abstract: "List the findings catalogue: ids, severities, explanations and fixes.",
        discussion: """
        Examples:
          kubelet-authz findings
          kubelet-authz findings KA001
          kubelet-authz findings exec-via-nodes-proxy -o json
        """
    )

    @Argument(help: ArgumentHelp("Rules to show in full, by id (KA001) or name (exec-via-nodes-proxy).", valueName: "RULE"))
    var rules: [String] = []
    @Option(name: .shortAndLong, help: "Output: table, json, markdown.") var output: CatalogueOutput = .table

    func run() async throws {
        let chosen = try rules.map { text throws(CLIError) -> FindingRule in
            guard let rule = FindingRule(idOrName: text) else {
                throw .badInput("no finding rule \"\(text)\" (kubelet-authz findings lists them)")
            }
            return rule
        }
        switch (output, chosen.isEmpty) {
        case (.table, true): ConsoleIO.out(FindingCatalogueText.table())
        case (.table, false): ConsoleIO.out(chosen.map(FindingCatalogueText.detail).joined(separator: "\n"))
        case (.markdown, false): ConsoleIO.out(chosen.map(FindingCatalogueText.markdownSection).joined())
        case (.json, _): ConsoleIO.out(JSONWriter.pretty(FindingCatalogueText.json(chosen.isEmpty ? FindingRule.allCases : chosen)) + "\n")
        case (.markdown, true): ConsoleIO.out(FindingCatalogueText.markdown())
        }
    }
}
