import ArgumentParser
import Foundation
import KubeletAuthzApp
import History
import Reports

enum FleetFormat: String, CaseIterable { case table, json, markdown, html }

struct FleetCommand: AsyncParsableCommand, DocumentedByExamples {
    static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "One view across the clusters saved in one store: exec-capable subjects, the same subject's kubelet access on each cluster, overdue reviews, and when each was last scanned.",
        discussion: """
        Reads the latest saved scan of each cluster (`kubelet-authz scan --save --cluster NAME`). A subject present \
        on more than one cluster is listed with its subresources and verbs per cluster, flagged where one cluster \
        still grants nodes/proxy and another grants it fine-grained subresources only. Freshness is when each \
        cluster's latest scan was saved: a saved scan keeps no audit evidence times.
        """ + "\n\n" + HelpExamples.section(examples)
    )

    static let examples = """
        kubelet-authz fleet
        kubelet-authz fleet --store fleet.sqlite -o markdown >> review.md
        """

    @Option(name: .shortAndLong, help: ArgumentHelp("Output: table, json, markdown, html, jsonpath=TEMPLATE, jsonpath-file=FILE.", valueName: "FORMAT"),
            completion: OutputRequest<FleetFormat>.completion(names: false))
    var output = "table"
    @Option(help: ArgumentHelp("Day reviews are judged overdue at (default: today, UTC).", valueName: "YYYY-MM-DD")) var now: String?
    @OptionGroup var store: HistoryStoreOptions

    func run() async throws {
        let output = try OutputRequest<FleetFormat>(self.output, names: false, command: "fleet")
        let day = try ScanCommand.day(now, demo: false).description
        let path = try store.path
        let shown = EvidenceLoading.StoreChoice.displayName(path)
        let howTo = "save each cluster's scan with `kubelet-authz scan --save --cluster NAME`"
        let isFile = if case .sqlite = EvidenceLoading.StoreChoice.named(path, environment: [:]) { true } else { false }
        guard !isFile || FileManager.default.fileExists(atPath: path) else {
            throw CLIError.badInput("no saved scans: \(shown) does not exist (\(howTo), or name the database with --store)")
        }
        let db: ScanHistoryStore = try store.open()
        let scans = try historyCall(path) { try db.scans(cluster: nil, since: nil) }
        // Oldest first: the last scan seen of each cluster is its latest.
        var latest: [String: SavedScan] = [:]
        for s in scans.sorted(by: SavedScan.chronological) { latest[s.cluster] = s }
        guard !latest.isEmpty else {
            throw CLIError.badInput("no saved scans in \(shown): \(howTo)")
        }
        let view = FleetView.of(try historyCall(path) { try latest.values.map { FleetView.Latest(scan: $0, content: try db.content(of: $0)) } }, today: day)
        switch output {
        case .format(.table): ConsoleIO.out(FleetText.render(view))
        case .format(.markdown): ConsoleIO.out(FleetMarkdown.render(view))
        case .format(.html): ConsoleIO.out(FleetHTML.render(view))
        default: try output.writeJSON(FleetJSON.document(view))
        }
    }
}
