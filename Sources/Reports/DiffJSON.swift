import Governance
import History
import KubeJSON

/// `kubelet-authz diff -o json`: the two scans, every change, and the findings by fate.
public enum DiffJSON {
    public static func document(_ c: ScanChange) -> JSONValue {
        let d = c.diff
        return .object([
            ("from", HistoryOutput.scan(c.from)),
            ("to", HistoryOutput.scan(c.to)),
            ("release", .object([("from", .string(d.releaseBefore)), ("to", .string(d.releaseAfter))])),
            ("accessGained", .array(d.gained.map(permission))),
            ("accessLost", .array(d.lost.map(permission))),
            ("execGained", .array(d.execGained.map(subject))),
            ("execLost", .array(d.execLost.map(subject))),
            ("grantsAdded", .array(d.grantsAdded.map(grant))),
            ("grantsRemoved", .array(d.grantsRemoved.map(grant))),
            ("registerChanges", .array(d.governance.map { g in
                .object([("subject", subject(g.subject)),
                         ("change", .string(g.before == nil ? "added" : g.after == nil ? "removed" : "changed")),
                         ("fields", .strings(g.fields)), ("text", .string(ScanChange.governanceChange(g)))])
            })),
            ("findings", .object([
                ("new", .array(c.newFindings.map(ScanJSON.finding))),
                ("accepted", .integer(c.accepted)),
                ("fixed", .array(c.fixedFindings.map(ScanJSON.finding))),
                ("unchanged", .integer(d.unchangedFindings.count)),
            ])),
        ])
    }

    static func subject(_ s: SubjectRef) -> JSONValue {
        .object([("kind", .string(s.kind)), ("name", .string(s.name)), ("namespace", .string(s.namespace))])
    }

    static func permission(_ p: ScanDiff.PermissionChange) -> JSONValue {
        .object([("subject", subject(p.subject)), ("subresource", .string(p.subresource)), ("verb", .string(p.verb)),
                 ("nodes", p.nodes.map { .strings($0) } ?? .null)])
    }

    static func grant(_ g: ScanDiff.GrantChange) -> JSONValue {
        .object([("subject", subject(g.subject)), ("binding", .string(g.grant.binding)), ("role", .string(g.grant.role)),
                 ("subresources", .strings(g.grant.subresources))])
    }
}
