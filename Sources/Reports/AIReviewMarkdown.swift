import Governance

/// The AI-workload review as a markdown section: in `scan -o markdown`, and alone in
/// `scan --ai -o markdown`.
public enum AIReviewMarkdown {
    static func esc(_ s: String) -> String { ScanMarkdown.esc(s) }

    public static func section(_ r: AIWorkloadReview, level: String = "##") -> String {
        var o = "\(level) AI-workload review\n\n"
        o += "- Tenants: \(r.tenantLabel.map { "the `\($0)` label of each namespace" } ?? "one per namespace (kube-system, kube-public and kube-node-lease are nobody's)")\n"
        o += "- Pods placed on nodes (`spec.nodeName`): \(r.placedPods)\n"
        o += "- Do the audit logs keep failed SubjectAccessReviews? **\(r.audit.answer)**"
        if case .lost(let why) = r.audit { o += " — " + why.map(esc).joined(separator: "; ") }
        o += "\n\n"
        o += "\(level)# AI nodes\n\n"
        if r.aiNodes.isEmpty { o += "No node was recognised as running AI workloads.\n\n" } else {
            o += "| Node | Signals |\n|---|---|\n"
            for n in r.aiNodes { o += "| \(esc(n.name)) | " + esc(n.signals.map(\.description).joined(separator: "; ")) + " |\n" }
            o += "\n"
        }
        o += "\(level)# What each subject can see on AI nodes\n\n"
        let seeing = r.subjects.filter { !$0.aiNodes.isEmpty }
        if seeing.isEmpty { o += "No subject sees anything on AI nodes.\n\n" } else {
            o += "| Subject | Collector | " + EvidenceKind.allCases.map(\.label).joined(separator: " | ") + " |\n"
            o += "|---|---|" + EvidenceKind.allCases.map { _ in "---" }.joined(separator: "|") + "|\n"
            for s in seeing {
                let cells = EvidenceKind.allCases.map { nodesSeeing($0, s, of: r) }
                o += "| \(esc(s.subject.description)) | \(s.collector.map { "`\($0)`" } ?? "—") | " + cells.map(esc).joined(separator: " | ") + " |\n"
            }
            o += "\n"
        }
        o += "\(level)# Cross-tenant reach\n\n"
        let crossing = r.subjects.filter { !$0.crossTenant.isEmpty }
        if crossing.isEmpty { o += "No subject of one tenant reaches logs, pod specs or exec on nodes running another tenant's pods.\n\n" } else {
            for s in crossing {
                o += "- **\(esc(s.subject.description))** (tenant \(esc(s.tenant ?? "?"))) → "
                o += s.crossTenant.map { "\(esc($0.tenant)): \(EvidenceKind.text($0.kinds)) on \(esc(more($0.nodes, of: $0.nodeCount)))" }.joined(separator: "; ")
                o += s.crossTenantCount > s.crossTenant.count ? "; and \(s.crossTenantCount - s.crossTenant.count) more tenants\n" : "\n"
            }
            o += "\n"
        }
        o += "\(level)# Escalation paths\n\n"
        let escalating = r.subjects.filter { !$0.escalations.isEmpty }
        if escalating.isEmpty { o += "Exec reaches no identity more powerful than the subject that has it.\n\n" } else {
            for s in escalating {
                o += "- **\(esc(s.subject.description))** (exec on \(s.execNodes) node\(s.execNodes == 1 ? "" : "s") with pods)\n"
                for e in s.escalations.prefix(AIReviewJSON.escalationsShown) {
                    if let path = s.path(to: e) {
                        o += "  - " + path.map { "`\(esc($0))`" }.joined(separator: " → ") + "\n"
                        // The path names the first binding's powers; others come from other bindings.
                        let elsewhere = e.powers.filter { !$0.grantedAlike(e.powers[0]) }
                        if !elsewhere.isEmpty { o += "    - also: " + elsewhere.map { esc($0.description) }.joined(separator: "; ") + "\n" }
                        if e.pods.count > 1 { o += "    - \(e.pods.count) pods hold the token: " + esc(more(e.pods.map(\.description), of: e.pods.count)) + "\n" }
                    } else {
                        o += "  - \(esc(e.serviceAccount.description)) (\(esc(e.powers.map(\.label).joined(separator: ", ")))) — not reachable: no mounted token\n"
                    }
                    if !e.podsWithoutToken.isEmpty {
                        o += "    - without a mounted token (`automountServiceAccountToken: false`): " + esc(more(e.podsWithoutToken.map(\.description), of: e.podsWithoutToken.count)) + "\n"
                    }
                }
                if s.escalationCount > AIReviewJSON.escalationsShown {
                    o += "  - and \(s.escalationCount - AIReviewJSON.escalationsShown) more identities (`-o json`: `escalationCount`)\n"
                }
            }
            o += "\n"
        }
        return o
    }

    /// The AI nodes where the subject sees `kind`: "all", or their names.
    static func nodesSeeing(_ kind: EvidenceKind, _ s: AISubjectReview, of r: AIWorkloadReview) -> String {
        let nodes = s.aiNodes.filter { $0.kinds.contains(kind) }.map(\.node)
        return nodes.count == r.aiNodes.count ? "all" : nodes.joined(separator: ", ")
    }

    /// The first names of a list, then how many more.
    static func more(_ items: [String], of count: Int) -> String {
        let shown = items.prefix(AIWorkloadReview.listLimit).joined(separator: ", ")
        return count > min(items.count, AIWorkloadReview.listLimit) ? shown + " and \(count - min(items.count, AIWorkloadReview.listLimit)) more" : shown
    }

    /// `scan --ai -o markdown`: the section and the review's own findings.
    public static func render(_ report: ScanReport) -> String {
        guard let r = report.aiReview else { return "# AI-workload review\n\nNot computed.\n" }
        var o = "# AI-workload review\n\n- Kubernetes release: **\(report.profile.version)**\n- Review date: \(report.now)\n\n"
        o += section(r, level: "##").replacingOccurrences(of: "## AI-workload review\n\n", with: "")
        let fs = report.findings.filter { AIReviewText.rules.contains($0.rule) }
        o += "## Findings\n\n"
        if fs.isEmpty { o += "None.\n" }
        for f in fs {
            o += "- **\(f.rule.id) \(esc(f.rule.title))** (\(f.severity)) — \(esc(f.message))\n"
        }
        return o
    }
}
