import Cluster

/// A scan of an input that holds no RBAC object at all is refused unless the caller allows it:
/// a `kubectl get … > cluster.yaml` that failed leaves an empty file, and an empty inventory
/// must not pass a CI gate as "no kubelet access".
public enum EmptyInputRule {
    public static func check(_ snapshot: ClusterSnapshot, allowEmpty: Bool) throws(InputError) {
        guard snapshot.roles.isEmpty && snapshot.bindings.isEmpty && !allowEmpty else { return }
        let names = snapshot.sources
        let inputs = names.isEmpty ? "the input" : names.prefix(3).joined(separator: ", ") + (names.count > 3 ? " and \(names.count - 3) more" : "")
        let others = "\(snapshot.objectCount) other object\(snapshot.objectCount == 1 ? "" : "s")"
        throw InputError("\(inputs): no ClusterRole, ClusterRoleBinding, Role or RoleBinding (read \(others)); nothing to scan — check the kubectl command that wrote it, or pass --allow-empty")
    }
}
