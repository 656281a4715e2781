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

    /// The environment variable that names the cluster where `--cluster` is not given, for the
    /// commands that store audit evidence (`evidence`, `scan --audit`, `serve`).
    public static let environmentVariable = "KUBELET_AUTHZ_CLUSTER"

    /// Which cluster audit evidence (and the webhook's decisions) is stored under, and reports
    /// are limited to: `--cluster NAME`, else `$KUBELET_AUTHZ_CLUSTER`, else the kube-system
    /// Namespace's UID when the command reads a cluster (`snapshot`; `evidence` reads none).
    /// Empty when nothing names it: the evidence is stored under no name and reports cover
    /// every cluster in the store, as before stores were shared — not an error, since a
    /// single-cluster store needs no name.
    public static func forEvidence(explicit: String?, environment: [String: String], snapshot: ClusterSnapshot?) throws(InputError) -> String {
        if let explicit {
            let name = explicit.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { throw InputError("--cluster \"\": name the cluster the evidence is stored under") }
            return name
        }
        if let named = named(environment) { return named }
        return snapshot?.namespaces.first(where: { $0.name == "kube-system" })?.uid ?? ""
    }

    /// `$KUBELET_AUTHZ_CLUSTER` when set and not blank: it stands for `--cluster` (`scan --save`
    /// takes it too, so that a scan and its evidence land under one name).
    public static func named(_ environment: [String: String]) -> String? {
        guard let name = environment[environmentVariable]?.trimmingCharacters(in: .whitespaces), !name.isEmpty else { return nil }
        return name
    }
}
