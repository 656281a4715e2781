/// The kube-apiserver flags that wire the server in, and the audit webhook's limits the
/// server must accept. Defaults from staging/src/k8s.io/apiserver/pkg/server/options/audit.go
/// (`defaultBatchMaxSize`, `NewAuditTruncateOptions`), unchanged in v1.36 (the kube-apiserver
/// reference lists the same defaults).
public enum ServeAPIServerFlags {
    public static let fileName = "kube-apiserver-flags.txt"
    /// `--audit-webhook-batch-max-size` default: events per EventList batch.
    public static let auditBatchMaxEvents = 400
    /// `--audit-webhook-truncate-max-batch-size` default: with truncation on, a batch larger
    /// than this is split; "actual serialized size can be several hundreds of bytes greater".
    public static let auditTruncateMaxBatchBytes = 10 * 1024 * 1024
    /// `--audit-webhook-truncate-max-event-size` default: a larger event loses its request and
    /// response bodies first, and is dropped if still too large.
    public static let auditTruncateMaxEventBytes = 100 * 1024

    static func artefact(_ p: ServeDeploymentPlan) -> ServeArtefact {
        ServeArtefact(fileName: fileName, format: .text, header: [
            "Flags to add to kube-apiserver (on kubeadm: the command in /etc/kubernetes/manifests/kube-apiserver.yaml on",
            "every control-plane node; the kubelet restarts the API server when the file changes).",
            "  - Remove --authorization-mode: --authorization-config replaces it (Node,RBAC is in the config) and the",
            "    API server refuses to start with both.",
            "  - Keep an existing --audit-policy-file (merge the rules of \(ServeAuditPolicyRules.fileName) into it) and",
            "    leave out the --audit-policy-file line below.",
            "  - Truncation is off by default. On, a batch above \(auditTruncateMaxBatchBytes) bytes (--audit-webhook-truncate-max-batch-size)",
            "    is split and an event above \(auditTruncateMaxEventBytes) bytes (--audit-webhook-truncate-max-event-size) loses its",
            "    bodies, so the server's body limit is known; off, one huge batch would be refused and its kubelet reviews lost.",
            "  - batch mode (the webhook default): up to \(auditBatchMaxEvents) events a batch, retried on failure and dropped when the",
            "    API server's buffer is full.",
            "The API server must see \(p.dir) (it reads the kubeconfigs, the certificates and the configs there): on kubeadm",
            "add to that manifest",
            "    volumes:      - {name: kubelet-authz, hostPath: {path: \(p.dir), type: Directory}}",
            "    volumeMounts: - {name: kubelet-authz, mountPath: \(p.dir), readOnly: true}",
            "(or apiServer.extraArgs and extraVolumes in kubeadm's ClusterConfiguration, so upgrades keep them).",
        ], body: """
            --authorization-config=\(p.authorizationConfigPath)
            --audit-policy-file=\(p.auditPolicyPath)
            --audit-webhook-config-file=\(p.auditKubeconfigPath)
            --audit-webhook-mode=batch
            --audit-webhook-batch-max-size=\(auditBatchMaxEvents)
            --audit-webhook-truncate-enabled=true

            """)
    }
}
