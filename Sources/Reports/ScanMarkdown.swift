import Governance
import KubeletModel

/// `scan -o markdown`: a review document a team can file — who holds what, who owns it, what
/// is wrong — with a sign-off section.
public enum ScanMarkdown {
    static func esc(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    /// Which agent the subject runs and how its grant compares with the catalogue's.
    static func collector(_ c: CollectorAssessment, release: String) -> String {
        var o = "recognised as \(esc(c.collector.name)) (`\(c.collector.id)`, by \(esc(c.match.signals.map(\.description).joined(separator: ", "))))"
        o += ", which needs \(CollectorAssessment.text(c.minimalGrant)) on \(release)"
        if c.widerThanNeeded { o += "; **also holds \(CollectorAssessment.text(c.excess))**" }
        if !c.firm { o += " (the catalogue does not list every path it calls: not a basis for narrowing)" }
        if c.needsProxy && c.proxyViaAPIServer { o += "; its nodes/proxy need is a configuration change (API-server proxy), not RBAC" }
        return o
    }

    public static func render(_ r: ScanReport) -> String {
        var o = "# Kubelet access review\n\n"
        o += "- Kubernetes release: **\(r.profile.version)** (KubeletFineGrainedAuthz=\(r.profile.fineGrainedAuthz))\n"
        if !r.kubeletVersions.isEmpty {
            o += "- Kubelet versions: " + r.kubeletVersions.keys.sorted().map { "\($0) (\(r.kubeletVersions[$0]!.count) nodes)" }.joined(separator: ", ") + "\n"
        }
        o += "- Review date: \(r.now)\n"
        if let reg = r.registerSource { o += "- Register: `\(reg)`\n" }
        let exec = r.subjects.filter { $0.inventory.execCapable }
        o += "- \(r.subjects.count) subjects hold kubelet access; **\(exec.count) can execute commands in pods**; \(r.ungovernedCount) are ungoverned\n"
        o += "- Findings: " + Severity.allCases.reversed().map { "\(r.count($0)) \($0)" }.joined(separator: ", ") + "\n\n"

        o += "## Subjects\n\n"
        let columns = KubeletPermissions.columns(for: r.profile, wide: false)
        o += "| Subject | " + columns.map { "`\($0)`" }.joined(separator: " | ") + " | Exec | Owner | Purpose | Reviewed | Next review |\n"
        o += "|---|" + columns.map { _ in "---" }.joined(separator: "|") + "|---|---|---|---|---|\n"
        for s in r.subjects {
            let cells = columns.map { sub -> String in
                guard let a = s.inventory.access[sub] else { return "" }
                return a.verbs.joined(separator: ", ") + (a.nodes.map { " (\($0.joined(separator: ", ")))" } ?? "")
            }
            let g = s.governance
            o += "| \(esc(s.key.description)) | " + cells.map(esc).joined(separator: " | ")
            o += " | \(s.inventory.execCapable ? "**yes**" : "no") | \(esc(g?.owner ?? "—")) | \(esc(g?.purpose ?? "—")) | \(g?.reviewed?.description ?? "—") | \(g?.nextReview?.description ?? "—") |\n"
        }
        o += "\n### How each subject gets its access\n\n"
        for s in r.subjects {
            o += "- **\(esc(s.key.description))**"
            if let c = s.covers { o += " — \(esc(c))" }
            if !s.inventory.workloads.isEmpty { o += " — used by \(s.inventory.workloads.joined(separator: ", "))" }
            if s.inventory.serviceAccountExists == false { o += " — **ServiceAccount does not exist**" }
            if let c = s.collector { o += " — " + collector(c, release: r.profile.version.description) }
            o += "\n"
            for sub in KubeletPermissions.subresources {
                guard let a = s.inventory.access[sub] else { continue }
                for p in a.via {
                    let at = p.binding.source.map { " (`\($0)`)" } ?? ""
                    o += "  - `nodes/\(sub)` \(a.verbs.joined(separator: ",")): ClusterRoleBinding `\(p.binding.name)`\(at) → ClusterRole `\(p.role.name)` rule \(p.ruleIndex)\n"
                }
            }
        }
        if let k = r.kubeletConfig { o += "\n" + KubeletConfigMarkdown.markdown(k) }
        if let ai = r.aiReview { o += "\n" + AIReviewMarkdown.section(ai) }
        o += "\n## Findings\n\n"
        if r.findings.isEmpty { o += "None.\n" }
        for severity in Severity.allCases.reversed() {
            let fs = r.findings.filter { $0.severity == severity }
            guard !fs.isEmpty else { continue }
            o += "### \(severity.description.capitalized)\n\n"
            for f in fs {
                let at = f.locations.compactMap { $0.source?.description }
                o += "- **\(f.rule.id) \(esc(f.rule.title))** — \(esc(f.message))"
                if !at.isEmpty { o += " (`" + Array(Set(at)).sorted().joined(separator: "`, `") + "`)" }
                o += "\n  *Fix:* \(esc(f.rule.fix))\n"
            }
            o += "\n"
        }
        o += "## Sign-off\n\n| Role | Name | Date | Decision |\n|---|---|---|---|\n| Platform owner | | | |\n| Security reviewer | | | |\n"
        o += "\nGenerated by kubelet-authz. Finding ids are documented in docs/FINDINGS.md.\n"
        return o
    }
}

import Foundation
