import Governance
import History

/// `kubelet-authz diff` as tables: each kind of change under its heading, empty ones left out.
public enum DiffText {
    public static func render(_ c: ScanChange) -> String {
        let d = c.diff
        var out = "Changes in cluster \(c.to.cluster): \(ScanChange.heading(c.from)) → \(ScanChange.heading(c.to))\n"
        out += c.summary + ".\n"
        if d.releaseBefore != d.releaseAfter { out += "Release: \(d.releaseBefore) → \(d.releaseAfter)\n" }
        func section(_ title: String, _ table: Table) {
            guard !table.rows.isEmpty else { return }
            out += "\n\(title) (\(table.rows.count))\n" + table.render()
        }
        section("KUBELET ACCESS GAINED", permissions(d.gained))
        section("KUBELET ACCESS LOST", permissions(d.lost))
        section("EXEC GAINED", Table(headers: ["SUBJECT"], rows: d.execGained.map { [$0.description] }))
        section("EXEC LOST", Table(headers: ["SUBJECT"], rows: d.execLost.map { [$0.description] }))
        section("GRANTS ADDED", grants(d.grantsAdded))
        section("GRANTS REMOVED", grants(d.grantsRemoved))
        section("REGISTER CHANGES", Table(headers: ["SUBJECT", "CHANGE"], rows: d.governance.map { [$0.subject.description, ScanChange.governanceChange($0)] }))
        section("NEW FINDINGS", findings(c.newFindings))
        section("FIXED FINDINGS", findings(c.fixedFindings))
        return out
    }

    static func permissions(_ list: [ScanDiff.PermissionChange]) -> Table {
        Table(headers: ["SUBJECT", "PERMISSION"], rows: list.map { [$0.subject.description, $0.permission] })
    }

    static func grants(_ list: [ScanDiff.GrantChange]) -> Table {
        Table(headers: ["SUBJECT", "BINDING → ROLE", "SUBRESOURCES"],
              rows: list.map { [$0.subject.description, ScanChange.grant($0.grant), $0.grant.subresources.joined(separator: ",")] })
    }

    static func findings(_ list: [Finding]) -> Table {
        Table(headers: ["SEVERITY", "ID", "FINGERPRINT", "MESSAGE"],
              rows: list.map { [$0.severity.description.uppercased(), $0.rule.id, $0.fingerprint, $0.message] })
    }
}
