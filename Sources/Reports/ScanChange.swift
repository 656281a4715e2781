import Governance
import History

/// What `kubelet-authz diff` reports: two saved scans of a cluster, what changed between them,
/// and the findings the change brings (new ones and KA060, less those accepted, with a KA072
/// for each acceptance that lapsed).
public struct ScanChange: Sendable {
    public var from: SavedScan
    public var to: SavedScan
    public var diff: ScanDiff
    public var newFindings: [Finding]
    /// New findings left out because an unexpired acceptance names them.
    public var accepted: Int
    public var fixedFindings: [Finding]

    public init(from: SavedScan, to: SavedScan, diff: ScanDiff, newFindings: [Finding], accepted: Int, fixedFindings: [Finding]) {
        self.from = from
        self.to = to
        self.diff = diff
        // Most severe first, as the scan lists findings.
        self.newFindings = newFindings.sorted { ($1.severity, $0.rule.id, $0.message) < ($0.severity, $1.rule.id, $1.message) }
        self.accepted = accepted
        self.fixedFindings = fixedFindings
    }

    public var summary: String {
        let d = diff
        return "\(d.gained.count) permission\(d.gained.count == 1 ? "" : "s") gained, \(d.lost.count) lost; "
            + "exec gained by \(d.execGained.count), lost by \(d.execLost.count); "
            + "\(d.grantsAdded.count) binding → role grant\(d.grantsAdded.count == 1 ? "" : "s") added, \(d.grantsRemoved.count) removed; "
            + "\(d.governance.count) register change\(d.governance.count == 1 ? "" : "s"); "
            + "findings: \(newFindings.count) new\(accepted > 0 ? " (\(accepted) more accepted)" : ""), \(fixedFindings.count) fixed, \(d.unchangedFindings.count) unchanged"
    }

    static func heading(_ s: SavedScan) -> String { "scan \(s.id) (\(HistoryTime.text(s.time)), Kubernetes \(s.release))" }

    static func governanceChange(_ g: ScanDiff.GovernanceChange) -> String {
        switch (g.before, g.after) {
        case (nil, let a?): return "record added (\(describe(a)))"
        case (let b?, nil): return "record removed (was \(describe(b)))"
        case (let b?, let a?):
            return g.fields.map { field in "\(field): \(value(b, field) ?? "-") → \(value(a, field) ?? "-")" }.joined(separator: "; ")
        default: return ""
        }
    }

    static func describe(_ g: GovernanceEntryRecord) -> String {
        "owner \(g.owner ?? "-"), next review \(g.nextReview ?? "-"), \(g.origin)"
    }

    static func value(_ g: GovernanceEntryRecord, _ field: String) -> String? {
        switch field {
        case "owner": return g.owner
        case "purpose": return g.purpose
        case "reviewed": return g.reviewed
        case "nextReview": return g.nextReview
        case "ticket": return g.ticket
        case "approved": return g.approved?.joined(separator: "; ")
        case "origin": return g.origin
        default: return nil
        }
    }

    static func grant(_ g: SubjectAccessRecord.Grant) -> String {
        "\(SubjectAccessRecord.displayName(g.binding)) → \(SubjectAccessRecord.displayName(g.role))"
    }
}
