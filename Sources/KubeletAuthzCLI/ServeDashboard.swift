import Evidence
import Foundation
import Governance
import KubeletAuthzServer
import RBAC
import Reports

/// The dashboard `serve` shows: the report `scan -o html` writes for the policy's scan, with the
/// webhook's aggregated decisions as its live evidence, reloaded by the browser every few
/// seconds. Before the first policy load there is no scan, and the plain page says so.
enum ServeDashboard {
    static let refreshSeconds = 10

    static func page(_ view: DashboardView, mode: ServerConfiguration.Mode, now: Date) -> String {
        guard let scan = view.policy?.scan else { return DashboardView.plainPage(view) }
        return ScanHTML.render(scan, live: live(view.decisions, mode: mode), generatedAt: now, refreshSeconds: refreshSeconds)
    }

    /// Decisions by subject, node, subresource and verb. The webhook never allows: what it
    /// denies (or, observing, would deny) is a denial, everything else is left to RBAC.
    static func live(_ decisions: [AuthorizationDecision], mode: ServerConfiguration.Mode) -> DashboardLiveEvidence {
        var rows: [String: DashboardLiveEvidence.Decision] = [:]
        for d in decisions {
            let k = d.key
            let id = [k.user, k.node, k.subresource, k.verb].joined(separator: "\u{0}")
            var row = rows[id] ?? DashboardLiveEvidence.Decision(subject: subject(of: k.user), node: k.node, subresource: k.subresource, verb: k.verb,
                                                                  allowed: 0, denied: 0, firstSeen: d.firstSeen, lastSeen: d.lastSeen)
            switch k.verdict {
            case .deny: row.denied += d.count
            case .noOpinion: row.undecided += d.count
            }
            row.firstSeen = min(row.firstSeen, d.firstSeen)
            row.lastSeen = max(row.lastSeen, d.lastSeen)
            rows[id] = row
        }
        let ordered = rows.values.sorted { ($0.lastSeen, $0.subject.description, $0.node) > ($1.lastSeen, $1.subject.description, $1.node) }
        var notes = ["The webhook never allows: \"undecided\" is what it left to RBAC, which may have allowed or denied it."]
        if mode == .observe {
            notes.append("Observe mode: the denials are what enforce mode would deny; every verdict was left to RBAC.")
        }
        return DashboardLiveEvidence(source: "the authorization webhook (\(mode.rawValue) mode)", decisions: ordered, notes: notes)
    }

    /// The subject a SubjectAccessReview's user stands for: a ServiceAccount by its
    /// `system:serviceaccount:NS:NAME` name, else a user.
    static func subject(of user: String) -> SubjectKey {
        if let sa = UserInfo.splitServiceAccount(user) { return SubjectKey(kind: Subject.serviceAccountKind, name: sa.name, namespace: sa.namespace) }
        return SubjectKey(kind: Subject.userKind, name: user)
    }
}
