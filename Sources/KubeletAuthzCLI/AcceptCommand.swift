import ArgumentParser
import Foundation
import Governance
import History
import KubeletAuthzApp

struct AcceptCommand: AsyncParsableCommand, DocumentedByExamples {
    static let configuration = CommandConfiguration(
        commandName: "accept",
        abstract: "Accept a saved finding, by fingerprint, with a reason until a date: it no longer fails --fail-on until then.",
        discussion: """
        The fingerprint is the one scan -o json, SARIF and `history --findings` print. The acceptance is \
        recorded in the store of saved scans; `scan --save` and `diff` leave the finding out of what fails \
        --fail-on until the day after --until, when it counts again beside a KA072 (the acceptance expired). \
        Without --cluster it holds on every cluster. For acceptance kept in version control, use the ignore \
        file (.kubelet-authz-ignore.yaml), which matches the same fingerprints.
        """ + "\n\n" + HelpExamples.section(examples)
    )

    static let examples = """
        kubelet-authz accept v1:3f0c9d2e8a1b7c45 --reason "debug access, INC-2231" \\
            --until 2027-01-31
        """

    @Argument(help: ArgumentHelp("The finding's fingerprint (v1:…).", valueName: "FINGERPRINT")) var fingerprint: String
    @Option(help: ArgumentHelp("Why the finding is accepted.", valueName: "TEXT")) var reason: String
    @Option(help: ArgumentHelp("The last day the acceptance holds.", valueName: "YYYY-MM-DD")) var until: String
    @Option(help: ArgumentHelp("Accept it on this cluster only (as saved).", valueName: "NAME")) var cluster: String?
    @Option(help: ArgumentHelp("Today, for checking --until (default: today, UTC).", valueName: "YYYY-MM-DD")) var now: String?
    @OptionGroup var store: HistoryStoreOptions

    func run() async throws {
        guard fingerprint.hasPrefix(FindingFingerprint.version + ":") else {
            throw CLIError.badInput("FINGERPRINT \"\(fingerprint)\": expected a finding's fingerprint such as \(FindingFingerprint.version):3f0c9d2e8a1b7c45 (scan -o json or history --findings prints them)")
        }
        let reason = self.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw CLIError.badInput("--reason \"\": say why the finding is accepted") }
        guard let untilDay = Day(until) else { throw CLIError.badInput("--until \"\(until)\": expected a date YYYY-MM-DD") }
        let today = try ScanCommand.day(now, demo: false)
        guard untilDay >= today else { throw CLIError.badInput("--until \(untilDay) has passed (today is \(today)): an acceptance must hold until today or later") }
        let path = try store.displayName  // messages only: a URL without its password
        let db = try store.open()
        let scans = try historyCall(path) { try db.scans(cluster: nil, since: nil) }
        let clusters = Array(Set(scans.map(\.cluster))).sorted()
        if let cluster, !clusters.contains(cluster) {
            throw CLIError.badInput("no saved scan of cluster \(cluster) in \(path)\(clusters.isEmpty ? "" : " (saved: \(clusters.joined(separator: ", ")))")")
        }
        // Only a finding a saved scan held, or a change between saved scans brought (KA060): a
        // mistyped fingerprint would otherwise accept nothing, silently.
        var known: (rule: String, subject: String?)? = nil
        for c in cluster.map({ [$0] }) ?? clusters where known == nil {
            if let l = try historyCall(path, { try db.findingLifecycles(cluster: c) }).first(where: { $0.fingerprint == fingerprint }) {
                known = (l.rule, l.subject?.description)
                continue
            }
            // Only a change of inventory brings a KA060: the newest such change first.
            let ofCluster = scans.filter { $0.cluster == c }
            for (a, b) in zip(ofCluster, ofCluster.dropFirst()).reversed() where a.inventoryHash != b.inventoryHash && known == nil {
                let after = try historyCall(path) { try db.content(of: b) }
                let diff = ScanDiff.between(try historyCall(path) { try db.content(of: a) }, after)
                if let f = DiffFindings.new(diff, after: after, before: a).first(where: { $0.fingerprint == fingerprint }) {
                    known = (f.rule.id, f.subject?.description)
                }
            }
        }
        guard let finding = known else {
            throw CLIError.badInput("no saved finding has the fingerprint \(fingerprint)\(cluster.map { " on cluster \($0)" } ?? "") in \(path) (history --findings and diff -o json list them)")
        }
        try historyCall(path) {
            try db.record(RecordedAcceptance(fingerprint: fingerprint, cluster: cluster ?? "", reason: reason, until: untilDay.description,
                                             recordedAt: Date().timeIntervalSince1970))
        }
        ConsoleIO.err("Accepted \(finding.rule) \(fingerprint)\(finding.subject.map { " (\($0))" } ?? "") until \(untilDay)\(cluster.map { " on cluster \($0)" } ?? " on every cluster"): \(reason)\n")
    }
}
