import Governance

/// The AI-workload review in the HTML report: the answers `scan -o markdown` gives in its
/// "AI-workload review" section (what each subject can see on AI nodes and why those nodes
/// count as AI nodes, where node-level access crosses tenants, whether the audit log keeps the
/// verdicts), from the same review values, and each escalation path drawn
/// (`EscalationPathHTML`).
enum AIReviewHTML {
    /// - Parameter firstFigure: the number of the first escalation path's figure.
    static func html(_ r: AIWorkloadReview, firstFigure: Int) -> String {
        var o = "<dl class=\"facts\">\n"
        o += "<dt>Tenants</dt><dd>\(r.tenantLabel.map { "the <code>\(HTMLText.escape($0))</code> label of each namespace" } ?? "one per namespace (kube-system, kube-public and kube-node-lease are nobody's)")</dd>\n"
        o += "<dt>Pods placed on nodes</dt><dd>\(HTMLText.count(r.placedPods)) (<code>spec.nodeName</code>)</dd>\n"
        o += "<dt>Do the audit logs keep failed SubjectAccessReviews?</dt><dd><b>\(HTMLText.escape(r.audit.answer))</b>"
        if case .lost(let why) = r.audit { o += "<ul class=\"notes\">" + why.map { "<li>\(HTMLText.escape($0))</li>" }.joined() + "</ul>" }
        o += "</dd>\n</dl>\n"

        o += "<h3>AI nodes and the signals that matched</h3>\n"
        if r.aiNodes.isEmpty { o += "<p>No node was recognised as running AI workloads.</p>\n" } else {
            o += "<table class=\"ai-nodes\"><thead><tr><th>Node</th><th>Signals</th></tr></thead>\n<tbody>\n"
            for n in r.aiNodes {
                o += "<tr><td class=\"mono\">\(HTMLText.escape(n.name))</td><td><ul class=\"signals\">"
                o += n.signals.map { "<li>\(HTMLText.escape($0.description))</li>" }.joined() + "</ul></td></tr>\n"
            }
            o += "</tbody></table>\n"
        }

        o += "<h3>What each subject can see on AI nodes</h3>\n"
        let seeing = r.subjects.filter { !$0.aiNodes.isEmpty }
        if seeing.isEmpty { o += "<p>No subject sees anything on AI nodes.</p>\n" } else {
            o += "<table class=\"ai-seen\"><thead><tr><th>Subject</th><th>Collector</th>"
            o += EvidenceKind.allCases.map { "<th>\(HTMLText.escape($0.label))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
            for s in seeing {
                o += "<tr><td>\(HTMLText.escape(s.subject.description))</td><td class=\"mono\">\(s.collector.map(HTMLText.escape) ?? "—")</td>"
                for k in EvidenceKind.allCases {
                    let cell = AIReviewMarkdown.nodesSeeing(k, s, of: r)
                    let sensitive = !cell.isEmpty && EvidenceKind.sensitive.contains(k)
                    o += "<td class=\"mono\(sensitive ? " seen-sensitive" : "")\">\(HTMLText.escape(cell))</td>"
                }
                o += "</tr>\n"
            }
            o += "</tbody></table>\n"
        }

        o += "<h3>Cross-tenant reach</h3>\n"
        let crossing = r.subjects.filter { !$0.crossTenant.isEmpty }
        if crossing.isEmpty {
            o += "<p>No subject of one tenant reaches logs, pod specs or exec on nodes running another tenant's pods.</p>\n"
        } else {
            o += "<table class=\"cross-tenant\"><thead><tr><th>Subject</th><th>Its tenant</th><th>Reaches</th></tr></thead>\n<tbody>\n"
            for s in crossing {
                let reached = s.crossTenant.map {
                    "<li><b>\(HTMLText.escape($0.tenant))</b>: \(HTMLText.escape(EvidenceKind.text($0.kinds))) on <span class=\"mono\">\(HTMLText.escape(AIReviewMarkdown.more($0.nodes, of: $0.nodeCount)))</span></li>"
                }.joined()
                let more = s.crossTenantCount > s.crossTenant.count ? "<li>and \(s.crossTenantCount - s.crossTenant.count) more tenants</li>" : ""
                o += "<tr><td>\(HTMLText.escape(s.subject.description))</td><td>\(HTMLText.escape(s.tenant ?? "?"))</td><td><ul class=\"signals\">\(reached)\(more)</ul></td></tr>\n"
            }
            o += "</tbody></table>\n"
        }

        o += "<h3>Escalation paths: what exec leads to</h3>\n"
        o += EscalationPathHTML.html(r, firstFigure: firstFigure)
        return o
    }
}
