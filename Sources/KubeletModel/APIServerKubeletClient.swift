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

    /// Whether a kubeadm release creates `kubeadm:apiserver-kubelet-client` (1.35.x, and
    /// 1.36.1 or later). `patch` nil = unknown patch level: 1.36 without a patch is not assumed.
    public static func kubeadmCreatesBinding(minor: Int, patch: Int?) -> Bool {
        if minor == 35 { return true }
        if minor == 36 { return (patch ?? 0) >= 1 }
        return minor > 36
    }
}
