import Governance
import KubeletModel
import RBAC

/// `scan -o table|wide`: one row per subject, the tracked subresources as columns, then the
/// findings. Colour only when asked (the CLI asks on a terminal).
public enum ScanText {
    public struct Style: Sendable {
        public let color: Bool
        public init(color: Bool) { self.color = color }
        func red(_ s: String) -> String { color ? "\u{1B}[31m\(s)\u{1B}[0m" : s }
        func yellow(_ s: String) -> String { color ? "\u{1B}[33m\(s)\u{1B}[0m" : s }
        func bold(_ s: String) -> String { color ? "\u{1B}[1m\(s)\u{1B}[0m" : s }
    }

    static func cell(_ a: SubresourceAccess?) -> String {
        guard let a else { return "-" }
        let verbs = a.verbs.joined(separator: ",")
        guard let nodes = a.nodes else { return verbs }
        return "\(verbs)@\(nodes.count)n"
    }

    public static func render(_ r: ScanReport, wide: Bool, style: Style) -> String {
        var out = header(r)
        let columns = KubeletPermissions.columns(for: r.profile, wide: wide)
        var headers = ["KIND", "NAMESPACE", "NAME"] + columns.map { $0.uppercased() } + ["EXEC", "OWNER", "NEXT REVIEW"]
        if wide { headers += ["PURPOSE", "VIA", "WORKLOADS", "COLLECTOR"] }
        var t = Table(headers: headers)
        var colourRows: [Int: Bool] = [:]
        for (i, s) in r.subjects.enumerated() {
            let inv = s.inventory
            var row = [inv.subject.kind, inv.key.namespace.isEmpty ? "-" : inv.key.namespace, inv.subject.name]
            row += columns.map { cell(inv.access[$0]) }
            row += [inv.execCapable ? "YES" : "no", s.governance?.owner ?? "-", s.governance?.nextReview?.description ?? "-"]
            if wide {
                var via: [String] = []
                for p in inv.allGrants where !via.contains("\(p.binding.name)→\(p.role.name)") { via.append("\(p.binding.name)→\(p.role.name)") }
                row += [s.governance?.purpose ?? "-", via.sorted().joined(separator: ";"), inv.workloads.isEmpty ? "-" : inv.workloads.joined(separator: ";"), collector(s.collector)]
            }
            colourRows[i] = inv.execCapable
            t.rows.append(row)
        }
        let lines = t.render().split(separator: "\n", omittingEmptySubsequences: false)
        for (i, line) in lines.enumerated() where !line.isEmpty {
            out += (i == 0 ? style.bold(String(line)) : (colourRows[i - 1] == true ? style.red(String(line)) : String(line))) + "\n"
        }
        out += "\n" + findings(r, style: style)
        return out
    }

    /// The catalogue id, marked `(wider)` when the grant exceeds the entry's minimal grant and
    /// `(unsure)` when the entry does not list every path, so the excess is not firm.
    static func collector(_ c: CollectorAssessment?) -> String {
        guard let c else { return "-" }
        guard c.widerThanNeeded else { return c.collector.id }
        return c.collector.id + (c.firm ? " (wider)" : " (unsure)")
    }

    static func header(_ r: ScanReport) -> String {
        var s = "Kubelet access on Kubernetes \(r.profile.version) \(releaseSource(r))"
        s += ", KubeletFineGrainedAuthz=\(r.profile.fineGrainedAuthz)\n"
        let exec = r.subjects.filter { $0.inventory.execCapable }.count
        s += "\(r.subjects.count) subjects hold kubelet access; \(exec) can execute commands in pods; \(r.ungovernedCount) are ungoverned.\n"
        s += "Cells: verbs granted (`@Nn` = pinned to N nodes). EXEC = can run commands in containers.\n\n"
        return s
    }

    /// Where the release came from, in parentheses; the HTML report says it the same way.
    static func releaseSource(_ r: ScanReport) -> String {
        switch r.versionSource {
        case .flag: return "(--kube-version)"
        case .node: return "(the node's kubelet version)"
        case .nodes: return r.kubeletVersions.count > 1 ? "(oldest kubelet of \(r.kubeletVersions.keys.sorted().joined(separator: ", ")))" : "(from the nodes' kubelet version)"
        case .apiServer: return "(the API server's release; no Node reports a kubelet version)"
        case .default: return "(newest release; no Node objects in the input — pass --kube-version)"
        }
    }

    /// Two lines a finding: what and where, then the message — readable at any width.
    public static func findings(_ r: ScanReport, style: Style) -> String {
        guard !r.findings.isEmpty else { return "No findings.\n" }
        let counts = Severity.allCases.reversed().filter { r.count($0) > 0 }.map { "\(r.count($0)) \($0)" }.joined(separator: ", ")
        var out = style.bold("FINDINGS (\(counts))") + "\n"
        for f in r.findings {
            var at: [String] = []
            for l in f.locations { if let d = l.source?.description, !at.contains(d) { at.append(d) } }
            let sev = f.severity.description.uppercased().padding(toLength: 8, withPad: " ", startingAt: 0)
            var head = "\(sev) \(f.rule.id)  \(f.rule.title)"
            if !at.isEmpty { head += "  [\(at.prefix(3).joined(separator: ", "))\(at.count > 3 ? ", …" : "")]" }
            switch f.severity {
            case .critical, .high: out += style.red(head) + "\n"
            case .medium: out += style.yellow(head) + "\n"
            default: out += head + "\n"
            }
            out += "               \(f.message)\n"
        }
        return out
    }
}

import Foundation
