import ArgumentParser
import Governance
import KubeJSON
import Reports

enum CatalogueOutput: String, CaseIterable { case table, json, markdown }

struct FindingsCommand: AsyncParsableCommand, DocumentedByExamples {
    static let configuration = CommandConfiguration(
        commandName: "findings",
        abstract: "List the findings catalogue: ids, severities, explanations and fixes.",
        discussion: HelpExamples.section(examples)
    )

    static let examples = """
        kubelet-authz findings
        kubelet-authz findings KA001
        kubelet-authz findings exec-via-nodes-proxy -o json
        kubelet-authz findings -o name
        """

    @Argument(help: ArgumentHelp("Rules to show in full, by id (KA001) or name (exec-via-nodes-proxy).", valueName: "RULE"))
    var rules: [String] = []
    @Option(name: .shortAndLong, help: ArgumentHelp("Output: table, json, markdown, name (the rule ids), jsonpath=TEMPLATE, jsonpath-file=FILE.", valueName: "FORMAT"),
            completion: OutputRequest<CatalogueOutput>.completion(names: true))
    var output = "table"

    func run() async throws {
        let output = try OutputRequest<CatalogueOutput>(self.output, names: true, command: "findings")
        let chosen = try rules.map { text throws(CLIError) -> FindingRule in
            guard let rule = FindingRule(idOrName: text) else {
                throw .badInput("no finding rule \"\(text)\" (kubelet-authz findings lists them)")
            }
            return rule
        }
        let shown = chosen.isEmpty ? FindingRule.allCases : chosen
        switch (output, chosen.isEmpty) {
        case (.format(.table), true): ConsoleIO.out(FindingCatalogueText.table())
        case (.format(.table), false): ConsoleIO.out(chosen.map(FindingCatalogueText.detail).joined(separator: "\n"))
        case (.format(.markdown), false): ConsoleIO.out(chosen.map(FindingCatalogueText.markdownSection).joined())
        case (.format(.json), _), (.jsonPath, _): try output.writeJSON(FindingCatalogueText.json(shown))
        case (.name, _): ConsoleIO.out(shown.map { $0.id + "\n" }.joined())
        case (.format(.markdown), true): ConsoleIO.out(FindingCatalogueText.markdown())
        }
    }
}
