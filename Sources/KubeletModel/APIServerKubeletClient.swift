/// Facts about the identity the API server uses to call kubelets (`--kubelet-client-certificate`):
/// `kubectl exec`, `logs`, `port-forward`, `attach` and the node proxy all run as it. Sources:
/// `plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go` (the role) and kubeadm's
/// `cmd/kubeadm/app/phases/kubeconfig` / `certs` (the binding and the certificate's groups).
public enum APIServerKubeletClient {
    /// The certificate's common name on kubeadm clusters; managed clusters use other names.
    public static let kubeadmUser = "kube-apiserver-kubelet-client"
    /// The ClusterRoleBinding newer kubeadm creates for that user.
    public static let kubeadmBinding = "kubeadm:apiserver-kubelet-client"
    /// The bootstrap ClusterRole that binding names.
    public static let bootstrapRole = "system:kubelet-api-admin"
    /// Groups older kubeadm wrote into the certificate instead (`kubeadm:cluster-admins` from
    /// kubeadm 1.29, `system:masters` before). A snapshot cannot see certificate groups.
    public static let legacyCertificateGroups = [kubeadmAdminsGroup, mastersGroup]
    /// kubeadm's administrators group: the group of its admin.conf certificate from 1.29.
    public static let kubeadmAdminsGroup = "kubeadm:cluster-admins"
    /// The group the API server allows everything before consulting RBAC (RBAC's
    /// `UserInfo.mastersGroup`; this module stands below RBAC).
    public static let mastersGroup = "system:masters"

    /// The `nodes/<sub>` resources `system:kubelet-api-admin` grants (verb `*`) in a release.
    /// 1.36: proxy, metrics, stats, log, pods, healthz, configz — no spec, no checkpoint, no
    /// statusz, so the API server's own proxied `/statusz` and `/checkpoint/` calls get 403.
    /// The fine-grained names were added with KEP-2862 (1.32); spec was checked last in 1.20.
    public static func bootstrapRoleSubresources(in version: KubernetesVersion) -> [KubeletSubresource] {
        var subs: [KubeletSubresource] = [.proxy, .log, .stats, .metrics]
        if version >= .v(32) { subs += [.pods, .configz, .healthz] }
        if version <= .v(20) { subs.append(.spec) }
        return KubeletSubresource.allCases.filter(subs.contains)
    }

    /// The first patch release of each minor whose kubeadm creates `kubeadm:apiserver-kubelet-client`
    /// and drops the group from the certificate: kubernetes/kubernetes#138957, cherry-picked to
    /// 1.33–1.36 and first released in v1.33.12, v1.34.8, v1.35.5 and v1.36.1; every release
    /// from 1.37 has it. (Tests/Fixtures/kubeadm-apiserver-kubelet-client.json cites the sources.)
    public static let firstPatchCreatingBinding: [Int: Int] = [33: 12, 34: 8, 35: 5, 36: 1]

    /// Whether a kubeadm release creates the binding. `patch` nil = unknown patch level: a
    /// minor whose early patches lack it is not assumed to have it.
    public static func kubeadmCreatesBinding(minor: Int, patch: Int?) -> Bool {
        if minor >= 37 { return true }
        guard let first = firstPatchCreatingBinding[minor], let patch else { return false }
        return patch >= first
    }
}
