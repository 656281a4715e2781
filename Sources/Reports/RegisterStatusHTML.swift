import Governance

/// Who owns each subject's kubelet access and where its review stands on the report's day:
/// overdue first, then ungoverned, then incomplete records, then the rest — the order a review
/// meeting works through them.
enum RegisterStatusHTML {
    enum Status: Int, Comparable {
        case overdue, ungoverned, incomplete, current, controlPlane

        static func < (a: Status, b: Status) -> Bool { a.rawValue < b.rawValue }

        var text: String {
            switch self {
            case .overdue: return "Review overdue"
            case .ungoverned: return "Ungoverned"
            case .incomplete: return "No owner or purpose"
            case .current: return "Current"
            case .controlPlane: return "Control plane"
            }
        }

        var cssClass: String {
            switch self {
            case .overdue: return "status-overdue"
            case .ungoverned: return "status-ungoverned"
            case .incomplete: return "status-incomplete"
            case .current, .controlPlane: return "status-ok"
            }
        }
    }

    /// The same judgements the findings make (KA022 overdue when the next review is before the
    /// day; KA020 ungoverned unless the access is the control plane's own, KA070; KA023).
    static func status(_ s: ScanSubject, _ r: ScanReport) -> Status {
        guard let g = s.governance else {
            return ControlPlaneAccess.role(of: s.key, apiServerKubeletClient: r.apiServerKubeletClient) == nil ? .ungoverned : .controlPlane
        }
        if let next = g.nextReview, next < r.now { return .overdue }
        if g.owner == nil || g.purpose == nil { return .incomplete }
        return .current
    }

    static func html(_ r: ScanReport) -> String {
        let rows = r.subjects.enumerated().map { (status: status($0.element, r), index: $0.offset, subject: $0.element) }
            .sorted { ($0.status, $0.index) < ($1.status, $1.index) }
        let overdue = rows.filter { $0.status == .overdue }.count
        var o = "<p>Judged on \(HTMLText.escape(r.now.description))"
        o += r.registerSource.map { " against the register <code>\(HTMLText.escape($0))</code>" } ?? " without a register (annotations only)"
        o += ": <b>\(overdue) review\(overdue == 1 ? "" : "s") overdue</b>, \(r.ungovernedCount) subject\(r.ungovernedCount == 1 ? "" : "s") ungoverned.</p>\n"
        o += "<table class=\"register\"><thead><tr><th>Status</th><th>Subject</th><th>Exec</th><th>Owner</th><th>Purpose</th><th>Reviewed</th><th>Next review</th><th>Ticket</th></tr></thead>\n<tbody>\n"
        for row in rows {
            let s = row.subject, g = s.governance
            o += "<tr class=\"\(row.status.cssClass)\"><td class=\"status \(row.status.cssClass)\">\(row.status.text)</td>"
            o += "<td>\(HTMLText.escape(s.key.description))</td><td>\(s.inventory.execCapable ? "<b>yes</b>" : "no")</td>"
            o += "<td>\(HTMLText.escape(g?.owner ?? "—"))</td><td>\(HTMLText.escape(g?.purpose ?? "—"))</td>"
            o += "<td class=\"date\">\(g?.reviewed?.description ?? "—")</td><td class=\"date\">\(g?.nextReview?.description ?? "—")</td>"
            o += "<td>\(HTMLText.escape(g?.ticket ?? "—"))</td></tr>\n"
        }
        return o + "</tbody></table>\n"
    }
}
