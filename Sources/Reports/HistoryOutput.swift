import Governance
import History
import KubeJSON

/// `kubelet-authz history`: the saved scans with their counts, and (`--findings`) each finding's
/// lifecycle on a cluster.
public enum HistoryOutput {
    public static func table(_ scans: [SavedScan]) -> String {
        var t = Table(headers: ["SCAN", "TIME", "CLUSTER", "RELEASE", "SUBJECTS", "EXEC", "CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO", "CONTENT"])
        var previous: [String: SavedScan] = [:]
        for s in scans {
            // Whether the scan stored anything: a pointer to the parts its cluster's last scan held.
            let content = previous[s.cluster].map {
                $0.inventoryHash == s.inventoryHash && $0.findingsHash == s.findingsHash && $0.governanceHash == s.governanceHash ? "unchanged" : "changed"
            } ?? "new"
            t.rows.append([String(s.id), HistoryTime.text(s.time), s.cluster, s.release, String(s.subjects), String(s.execCapable),
                           String(s.findings.critical), String(s.findings.high), String(s.findings.medium), String(s.findings.low),
                           String(s.findings.info), content])
            previous[s.cluster] = s
        }
        return t.render()
    }

    public static func json(_ scans: [SavedScan]) -> JSONValue {
        .object([("scans", .array(scans.map(scan)))])
    }

    static func scan(_ s: SavedScan) -> JSONValue {
        .object([
            ("id", .integer(s.id)), ("cluster", .string(s.cluster)), ("time", .string(HistoryTime.text(s.time))),
            ("release", .string(s.release)), ("subjects", .integer(s.subjects)), ("execCapable", .integer(s.execCapable)),
            ("findings", .object([("critical", .integer(s.findings.critical)), ("high", .integer(s.findings.high)),
                                  ("medium", .integer(s.findings.medium)), ("low", .integer(s.findings.low)), ("info", .integer(s.findings.info))])),
            ("content", .object([("inventory", .string(s.inventoryHash)), ("findings", .string(s.findingsHash)),
                                 ("governance", .string(s.governanceHash))])),
        ])
    }

    /// A finding's state on `day`: fixed, accepted (until when, why), or open.
    public struct FindingState: Sendable {
        public let lifecycle: FindingLifecycle
        public let acceptance: RecordedAcceptance?
        public let day: String

        public init(lifecycle: FindingLifecycle, acceptance: RecordedAcceptance?, day: String) {
            self.lifecycle = lifecycle
            self.acceptance = acceptance
            self.day = day
        }

        public var state: String {
            if !lifecycle.isOpen { return "fixed" }
            if let a = acceptance { return a.holds(on: day) ? "accepted" : "acceptance expired" }
            return "open"
        }
    }

    public static func findingsTable(_ states: [FindingState]) -> String {
        var t = Table(headers: ["FINGERPRINT", "RULE", "SEVERITY", "STATE", "FIRST SEEN", "LAST SEEN", "FIXED", "ACCEPTED UNTIL", "SUBJECT"])
        for s in states {
            let l = s.lifecycle
            t.rows.append([l.fingerprint, l.rule, l.severity, s.state, HistoryTime.text(l.firstSeen), HistoryTime.text(l.lastSeen),
                           l.fixedAt.map(HistoryTime.text) ?? "-", s.acceptance?.until ?? "-", l.subject?.description ?? "-"])
        }
        return t.render()
    }

    public static func findingsJSON(_ states: [FindingState]) -> JSONValue {
        .object([("findings", .array(states.map { s in
            let l = s.lifecycle
            return .object([
                ("fingerprint", .string(l.fingerprint)), ("id", .string(l.rule)), ("severity", .string(l.severity)),
                ("state", .string(s.state)), ("cluster", .string(l.cluster)),
                ("subject", l.subject.map { .object([("kind", .string($0.kind)), ("name", .string($0.name)), ("namespace", .string($0.namespace))]) } ?? .null),
                ("message", .string(l.message)),
                ("firstSeen", .string(HistoryTime.text(l.firstSeen))), ("lastSeen", .string(HistoryTime.text(l.lastSeen))),
                ("fixedAt", l.fixedAt.map { .string(HistoryTime.text($0)) } ?? .null),
                ("acceptance", s.acceptance.map { .object([("reason", .string($0.reason)), ("until", .string($0.until))]) } ?? .null),
            ])
        }))])
    }
}
