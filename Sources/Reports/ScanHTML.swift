import Evidence
import Foundation
import Governance

/// `scan -o html`, and the server's dashboard: one self-contained page — styles inline, the
/// pictures inline SVG, no script and nothing fetched — that a security team can read on
/// screen or print for an auditor. The sections follow `scan -o markdown`: who holds what
/// (the matrix), how exec-capable subjects get it (their binding chains), whether the kubelets
/// delegate to RBAC (when their configuration was read), the AI-workload review with its
/// escalation paths drawn, the findings, the register's status,
/// the evidence, and a sign-off table.
public enum ScanHTML {
    /// Up to this many subjects the matrix is a picture; past it, a table (a picture of
    /// thousands of rows is metres tall and tens of megabytes).
    public static let matrixPictureLimit = AccessMatrixHTML.svgSubjectLimit
    /// The binding chains of at most this many exec-capable subjects are drawn; the others are named.
    public static let chainSubjectLimit = BindingChainHTML.subjectLimit

    /// - Parameters:
    ///   - live: decisions a running server observed; without it, the evidence the scan joined
    ///     (`scan --audit`, `--store`), if any, fills the same section.
    ///   - generatedAt: when the page was made, printed in its footer (reviews are judged at
    ///     `report.now`, not at this time).
    ///   - refreshSeconds: for a dashboard, the browser reloads the page this often (a meta
    ///     refresh: no script); nil for a report.
    public static func render(_ report: ScanReport, live: DashboardLiveEvidence? = nil, generatedAt: Date, refreshSeconds: Int? = nil) -> String {
        let r = report
        let exec = r.subjects.filter { $0.inventory.execCapable }.count
        let overdue = r.subjects.filter { RegisterStatusHTML.status($0, r) == .overdue }.count
        var o = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        o += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        if let refreshSeconds, refreshSeconds > 0 { o += "<meta http-equiv=\"refresh\" content=\"\(refreshSeconds)\">\n" }
        // Nothing on the page is fetched or run, and a name that slipped past escaping still could not.
        o += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n"
        o += "<title>Kubelet access review — Kubernetes \(HTMLText.escape(r.profile.version.description)), \(r.now)</title>\n"
        o += "<style>\n\(ScanHTMLStyle.css)\n</style>\n</head>\n<body>\n"

        o += "<section class=\"summary\">\n<header class=\"report\">\n<p class=\"kicker\">kubelet-authz · kubelet access review</p>\n"
        o += "<h1>Kubelet access review</h1>\n"
        o += "<p>\(r.subjects.count) subjects hold kubelet access; <b>\(exec) can execute commands in pods</b>; \(r.ungovernedCount) are ungoverned.</p>\n"
        o += "</header>\n<dl class=\"facts\">\n"
        o += "<dt>Kubernetes release</dt><dd>\(HTMLText.escape(r.profile.version.description)) \(HTMLText.escape(ScanText.releaseSource(r))), KubeletFineGrainedAuthz=\(r.profile.fineGrainedAuthz)</dd>\n"
        if !r.kubeletVersions.isEmpty {
            let versions = r.kubeletVersions.keys.sorted().map { "\($0) (\(r.kubeletVersions[$0]!.count) node\(r.kubeletVersions[$0]!.count == 1 ? "" : "s"))" }
            o += "<dt>Kubelet versions</dt><dd>\(HTMLText.escape(versions.joined(separator: ", ")))</dd>\n"
        }
        o += "<dt>Review date</dt><dd>\(r.now)</dd>\n"
        o += "<dt>Register</dt><dd>\(r.registerSource.map { "<code>\(HTMLText.escape($0))</code>" } ?? "none (governance from annotations only)")</dd>\n"
        if !r.inputs.isEmpty {
            let shown = r.inputs.prefix(5).map(HTMLText.escape).joined(separator: ", ") + (r.inputs.count > 5 ? ", … (\(r.inputs.count) in all)" : "")
            o += "<dt>Input</dt><dd class=\"mono\">\(shown)</dd>\n"
        }
        o += "</dl>\n<div class=\"cards\">\n"
        o += card(r.subjects.count, "subjects with kubelet access", "")
        o += card(exec, "can execute commands in pods", exec > 0 ? "bad" : "")
        o += card(r.ungovernedCount, "ungoverned", r.ungovernedCount > 0 ? "warn" : "")
        o += card(r.count(.critical) + r.count(.high), "critical and high findings", r.count(.critical) + r.count(.high) > 0 ? "bad" : "")
        o += card(overdue, "reviews overdue", overdue > 0 ? "warn" : "")
        o += "</div>\n</section>\n"

        o += section("matrix", "Who can reach the kubelets", AccessMatrixHTML.html(r))
        o += section("chains", "How exec-capable subjects get their access", BindingChainHTML.html(r))
        if let k = r.kubeletConfig { o += section("kubelet-config", "Do the kubelets delegate to RBAC?", KubeletConfigHTML.html(k)) }
        if let ai = r.aiReview {
            // Figures are numbered on from the binding chains' (the matrix is figure 1).
            let figure = 2 + min(exec, chainSubjectLimit)
            o += section("ai-review", "AI-workload review", AIReviewHTML.html(ai, firstFigure: figure))
        }
        o += section("findings", "Findings", FindingsHTML.html(r))
        o += section("register", "Register status", RegisterStatusHTML.html(r))
        if let evidence = live ?? r.evidence.map(DashboardLiveEvidence.init(evidence:)) {
            o += section("evidence", "Evidence: decisions and denials", LiveEvidenceHTML.html(evidence))
        }
        o += section("signoff", "Sign-off", """
            <table class="signoff"><thead><tr><th>Role</th><th>Name</th><th>Date</th><th>Decision</th></tr></thead>
            <tbody><tr><td>Platform owner</td><td></td><td></td><td></td></tr><tr><td>Security reviewer</td><td></td><td></td><td></td></tr></tbody></table>

            """)
        o += "<footer>Generated by kubelet-authz at \(AuditTimestamp.text(generatedAt.timeIntervalSince1970)); reviews judged as of \(r.now). Finding ids are documented in docs/FINDINGS.md.</footer>\n"
        o += "</body>\n</html>\n"
        return o
    }

    static func card(_ n: Int, _ label: String, _ tone: String) -> String {
        "<div class=\"card \(tone)\"><span class=\"n\">\(HTMLText.count(n))</span><span class=\"l\">\(label)</span></div>\n"
    }

    static func section(_ id: String, _ title: String, _ body: String) -> String {
        "<section id=\"\(id)\">\n<h2>\(title)</h2>\n\(body)</section>\n"
    }
}
