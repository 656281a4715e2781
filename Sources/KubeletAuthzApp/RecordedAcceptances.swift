import Governance
import History
import RBAC

/// Acceptances recorded with `kubelet-authz accept`, as the ignore file's entries: the same
/// concept, matched by the same fingerprint, expiring the same way (KA072 once past `until`).
public enum RecordedAcceptances {
    /// Entries for the recorded acceptances that name one of `findings` on `cluster`; an
    /// acceptance whose fingerprint no finding has cannot say which rule it is about, and
    /// matches nothing anyway.
    public static func acceptance(_ recorded: [RecordedAcceptance], for findings: [Finding], cluster: String, store: String) -> FindingAcceptance {
        var byFingerprint: [String: Finding] = [:]
        for f in findings where byFingerprint[f.fingerprint] == nil { byFingerprint[f.fingerprint] = f }
        var entries: [FindingAcceptance.Entry] = []
        for a in recorded where a.applies(to: cluster) {
            guard let f = byFingerprint[a.fingerprint] else { continue }
            entries.append(FindingAcceptance.Entry(rule: f.rule, subject: f.subject?.description, fingerprint: a.fingerprint, reason: a.reason,
                                                   expires: Day(a.until), source: SourceLocation(file: store), kind: "RecordedAcceptance"))
        }
        return FindingAcceptance(entries: entries)
    }
}
