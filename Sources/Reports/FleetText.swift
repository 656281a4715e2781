import History

/// `kubelet-authz fleet` as tables: the clusters, the subjects present on several clusters with
/// their access side by side (the `nodes/proxy` drift marked), then each cluster's exec-capable
/// subjects and overdue reviews.
public enum FleetText {
    public static func render(_ v: FleetView) -> String {
        var o = Table(headers: ["CLUSTER", "SCAN", "SAVED", "LATEST EVIDENCE", "EVIDENCE 24H", "RELEASE", "SUBJECTS", "EXEC-CAPABLE", "OVERDUE REVIEWS"],
                      rows: v.clusters.map { c in
            [c.name, String(c.scanID), HistoryTime.text(c.savedAt)] + FleetMarkdown.evidenceCells(c) +
                [c.release, String(c.subjects), String(c.execCapable.count), String(c.overdueReviews.count)]
        }).render()
        if let line = FleetMarkdown.evidenceOnlyLine(v) { o += line + "\n" }
        o += "\nSubjects on more than one cluster (reviews judged at \(v.today)):\n"
        o += v.shared.isEmpty ? "  none\n" : Table(headers: ["SUBJECT", "CLUSTER", "EXEC", "KUBELET ACCESS", "DRIFT"], rows: v.shared.flatMap { s in
            s.grants.map { g in
                [s.subject.description, g.cluster, g.execCapable ? "yes" : "no", FleetView.accessText(g.access), FleetMarkdown.drift(s, g)]
            }
        }).render()
        for c in v.clusters {
            o += "\n\(c.name): \(c.execCapable.count) exec-capable\(c.execCapable.isEmpty ? "" : ": " + c.execCapable.map(\.description).joined(separator: ", "))\n"
            for r in c.overdueReviews { o += "  review overdue: \(r.subject) (due \(r.nextReview), owner \(r.owner ?? "unknown"))\n" }
        }
        return o
    }
}
