import ArgumentParser
import Evidence
import Foundation
import KubeletAuthzApp
import History
import Reports

enum FleetFormat: String, CaseIterable { case table, json, markdown, html }

struct FleetCommand: AsyncParsableCommand, DocumentedByExamples {
    static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "One view across the clusters saved in one store: exec-capable subjects, the same subject's kubelet access on each cluster, overdue reviews, and how fresh each one's scan and audit evidence are.",
        discussion: """
        Reads the latest saved scan of each cluster (`kubelet-authz scan --save --cluster NAME`). A subject present \
        on more than one cluster is listed with its subresources and verbs per cluster, flagged where one cluster \
        still grants nodes/proxy and another grants it fine-grained subresources only. Freshness is when each \
        cluster's latest scan was saved, and the latest audit event stored under its name (`evidence --cluster`, \
        `serve --cluster`, `scan --audit --store`) with the records of the 24 hours before now (with --now DAY: \
        before that day's end).
        """ + "\n\n" + HelpExamples.section(examples)
    )

    static let examples = """
        kubelet-authz fleet
        kubelet-authz fleet --store fleet.sqlite -o markdown >> review.md
        """

    @Option(name: .shortAndLong, help: ArgumentHelp("Output: table, json, markdown, html, jsonpath=TEMPLATE, jsonpath-file=FILE.", valueName: "FORMAT"),
            completion: OutputRequest<FleetFormat>.completion(names: false))
    var output = "table"
    @Option(help: ArgumentHelp("Day reviews are judged overdue at, and whose end the evidence of the last 24 hours is counted to (default: today, UTC, and now).", valueName: "YYYY-MM-DD")) var now: String?
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
        let db = try store.open()
        let scans = try historyCall(path) { try db.scans(cluster: nil, since: nil) }
        // Oldest first: the last scan seen of each cluster is its latest.
        var latest: [String: SavedScan] = [:]
        for s in scans.sorted(by: SavedScan.chronological) { latest[s.cluster] = s }
        guard !latest.isEmpty else {
            throw CLIError.badInput("no saved scans in \(shown): \(howTo)")
        }
        // The last day before now, or before the end of the day --now names.
        let end = now == nil ? Date().timeIntervalSince1970 : (AuditTimestamp.seconds(day + "T00:00:00Z") ?? 0) + 86_400
        let evidence = try historyCall(path) { try db.freshness(recentSince: end - 86_400) }
        let view = FleetView.of(try historyCall(path) { try latest.values.map { FleetView.Latest(scan: $0, content: try db.content(of: $0)) } }, today: day,
                                evidence: Dictionary(uniqueKeysWithValues: evidence.map { ($0.cluster, FleetView.Evidence(latest: $0.latest, lastDay: $0.recent)) }))
        switch output {
        case .format(.table): ConsoleIO.out(FleetText.render(view))
        case .format(.markdown): ConsoleIO.out(FleetMarkdown.render(view))
        case .format(.html): ConsoleIO.out(FleetHTML.render(view))
        default: try output.writeJSON(FleetJSON.document(view))
        }
    }
}
