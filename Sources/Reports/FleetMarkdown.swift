import History

/// `kubelet-authz fleet -o markdown`: the same sections as the table, for a review document.
public enum FleetMarkdown {
    public static func render(_ v: FleetView) -> String {
        var o = "## Fleet\n\n| Cluster | Scan | Saved | Latest evidence | Evidence 24h | Release | Subjects | Exec-capable | Overdue reviews |\n|---|---|---|---|---|---|---|---|---|\n"
        for c in v.clusters {
            let evidence = evidenceCells(c)
            o += "| \(cell(c.name)) | \(c.scanID) | \(HistoryTime.text(c.savedAt)) | \(evidence[0]) | \(evidence[1]) | \(cell(c.release)) | \(c.subjects) | \(c.execCapable.count) | \(c.overdueReviews.count) |\n"
        }
        if let line = evidenceOnlyLine(v) { o += "\n" + cell(line) + "\n" }
        o += "\n### Subjects on more than one cluster\n\n"
        if v.shared.isEmpty { o += "None.\n" } else {
            o += "| Subject | Cluster | Exec | Kubelet access | Drift |\n|---|---|---|---|---|\n"
            for s in v.shared {
                for g in s.grants {
                    o += "| \(cell(s.subject.description)) | \(cell(g.cluster)) | \(g.execCapable ? "yes" : "no") | \(cell(FleetView.accessText(g.access))) | \(cell(drift(s, g))) |\n"
                }
            }
        }
        o += "\n### Exec-capable subjects and overdue reviews (judged at \(v.today))\n\n"
        for c in v.clusters {
            o += "- **\(cell(c.name))**: \(c.execCapable.count) exec-capable\(c.execCapable.isEmpty ? "" : ": " + c.execCapable.map { cell($0.description) }.joined(separator: ", "))"
            o += c.overdueReviews.isEmpty ? "; no review overdue\n"
                : "; overdue: " + c.overdueReviews.map { "\(cell($0.subject.description)) (due \($0.nextReview))" }.joined(separator: ", ") + "\n"
        }
        return o
    }

    /// A cluster's evidence freshness as two cells: the latest event's time and the records of
    /// the last day, or "none" when no evidence is stored under its name.
    static func evidenceCells(_ c: FleetView.Cluster) -> [String] {
        guard let e = c.evidence else { return ["none", "0"] }
        return [HistoryTime.text(e.latest), String(e.lastDay)]
    }

    /// Evidence under names no saved scan has (a cluster ingested but never scanned, or
    /// evidence stored under no name); nil when there is none.
    static func evidenceOnlyLine(_ v: FleetView) -> String? {
        guard !v.evidenceOnly.isEmpty else { return nil }
        return "Audit evidence without a saved scan, under: " + v.evidenceOnly.map { $0.isEmpty ? "(no cluster name)" : $0 }.joined(separator: ", ")
    }

    /// The drift cell of one cluster's row: empty when the clusters agree.
    static func drift(_ s: FleetView.SharedSubject, _ g: FleetView.Grant) -> String {
        guard s.proxyDrift else { return "" }
        return s.proxyOn.contains(g.cluster) ? "nodes/proxy here; fine-grained on \(s.fineGrainedOn.joined(separator: ", "))"
            : "fine-grained; nodes/proxy still on \(s.proxyOn.joined(separator: ", "))"
    }

    /// Table cells hold names from cluster objects: a `|` or newline would break the row.
    static func cell(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
