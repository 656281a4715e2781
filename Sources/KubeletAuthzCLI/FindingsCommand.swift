import ArgumentParser
import KubeJSON
import Reports

enum CatalogueOutput: String, ExpressibleByArgument, CaseIterable { case table, json, markdown }

struct FindingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "findings",
        abstract: "List the findings catalogue: ids, severities, explanations and fixes."
    )

    @Option(name: .shortAndLong, help: "Output: table, json, markdown.") var output: CatalogueOutput = .table

    func run() async throws {
        switch output {
        case .table: ConsoleIO.out(FindingCatalogueText.table())
        case .json: ConsoleIO.out(JSONWriter.pretty(FindingCatalogueText.json()) + "\n")
        case .markdown: ConsoleIO.out(FindingCatalogueText.markdown())
        }
    }
}
