import Foundation
import Governance
import History

/// `kubelet-authz diff -o markdown`: the change section of a review document.
public enum DiffMarkdown {
    public static func render(_ c: ScanChange) -> String {
        let d = c.diff
        var out = "## Changes since \(ScanChange.heading(c.from))\n\n"
        out += "- Cluster: `\(c.to.cluster)`; compared with \(ScanChange.heading(c.to))\n"
        out += "- Subjects that can execute commands in pods: **\(c.from.execCapable) → \(c.to.execCapable)**\n"
        out += "- \(c.summary)\n"
        func list(_ title: String, _ items: [String]) {
            guard !items.isEmpty else { return }
            out += "\n### \(title)\n\n" + items.map { "- \($0)\n" }.joined()
        }
        list("Command execution gained", d.execGained.map { "**\(cell($0.description))**" })
        list("Command execution lost", d.execLost.map { cell($0.description) })
        list("Kubelet access gained", d.gained.map { "\(cell($0.subject.description)): `\($0.permission)`" })
        list("Kubelet access lost", d.lost.map { "\(cell($0.subject.description)): `\($0.permission)`" })
        list("Grants added", d.grantsAdded.map { "\(cell($0.subject.description)): \(cell(ScanChange.grant($0.grant))) (\($0.grant.subresources.joined(separator: ", ")))" })
        list("Grants removed", d.grantsRemoved.map { "\(cell($0.subject.description)): \(cell(ScanChange.grant($0.grant))) (\($0.grant.subresources.joined(separator: ", ")))" })
        list("Register changes", d.governance.map { "\(cell($0.subject.description)): \(cell(ScanChange.governanceChange($0)))" })
        if !c.newFindings.isEmpty {
            out += "\n### New findings\n\n| Severity | ID | Finding | Fingerprint |\n|---|---|---|---|\n"
            for f in c.newFindings { out += "| \(f.severity) | \(f.rule.id) | \(cell(f.message)) | `\(f.fingerprint)` |\n" }
        }
        list("Fixed findings", c.fixedFindings.map { "\($0.rule.id) (\($0.severity)): \(cell($0.message))" })
        return out
    }

    /// Text inside a table cell or list item: pipes and line breaks would end it.
    static func cell(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
