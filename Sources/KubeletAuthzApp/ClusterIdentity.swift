import Cluster

/// Which cluster a saved scan belongs to: `--cluster NAME`, else the UID of the kube-system
/// Namespace (read live, recorded by `snapshot`, or in the files). Context names differ per
/// user and a snapshot's digest changes with every edit; the UID stays for the cluster's life.
public enum ClusterIdentity {
    public static func resolve(explicit: String?, snapshot: ClusterSnapshot) throws(InputError) -> String {
        if let explicit {
            let name = explicit.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { throw InputError("--cluster \"\": name the cluster the scan is saved under") }
            return name
        }
        if let uid = snapshot.namespaces.first(where: { $0.name == "kube-system" })?.uid, !uid.isEmpty { return uid }
        throw InputError("cannot tell which cluster this is: the input has no kube-system Namespace with a metadata.uid (kubectl get namespace kube-system -o yaml, or kubelet-authz snapshot, records it); name it with --cluster NAME")
    }
}
