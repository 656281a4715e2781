import ArgumentParser
import Foundation
import Governance
import History
import KubeJSON
import KubeletAuthzApp
import Reports

enum DiffFormat: String, CaseIterable { case table, json, markdown, sarif }

struct DiffCommand: AsyncParsableCommand, DocumentedByExamples {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "What changed between two saved scans: kubelet access and exec gained or lost, the grants behind it, register changes, findings new and fixed.",
        discussion: """
        Without SCAN ids, the last two scans of the cluster (--cluster, or the only cluster saved); with one, \
        that scan against its cluster's latest. --fail-on fails (exit 1) when the change brings a new finding \
        at or above the severity: a subject that gained command execution is KA060, high. Findings accepted \
        with `kubelet-authz accept` do not count until their acceptance expires; then they count again, beside \
        a KA072. -o sarif lists only the new findings.
        """ + "\n\n" + HelpExamples.section(examples)
    )

    static let examples = """
        kubelet-authz diff
        kubelet-authz diff 12 15 -o markdown >> review.md
        kubelet-authz diff --cluster prod-eu --fail-on high -o sarif > change.sarif
        """

    @Argument(help: ArgumentHelp("The earlier and the later saved scan (ids from `kubelet-authz history`).", valueName: "SCAN"))
    var scans: [String] = []
    @Option(help: ArgumentHelp("The cluster whose last two scans to compare (as saved).", valueName: "NAME")) var cluster: String?
    @Option(name: .shortAndLong, help: ArgumentHelp("Output: table, json, markdown (a review's change section), sarif (new findings only), jsonpath=TEMPLATE, jsonpath-file=FILE.", valueName: "FORMAT"),
            completion: OutputRequest<DiffFormat>.completion(names: false))
    var output = "table"
    @Option(help: ArgumentHelp("Exit 1 when the change brings a new finding at or above this severity: info, low, medium, high, critical.", valueName: "SEVERITY"))
    var failOn: String?
    @Option(help: ArgumentHelp("Day acceptances are judged at (default: today, UTC).", valueName: "YYYY-MM-DD")) var now: String?
    @OptionGroup var store: HistoryStoreOptions

    func run() async throws {
        let output = try OutputRequest<DiffFormat>(self.output, names: false, command: "diff")
        let threshold = try failOn.map { text throws(CLIError) in
            guard let s = Severity(text) else { throw CLIError.badInput("--fail-on \"\(text)\": expected info, low, medium, high or critical") }
            return s
        }
        guard scans.count <= 2 else { throw CLIError.badInput("diff compares two scans: give at most two SCAN ids, not \(scans.count)") }
        let day = try ScanCommand.day(now, demo: false)
        let path = try store.displayName  // messages only: a URL without its password
        let db = try store.open()
        let (a, b) = try pair(db, path)
        let (before, after) = try historyCall(path) { (try db.content(of: a), try db.content(of: b)) }
        let diff = ScanDiff.between(before, after)
        let brought = DiffFindings.new(diff, after: after, before: a)
        let acceptance = RecordedAcceptances.acceptance(try historyCall(path) { try db.acceptances() }, for: brought, cluster: b.cluster, store: path)
        let outcome = acceptance.apply(to: brought, now: day)
        if outcome.accepted > 0 { ConsoleIO.err("\(outcome.accepted) new finding\(outcome.accepted == 1 ? "" : "s") accepted in \(path) (kubelet-authz accept)\n") }
        let change = ScanChange(from: a, to: b, diff: diff, newFindings: outcome.kept, accepted: outcome.accepted,
                                fixedFindings: diff.fixedFindings.compactMap(ScanRecording.finding))
        switch output {
        case .format(.table): ConsoleIO.out(DiffText.render(change))
        case .format(.markdown): ConsoleIO.out(DiffMarkdown.render(change))
        case .format(.sarif):
            JSONWriter.pretty(ScanSARIF.render(findings: change.newFindings, inputs: [], toolVersion: BuildInfo.version)) {
                ConsoleIO.out(String(decoding: $0, as: UTF8.self))
            }
            ConsoleIO.out("\n")
        default: try output.writeJSON(DiffJSON.document(change))
        }
        if let threshold {
            let failing = change.newFindings.filter { $0.severity >= threshold }
            if !failing.isEmpty {
                ConsoleIO.err("\(failing.count) new finding\(failing.count == 1 ? "" : "s") at or above \(threshold) since scan \(a.id) (--fail-on \(threshold))\n")
                throw CLIError.silent(1)
            }
        }
    }

    /// The two scans to compare: as given, or the last two of the cluster.
    func pair(_ db: ScanHistoryStore, _ path: String) throws(CLIError) -> (SavedScan, SavedScan) {
        let ids = try scans.map { text throws(CLIError) -> Int in
            guard let id = Int(text), id > 0 else { throw .badInput("SCAN \"\(text)\": expected a scan id, a positive number (kubelet-authz history lists them)") }
            return id
        }
        let given = try ids.map { id throws(CLIError) -> SavedScan in
            guard let s = try historyCall(path, { try db.scan(id: id) }) else {
                throw .badInput("no saved scan \(id) in \(path) (kubelet-authz history lists them)")
            }
            return s
        }
        if given.count == 2 {
            guard given[0].cluster == given[1].cluster else {
                throw .badInput("scans \(given[0].id) and \(given[1].id) are of different clusters (\(given[0].cluster), \(given[1].cluster)): diff compares scans of one cluster")
            }
            return (given[0], given[1])
        }
        let all = try historyCall(path) { try db.scans(cluster: nil, since: nil) }
        let name: String
        if let first = given.first { name = first.cluster } else { name = try Self.cluster(cluster, scans: all, store: path) }
        let ofCluster = all.filter { $0.cluster == name }
        if let first = given.first {
            guard let latest = ofCluster.last, latest.id != first.id else {
                throw .badInput("scan \(first.id) is the latest of cluster \(name): name the scan to compare it with")
            }
            return (first, latest)
        }
        guard ofCluster.count >= 2 else {
            throw .badInput("cluster \(name) has \(ofCluster.count) saved scan\(ofCluster.count == 1 ? "" : "s") in \(path): diff needs two (run `kubelet-authz scan --save` again after a change)")
        }
        return (ofCluster[ofCluster.count - 2], ofCluster[ofCluster.count - 1])
    }

    /// `--cluster`, else the one cluster the store holds scans of.
    static func cluster(_ explicit: String?, scans: [SavedScan], store: String) throws(CLIError) -> String {
        let clusters = Array(Set(scans.map(\.cluster))).sorted()
        if let explicit {
            guard clusters.contains(explicit) else {
                throw .badInput("no saved scan of cluster \(explicit) in \(store)\(clusters.isEmpty ? "" : " (saved: \(clusters.joined(separator: ", ")))")")
            }
            return explicit
        }
        guard !clusters.isEmpty else { throw .badInput("no saved scans in \(store) (save one with `kubelet-authz scan --save`)") }
        guard clusters.count == 1 else { throw .badInput("\(store) holds scans of \(clusters.count) clusters (\(clusters.joined(separator: ", "))): choose one with --cluster") }
        return clusters[0]
    }
}
