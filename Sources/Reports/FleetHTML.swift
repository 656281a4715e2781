import History

/// `kubelet-authz fleet -o html`: the table's sections as one self-contained page (the scan
/// report's stylesheet inline, no scripts), every name escaped.
public enum FleetHTML {
    public static func render(_ v: FleetView) -> String {
        func e(_ s: String) -> String { HTMLText.escape(s) }
        func row(_ cells: [String]) -> String { "<tr>" + cells.map { "<td>\(e($0))</td>" }.joined() + "</tr>\n" }
        var o = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>kubelet-authz fleet</title>\n"
        o += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        o += "<style>\n\(ScanHTMLStyle.css)\n</style>\n</head>\n<body>\n<h1>Fleet</h1>\n"
        o += "<table>\n<tr><th>Cluster</th><th>Scan</th><th>Saved</th><th>Latest evidence</th><th>Evidence 24h</th><th>Release</th><th>Subjects</th><th>Exec-capable</th><th>Overdue reviews</th></tr>\n"
        for c in v.clusters {
            o += row([c.name, String(c.scanID), HistoryTime.text(c.savedAt)] + FleetMarkdown.evidenceCells(c) +
                     [c.release, String(c.subjects), String(c.execCapable.count), String(c.overdueReviews.count)])
        }
        o += "</table>\n"
        if let line = FleetMarkdown.evidenceOnlyLine(v) { o += "<p>\(e(line))</p>\n" }
        o += "<h2>Subjects on more than one cluster</h2>\n"
        if v.shared.isEmpty { o += "<p>None.</p>\n" } else {
            o += "<table>\n<tr><th>Subject</th><th>Cluster</th><th>Exec</th><th>Kubelet access</th><th>Drift</th></tr>\n"
            for s in v.shared {
                for g in s.grants {
                    o += row([s.subject.description, g.cluster, g.execCapable ? "yes" : "no", FleetView.accessText(g.access), FleetMarkdown.drift(s, g)])
                }
            }
            o += "</table>\n"
        }
        o += "<h2>Exec-capable subjects and overdue reviews (judged at \(e(v.today)))</h2>\n<ul>\n"
        for c in v.clusters {
            o += "<li><b>\(e(c.name))</b>: \(c.execCapable.count) exec-capable"
            o += c.execCapable.isEmpty ? "" : ": " + e(c.execCapable.map(\.description).joined(separator: ", "))
            o += c.overdueReviews.isEmpty ? "; no review overdue" : "; overdue: " + e(c.overdueReviews.map { "\($0.subject) (due \($0.nextReview))" }.joined(separator: ", "))
            o += "</li>\n"
        }
        return o + "</ul>\n</body>\n</html>\n"
    }
}
