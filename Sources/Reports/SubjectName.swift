/// `-o name` for subjects: one per line, kind first as RBAC spells it in a binding's subjects,
/// the way kubectl's `-o name` prints `kind/name` — `ServiceAccount/NAMESPACE/NAME`,
/// `User/NAME`, `Group/NAME`. The kind always ends at the first `/`, and a ServiceAccount's
/// namespace and name cannot hold one, so a line reads back unambiguously even when a user or
/// group name contains slashes (OIDC issuers do).
public enum SubjectName {
    public static func line(kind: String, namespace: String, name: String) -> String {
        namespace.isEmpty ? "\(kind)/\(name)" : "\(kind)/\(namespace)/\(name)"
    }
}
