import Governance

/// The findings as a table, most severe first (the order `scan -o markdown` files them in),
/// with where each comes from and its fix.
enum FindingsHTML {
    static func html(_ r: ScanReport) -> String {
        guard !r.findings.isEmpty else { return "<p>None.</p>\n" }
        var o = "<p>" + Severity.allCases.reversed().map { "<span class=\"sev sev-\($0)\">\(r.count($0)) \($0)</span>" }.joined(separator: " ")
        o += " — finding ids are documented in docs/FINDINGS.md.</p>\n"
        o += "<table class=\"findings\"><thead><tr><th>Severity</th><th>Id</th><th>Finding</th><th>Subject</th></tr></thead>\n<tbody>\n"
        for severity in Severity.allCases.reversed() {
            for f in r.findings where f.severity == severity {
                var at: [String] = []
                for l in f.locations { if let d = l.source?.description, !at.contains(d) { at.append(d) } }
                o += "<tr class=\"finding\"><td><span class=\"sev sev-\(severity)\">\(severity)</span></td>"
                o += "<td class=\"mono\">\(HTMLText.escape(f.rule.id))</td>"
                o += "<td><b>\(HTMLText.escape(f.rule.title))</b><br>\(HTMLText.escape(f.message))"
                o += "<div class=\"fix\">Fix: \(HTMLText.escape(f.rule.fix))</div>"
                if !at.isEmpty { o += "<div class=\"where\">\(at.map(HTMLText.escape).joined(separator: " · "))</div>" }
                o += "</td><td>\(HTMLText.escape(f.subject?.description ?? "—"))</td></tr>\n"
            }
        }
        return o + "</tbody></table>\n"
    }
}
