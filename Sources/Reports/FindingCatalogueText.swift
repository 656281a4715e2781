import Governance
import KubeJSON

/// The findings catalogue for people (`kubelet-authz findings`, docs/FINDINGS.md) and tools.
public enum FindingCatalogueText {
    public static func markdown() -> String {
        var o = "# Findings\n\n"
        o += "Every finding `kubelet-authz scan` reports, by stable id. Ids are never renumbered or reused. "
        o += "Severity is the default; where a finding's severity depends on the case, the rule says so. "
        o += "This page is generated: `kubelet-authz findings -o markdown > docs/FINDINGS.md` (a test keeps it in step).\n\n"
        o += "| Id | Name | Severity | Title |\n|---|---|---|---|\n"
        for r in FindingRule.allCases {
            o += "| [\(r.id)](#\(r.id.lowercased())) | `\(r.name)` | \(r.defaultSeverity) | \(r.title) |\n"
        }
        for r in FindingRule.allCases { o += markdownSection(r) }
        return o
    }

    /// One rule's section of docs/FINDINGS.md (`findings KA001 -o markdown`).
    public static func markdownSection(_ r: FindingRule) -> String {
        "\n## \(r.id)\n\n**\(r.title)** — `\(r.name)`, \(r.defaultSeverity)\(severityNote(r))\n\n\(r.explanation)\n\n*Fix:* \(r.fix)\n"
    }

    /// When a finding is raised above its default severity; a test holds findings to it.
    public static func severityNote(_ r: FindingRule) -> String {
        switch r {
        case .execViaNodesProxy: return " (critical when the subject is a broad group)"
        case .broadGroupAccess: return " (critical when the group can execute commands, dump memory, or read logs or pod specs)"
        case .wildcardKubeletGrant: return " (high when the wildcard includes nodes/proxy)"
        case .ungovernedAccess, .reviewOverdue: return " (high when the subject can execute commands)"
        case .unusedGrant: return " (medium when the unused access includes nodes/proxy or nodes/checkpoint)"
        case .directKubeletUse: return " (medium when the direct use includes nodes/proxy)"
        case .collectorWiderThanNeeded: return " (high when the excess includes nodes/proxy)"
        case .crossTenantReach: return " (high when the reach includes exec)"
        case .escalationThroughExec: return " (critical when the identity reached can do everything, impersonate, or escalate and bind)"
        default: return ""
        }
    }

    /// One rule in full, as `findings KA001` prints it.
    public static func detail(_ r: FindingRule) -> String {
        "\(r.id)  \(r.name)\nSeverity: \(r.defaultSeverity)\(severityNote(r))\nTitle:    \(r.title)\n\n\(r.explanation)\n\nFix: \(r.fix)\n"
    }

    public static func json(_ rules: [FindingRule] = FindingRule.allCases) -> JSONValue {
        .array(rules.map { r in
            .object([("id", .string(r.id)), ("name", .string(r.name)), ("severity", .string(r.defaultSeverity.description)),
                     ("title", .string(r.title)), ("explanation", .string(r.explanation)), ("fix", .string(r.fix))])
        })
    }

    public static func table() -> String {
        var t = Table(headers: ["ID", "SEVERITY", "NAME", "TITLE"])
        for r in FindingRule.allCases { t.rows.append([r.id, r.defaultSeverity.description, r.name, r.title]) }
        return t.render()
    }
}
