import Cluster
import RBAC

/// Who owns a subject's kubelet access, by one rule for every command: the register's entry,
/// else the ServiceAccount's `kubelet-authz.io/*` annotations, else the first of its bindings
/// (by name) that carries them.
public enum GovernanceLookup {
    public static func record(for item: InventorySubject, registered: GovernanceRecord?, serviceAccount: ServiceAccount?) -> GovernanceRecord? {
        if let registered { return registered }
        if item.subject.kind == Subject.serviceAccountKind, let sa = serviceAccount,
           let r = GovernanceRecord.fromAnnotations(sa.annotations, origin: .serviceAccountAnnotations(sa.source)) {
            return r
        }
        for b in item.allGrants.map(\.binding).sorted(by: { $0.name < $1.name }) {
            if let r = GovernanceRecord.fromAnnotations(b.annotations, origin: .bindingAnnotations(b.name, b.source)) { return r }
        }
        return nil
    }

    /// Whether an approval in the record covers `verb` on `nodes/<subresource>` (on some nodes
    /// at least): the plan says so when it removes access the register approved.
    public static func approves(_ record: GovernanceRecord?, subresource: String, verb: String) -> Bool {
        guard let approved = record?.approved else { return false }
        return approved.contains { a in
            (a.subresources.contains(subresource) || a.subresources.contains("*")) && (a.verbs.contains(verb) || a.verbs.contains("*"))
        }
    }
}
