import KubeletModel
import RBAC

/// Identities whose kubelet access the control plane itself needs or that are administrators
/// by definition: the API server's kubelet client (kubectl exec, logs, attach, port-forward and
/// the node proxy run as it), `system:masters` (allowed before RBAC is consulted) and kubeadm's
/// `kubeadm:cluster-admins`. Their access is reported (KA070), never advised away: removing it
/// breaks the cluster or changes nothing.
public enum ControlPlaneAccess {
    public static let adminGroups: [String: String] = [
        UserInfo.mastersGroup: "cluster administrators: the API server allows them everything before RBAC is consulted",
        APIServerKubeletClient.kubeadmAdminsGroup: "kubeadm's administrators group (its admin.conf certificate, kubeadm 1.29 and later)",
    ]

    /// Why the subject is control-plane access, or nil when it is not.
    public static func role(of key: SubjectKey, apiServerKubeletClient: String) -> String? {
        switch key.kind {
        case Subject.groupKind: return adminGroups[key.name]
        case Subject.userKind where key.name == apiServerKubeletClient:
            return "the API server's kubelet client: kubectl exec, logs, attach, port-forward and the node proxy reach kubelets as this user"
        default: return nil
        }
    }
}
