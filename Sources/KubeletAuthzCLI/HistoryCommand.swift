import ArgumentParser
import Foundation
import Governance
import History
import KubeJSON
import Reports

enum HistoryFormat: String, CaseIterable { case table, json }

struct HistoryCommand: AsyncParsableCommand, DocumentedByExamples {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List the scans saved with `scan --save`: subjects, exec-capable subjects and findings by severity.",
        discussion: """
        CONTENT says whether a scan stored anything new: an unchanged cluster's scan is one row pointing at \
        the content its last scan stored. --findings lists each finding's lifecycle on one cluster instead: \
        first seen, last seen, fixed, and whether an acceptance (kubelet-authz accept) holds.
        """ + "\n\n" + HelpExamples.section(examples)
    )

    static let examples = """
        kubelet-authz history
        kubelet-authz history --cluster prod-eu --since 30d -o json
        kubelet-authz history --findings --cluster prod-eu
        """

    @Option(help: ArgumentHelp("Only the scans of this cluster (as saved: --cluster, or the kube-system Namespace's UID).", valueName: "NAME"))
    var cluster: String?
    @Option(help: ArgumentHelp("Only scans at or after this time: RFC 3339, a date (YYYY-MM-DD), or a duration ago (30d, 12h).", valueName: "TIME"))
    var since: String?
    @Flag(help: "List the findings' lifecycle on the cluster (first seen, last seen, fixed, accepted) instead of the scans.")
    var findings = false
    @Option(help: ArgumentHelp("Day acceptances are judged at (default: today, UTC).", valueName: "YYYY-MM-DD")) var now: String?
    @Option(name: .shortAndLong, help: ArgumentHelp("Output: table, json, jsonpath=TEMPLATE, jsonpath-file=FILE.", valueName: "FORMAT"),
            completion: OutputRequest<HistoryFormat>.completion(names: false))
    var output = "table"
    @OptionGroup var store: HistoryStoreOptions

    func run() async throws {
        let output = try OutputRequest<HistoryFormat>(self.output, names: false, command: "history")
        let since = try self.since.map { text throws(CLIError) in try EvidenceStoreOptions.seconds(text, flag: "--since") }
        let day = try ScanCommand.day(now, demo: false).description
        let path = try store.displayName  // messages only: a URL without its password
        let db = try store.open()
        let scans = try historyCall(path) { try db.scans(cluster: cluster, since: since) }
        if findings {
            let chosen = try DiffCommand.cluster(cluster, scans: try historyCall(path) { try db.scans(cluster: nil, since: nil) }, store: path)
            let accepted = try historyCall(path) { try db.acceptances() }
            let states = try historyCall(path) { try db.findingLifecycles(cluster: chosen) }.map { l in
                HistoryOutput.FindingState(lifecycle: l, acceptance: accepted.last { $0.fingerprint == l.fingerprint && $0.applies(to: chosen) }, day: day)
            }
            if case .format(.table) = output { ConsoleIO.out(HistoryOutput.findingsTable(states)) } else { try output.writeJSON(HistoryOutput.findingsJSON(states)) }
            return
        }
        guard !scans.isEmpty else {
            throw CLIError.badInput("no saved scans in \(path)\(cluster.map { " of cluster \($0)" } ?? "")\(self.since.map { " since \($0)" } ?? "") (save one with `kubelet-authz scan --save`)")
        }
        if case .format(.table) = output { ConsoleIO.out(HistoryOutput.table(scans)) } else { try output.writeJSON(HistoryOutput.json(scans)) }
    }
}
