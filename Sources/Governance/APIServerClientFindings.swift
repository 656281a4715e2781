import Cluster
import KubeletModel
import RBAC

/// Findings about the identity the API server calls kubelets as: without its kubelet access,
/// `kubectl exec`, `logs` and `port-forward` fail on every node. Judged only on inputs that
/// describe a cluster (Nodes or kubeadm's configuration), not on a file of a few roles.
enum APIServerClientFindings {
    static func findings(subjects: [ScanSubject], policy: RBACPolicy, snapshot: ClusterSnapshot, profile: KubeletProfile,
                         user: String) -> [Finding] {
        guard snapshot.kubeadmConfig != nil || !snapshot.nodes.isEmpty else { return [] }
        let key = SubjectKey(kind: Subject.userKind, name: user)
        var held = Set(subjects.first { $0.key == key }?.inventory.access.keys.compactMap(KubeletSubresource.init(rawValue:)) ?? [])
        var assumed: Binding? = nil
        // The API server recreates its bootstrap roles at every start, so a binding to
        // system:kubelet-api-admin that this input cannot resolve still grants that role's rules.
        for binding in policy.clusterRoleBindings where binding.roleRef.kind == "ClusterRole"
            && binding.roleRef.name == APIServerKubeletClient.bootstrapRole
            && binding.subjects.contains(where: { SubjectKey($0) == key }) {
            if case .failure = policy.resolve(binding.roleRef, bindingNamespace: "") {
                let checked = Set(KubeletVocabulary(profile: profile).checked)
                held.formUnion(APIServerKubeletClient.bootstrapRoleSubresources(in: profile.version).filter(checked.contains))
                assumed = binding
            }
        }
        let kubeadm = snapshot.kubeadmConfig
        let kubeadmLocation = kubeadm.map { [Finding.Location(kind: "ConfigMap", name: KubeadmConfig.name, namespace: KubeadmConfig.namespace, source: $0.source)] } ?? []
        if held.isEmpty {
            if let kubeadm, let v = kubeadm.minorAndPatch, APIServerKubeletClient.kubeadmCreatesBinding(minor: v.minor, patch: v.patch) {
                return [Finding(.apiServerClientUpgradeGap, subject: key,
                                message: "\(key) holds no kubelet access, and kube-system/kubeadm-config shows kubeadm \(kubeadm.kubernetesVersion ?? "?"), which authorizes the API server's kubelet client through ClusterRoleBinding \(APIServerKubeletClient.kubeadmBinding) → ClusterRole \(APIServerKubeletClient.bootstrapRole), not certificate groups: kubectl exec, logs, attach and port-forward fail on every node",
                                locations: kubeadmLocation)]
            }
            let why = kubeadm.map { "kube-system/kubeadm-config shows kubeadm \($0.kubernetesVersion ?? "of unknown release"), which may authorize it through certificate groups (\(APIServerKubeletClient.legacyCertificateGroups.joined(separator: ", ")))" }
                ?? "no kube-system/kubeadm-config in the input; managed clusters name this identity differently (--apiserver-kubelet-client)"
            return [Finding(.apiServerClientUnknown, subject: key,
                            message: "\(key) holds no kubelet access through RBAC in this input; whether kubectl exec and logs work depends on groups in its certificate, which a snapshot cannot show (\(why))",
                            locations: kubeadmLocation)]
        }
        let vocabulary = KubeletVocabulary(profile: profile)
        let missing = [KubeletSubresource.statusz, .checkpoint].filter { vocabulary.checks($0) && !held.contains($0) }
        guard !missing.isEmpty else { return [] }
        let paths = missing.map { $0 == .statusz ? "/statusz" : "/checkpoint/…" }.joined(separator: " and ")
        let grounds = assumed.map { " (ClusterRoleBinding \($0.name) binds \(APIServerKubeletClient.bootstrapRole), which this input lacks; answered with its \(profile.version) rules)" } ?? ""
        return [Finding(.apiServerClientPartial, subject: key,
                        message: "\(key) lacks \(missing.map(\.resource).joined(separator: " and "))\(grounds): kubelets at \(profile.version) answer the API server's proxied \(paths) with 403",
                        locations: assumed.map { [Finding.Location.of($0)] } ?? [])]
    }
}
