import Evidence
import Governance

/// The evidence section: what subjects did with their kubelet access, from the audit log or a
/// running server alike (`DashboardLiveEvidence`). Denials first, by subject and node, then the
/// most recent decisions.
enum LiveEvidenceHTML {
    static let deniedLimit = 50
    static let recentLimit = 25

    static func time(_ seconds: Double) -> String { AuditTimestamp.text(seconds) }

    static func html(_ e: DashboardLiveEvidence) -> String {
        let allowed = e.decisions.reduce(0) { $0 + $1.allowed }
        let denied = e.decisions.reduce(0) { $0 + $1.denied }
        let undecided = e.decisions.reduce(0) { $0 + $1.undecided }
        let passed = e.decisions.reduce(0) { $0 + $1.deniedThenPassedViaProxy }
        let subjects = Set(e.decisions.map(\.subject)).count, nodes = Set(e.decisions.map(\.node)).count
        var o = "<p>From \(HTMLText.escape(e.source))"
        if let w = e.window { o += ", \(time(w.lowerBound)) – \(time(w.upperBound))" }
        o += ": \(HTMLText.count(allowed + denied + undecided)) decisions by \(subjects) subject\(subjects == 1 ? "" : "s") on \(nodes) node\(nodes == 1 ? "" : "s")"
        o += " — \(HTMLText.count(allowed)) allowed, <b>\(HTMLText.count(denied)) denied</b>"
        if passed > 0 { o += " (\(HTMLText.count(passed)) of them then passed through the <code>nodes/proxy</code> fallback)" }
        o += ", \(HTMLText.count(undecided)) without a known verdict.</p>\n"
        if !e.notes.isEmpty {
            o += "<ul class=\"notes\">" + e.notes.map { "<li>\(HTMLText.escape($0))</li>" }.joined() + "</ul>\n"
        }
        guard !e.decisions.isEmpty else { return o + "<p>No kubelet access decision recorded.</p>\n" }

        // Denials, summed per subject and node.
        struct Place: Hashable { let subject: SubjectKey, node: String }
        var byPlace: [Place: (denied: Int, passed: Int, subresources: [String], last: Double)] = [:]
        for d in e.decisions where d.denied > 0 {
            let p = Place(subject: d.subject, node: d.node)
            var v = byPlace[p] ?? (0, 0, [], 0)
            v.denied += d.denied
            v.passed += d.deniedThenPassedViaProxy
            let what = "nodes/\(d.subresource) \(d.verb.isEmpty ? "\"\"" : d.verb)"
            if !v.subresources.contains(what) { v.subresources.append(what) }
            v.last = max(v.last, d.lastSeen)
            byPlace[p] = v
        }
        o += "<h3>Denials by subject and node</h3>\n"
        if byPlace.isEmpty {
            o += "<p>No denials.</p>\n"
        } else {
            let ordered = byPlace.sorted { a, b in
                a.value.denied != b.value.denied ? a.value.denied > b.value.denied
                    : (a.key.subject, a.key.node) < (b.key.subject, b.key.node)
            }
            o += "<table class=\"denials\"><thead><tr><th>Subject</th><th>Node</th><th>Denied</th><th class=\"num\">Count</th><th class=\"num\">Then passed via nodes/proxy</th><th>Last seen</th></tr></thead>\n<tbody>\n"
            for (p, v) in ordered.prefix(deniedLimit) {
                o += "<tr><td>\(HTMLText.escape(p.subject.description))</td><td class=\"mono\">\(HTMLText.escape(p.node))</td>"
                o += "<td class=\"mono\">\(HTMLText.escape(v.subresources.sorted().joined(separator: ", ")))</td>"
                o += "<td class=\"num\">\(HTMLText.count(v.denied))</td><td class=\"num\">\(HTMLText.count(v.passed))</td><td class=\"mono\">\(time(v.last))</td></tr>\n"
            }
            o += "</tbody></table>\n"
            if ordered.count > deniedLimit { o += "<p class=\"muted\">\(ordered.count - deniedLimit) more subject and node pairs with denials.</p>\n" }
        }

        o += "<h3>Recent decisions</h3>\n"
        let recent = e.decisions.sorted { a, b in
            a.lastSeen != b.lastSeen ? a.lastSeen > b.lastSeen : (a.subject, a.node, a.subresource, a.verb) < (b.subject, b.node, b.subresource, b.verb)
        }
        o += "<table class=\"decisions\"><thead><tr><th>Last seen</th><th>Subject</th><th>Node</th><th>Subresource</th><th>Verb</th><th class=\"num\">Allowed</th><th class=\"num\">Denied</th><th class=\"num\">Unknown</th></tr></thead>\n<tbody>\n"
        for d in recent.prefix(recentLimit) {
            o += "<tr><td class=\"mono\">\(time(d.lastSeen))</td><td>\(HTMLText.escape(d.subject.description))</td><td class=\"mono\">\(HTMLText.escape(d.node))</td>"
            o += "<td class=\"mono\">nodes/\(HTMLText.escape(d.subresource))</td><td class=\"mono\">\(HTMLText.escape(d.verb.isEmpty ? "\"\"" : d.verb))</td>"
            o += "<td class=\"num\">\(HTMLText.count(d.allowed))</td><td class=\"num\">\(d.denied > 0 ? "<b>\(HTMLText.count(d.denied))</b>" : "0")</td><td class=\"num\">\(HTMLText.count(d.undecided))</td></tr>\n"
        }
        o += "</tbody></table>\n"
        if recent.count > recentLimit { o += "<p class=\"muted\">The \(recentLimit) most recent of \(HTMLText.count(recent.count)) subject, node, subresource and verb combinations.</p>\n" }
        return o
    }
}
