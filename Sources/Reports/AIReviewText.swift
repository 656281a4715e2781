import Governance

/// `scan --ai` (table): the AI nodes and why, what each subject sees there, tenant crossings
/// and escalation paths, then the review's findings.
public enum AIReviewText {
    /// The findings the review raises.
    public static let rules: Set<FindingRule> = [.crossTenantReach, .execOnAINodes, .escalationThroughExec, .aiEvidenceExposure]

    public static func render(_ report: ScanReport, style: ScanText.Style) -> String {
        guard let r = report.aiReview else { return "The AI-workload review was not computed.\n" }
        var out = "AI-workload review on Kubernetes \(report.profile.version); tenants: "
        out += r.tenantLabel.map { "namespace label \($0)" } ?? "one per namespace"
        out += "; \(r.placedPods) pods placed on nodes.\n"
        out += "Audit logs keep failed SubjectAccessReviews: \(r.audit.answer)\n"
        if case .lost(let why) = r.audit { for w in why { out += "  - \(w)\n" } }
        out += "\n" + style.bold("AI NODES (\(r.aiNodes.count))") + "\n"
        if r.aiNodes.isEmpty { out += "none recognised\n" }
        for n in r.aiNodes {
            let shown = n.signals.prefix(3).map(\.description).joined(separator: "; ")
            out += "  \(n.name): \(shown)\(n.signals.count > 3 ? "; +\(n.signals.count - 3) more" : "")\n"
        }
        var t = Table(headers: ["SUBJECT", "COLLECTOR", "TENANT"] + EvidenceKind.allCases.map { $0.label.uppercased() } + ["OTHER TENANTS", "REACHES"])
        for s in r.subjects {
            var row = [s.subject.description, s.collector ?? "-", s.tenant ?? "-"]
            row += EvidenceKind.allCases.map { k in
                let n = s.aiNodes.filter { $0.kinds.contains(k) }.count
                return n == 0 ? "-" : "\(n)n"
            }
            row.append(s.crossTenant.isEmpty ? "-" : s.crossTenant.map(\.tenant).joined(separator: ","))
            row.append(s.reachableEscalations.first.map { "\($0.serviceAccount.namespace)/\($0.serviceAccount.name) (\($0.strongestPower?.name ?? ""))" } ?? "-")
            t.rows.append(row)
        }
        out += "\n" + style.bold("SUBJECTS") + " (evidence columns: AI nodes where the subject can read or do it)\n"
        out += r.subjects.isEmpty ? "none\n" : t.render()
        let paths = r.subjects.flatMap { s in s.reachableEscalations.compactMap { s.path(to: $0) } }
        out += "\n" + style.bold("ESCALATION PATHS (\(paths.count))") + "\n"
        if paths.isEmpty { out += "none\n" }
        for p in paths.prefix(50) { out += "  " + p.joined(separator: " → ") + "\n" }
        if paths.count > 50 { out += "  … and \(paths.count - 50) more (-o json or -o markdown lists them all)\n" }
        let unmounted = Set(r.subjects.flatMap { $0.escalations.flatMap(\.podsWithoutToken) })
        if !unmounted.isEmpty {
            let names = unmounted.map(\.description).sorted()
            out += "  Not followed, no mounted token: " + AIReviewMarkdown.more(names, of: names.count) + "\n"
        }
        var only = report
        only.findings = report.findings.filter { rules.contains($0.rule) }
        out += "\n" + ScanText.findings(only, style: style)
        return out
    }
}
