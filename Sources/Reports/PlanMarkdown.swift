import Governance
import KubeletModel

/// `plan -o markdown`: a change request for human review — before and after per subject, the
/// evidence window, the proof and the risks.
public enum PlanMarkdown {
    static func esc(_ s: String) -> String { ScanMarkdown.esc(s) }

    static func list(_ ps: [PlannedPermission]) -> String { ps.isEmpty ? "none" : ps.map { "`\($0.text)`" }.joined(separator: ", ") }

    public static func render(_ plan: KubeletPlan) -> String {
        let proof = plan.proof
        var o = "# Kubelet access change request\n\n"
        o += "- Kubernetes release planned for: **\(plan.profile.version)** (KubeletFineGrainedAuthz=\(plan.profile.fineGrainedAuthz))\n"
        if !plan.heldBackBy.isEmpty {
            o += "- Held back by the oldest kubelets: \(plan.heldBackBy.joined(separator: ", ")) — after upgrading them, `--kube-version` plans for the newer release\n"
        }
        o += "- Evidence: \(plan.evidence.text)"
        if let why = plan.evidence.insufficient { o += " — **reductions unprovable**: \(esc(why))" }
        o += " (--min-evidence-days \(plan.minEvidenceDays))\n"
        o += "- Subjects changed: \(plan.changing.count) of \(plan.subjects.count)\n"
        o += "- Subjects that can execute commands in pods: **\(proof.execCapableBefore) → \(proof.execCapableAfter)**\n"
        o += "- Proof: **\(proof.breakingCount) breaking request\(proof.breakingCount == 1 ? "" : "s")**; other subjects' kubelet access \(proof.othersChanged.isEmpty ? "unchanged" : "**changed**: " + proof.othersChanged.map(\.description).joined(separator: ", "))\n\n"

        o += "## Summary\n\n| Subject | Before | After | Exec | Breaking | Status |\n|---|---|---|---|---|---|\n"
        for s in plan.subjects {
            let p = proof.subjects.first { $0.key == s.key }
            let exec = p.map { $0.execBefore ? ($0.execAfter ? "kept" : "**removed**") : "no" } ?? "?"
            let status = s.controlPlane ? "control plane" : s.manual != nil ? "manual" : s.changes ? "changed" : s.unprovable.isEmpty ? "already narrow" : "unprovable"
            o += "| \(esc(s.key.description)) | \(esc(list(s.held))) | \(esc(list(s.planned))) | \(exec) | \(p?.breakingCount ?? 0) | \(status) |\n"
        }
        o += "\n## Per subject\n"
        for s in plan.subjects {
            o += "\n### \(esc(s.key.description))\n\n"
            if let c = s.collector {
                o += "- Agent: \(esc(c.collector.name)) (`\(c.collector.id)`), recognised by \(esc(c.signals.map(\.description).joined(separator: ", ")))\n"
            }
            if let g = s.governance {
                o += "- Owner: \(esc(g.owner ?? "none recorded"))\(g.nextReview.map { "; next review \($0)" } ?? "") (\(esc(g.origin.description)))\n"
                let approved = s.approvedButRemoved
                if !approved.isEmpty {
                    o += "  - the record approves \(approved.map { "`\($0.text)`" }.joined(separator: ", ")), which the plan removes: change the record with the RBAC\n"
                }
            } else {
                o += "- Owner: **none recorded** (no register entry or `kubelet-authz.io/*` annotations)\n"
            }
            o += "- Holds: \(list(s.held))\n"
            let used = Dictionary(grouping: s.observed.filter(\.passed), by: { "\($0.route == .apiServerProxy ? "API-server proxy" : "kubelet"): \($0.verb) nodes/\($0.subresource)\($0.viaFallback ? " (only through the nodes/proxy fallback)" : "")" })
            if !used.isEmpty {
                o += "- Used: " + used.keys.sorted().map { "\(esc($0)) ×\(used[$0]!.reduce(0) { $0 + $1.count }) on \(Set(used[$0]!.map(\.node)).count) node(s)" }.joined(separator: "; ") + "\n"
            } else if plan.evidence.present {
                o += "- Used: nothing in the evidence\n"
            }
            if !s.execPathsUsed.isEmpty { o += "- Exec-capable paths used: \(s.execPathsUsed.map { "`\($0)`" }.joined(separator: ", "))\n" }
            o += "- After: \(list(s.planned))\n"
            for p in s.planned where !p.reasons.isEmpty { o += "  - keeps `\(p.text)`: \(esc(p.reasons.joined(separator: "; ")))\n" }
            for r in s.removed { o += "  - drops `\(r.text)`: \(esc(r.reasons.joined(separator: "; ")))\n" }
            if let p = proof.subjects.first(where: { $0.key == s.key }) {
                o += "- Proof: \(p.stillPass) request\(p.stillPass == 1 ? " passes" : "s pass") today and still \(p.stillPass == 1 ? "passes" : "pass"); \(p.breakingCount) would break"
                o += "; access removed: \(p.accessRemoved.isEmpty ? "none" : p.accessRemoved.map { "`\($0)`" }.joined(separator: ", "))"
                o += "; exec capability \(p.execBefore ? (p.execAfter ? "kept" : "**gone**") : "none before")\n"
                for b in p.breaking { o += "  - **breaks**: \(esc(b.request.text)) as \(esc(b.request.user.name))\n" }
            }
            if let m = s.manual { o += "- **No RBAC emitted**: \(esc(m))\n" }
            for u in s.unprovable where u != s.manual { o += "- Unprovable: \(esc(u))\n" }
            for r in s.review { o += "- Review: \(esc(r))\n" }
        }
        o += "\n## Risks\n\n"
        o += "- Counts are lower bounds: the kubelet caches allowed decisions (5 minutes by default), so a rare request can be missing from the evidence. Reductions rest on \(plan.evidence.text).\n"
        o += "- A grant that passes through a group (`system:authenticated`, …) is not the subject's own: removing the group's grant later is a change of its own.\n"
        if plan.subjects.contains(where: { s in s.planned.contains { $0.nodes != nil } && !s.held.contains { $0.nodes != nil } }) {
            o += "- Pinned grants (`--pin-nodes`) name today's nodes: a new node needs the plan re-run.\n"
        }
        o += "- Replaced Helm-managed objects are overwritten by the next `helm upgrade`: carry the change into the chart's values.\n"
        o += "\n## Sign-off\n\n- [ ] Reviewed by: \n- [ ] Applied on: \n"
        return o
    }
}
