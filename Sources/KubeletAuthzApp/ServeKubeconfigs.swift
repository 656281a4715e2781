/// The two kubeconfig files the API server reads to call the server: one for the
/// authorization webhook (`connectionInfo.kubeConfigFile`), one for the audit webhook backend
/// (`--audit-webhook-config-file`). Format: clientcmd v1 `Config`
/// (staging/src/k8s.io/client-go/tools/clientcmd/api/v1/types.go); the API server posts to
/// the cluster's `server` URL exactly, path included
/// (plugin/pkg/authorizer/webhook/webhook.go subjectAccessReviewInterfaceFromKubeconfig).
/// It authenticates with the client certificate; the server's certificate is checked
/// against the recipe's CA, so its subjectAltName must name the URL's host.
public enum ServeKubeconfigs {
    public static let authorizationFileName = "authorization-webhook.kubeconfig"
    public static let auditFileName = "audit-webhook.kubeconfig"

    static func authorizationWebhook(_ p: ServeDeploymentPlan) -> ServeArtefact {
        ServeArtefact(fileName: authorizationFileName, format: .yaml, header: [
            "How the API server calls the authorization webhook: install as \(p.authorizationKubeconfigPath)",
            "(named by connectionInfo.kubeConfigFile in \(ServeAuthorizationConfig.fileName)).",
            "Each uncached kubelet check becomes one POST of a SubjectAccessReview (authorization.k8s.io/v1) to \(p.authorizeURL).",
        ], body: kubeconfig(p, server: p.authorizeURL, name: "kubelet-authz-authorize"))
    }

    static func auditWebhook(_ p: ServeDeploymentPlan) -> ServeArtefact {
        ServeArtefact(fileName: auditFileName, format: .yaml, header: [
            "How the API server's audit webhook backend reaches the server: install as \(p.auditKubeconfigPath)",
            "and pass --audit-webhook-config-file=\(p.auditKubeconfigPath) (see \(ServeAPIServerFlags.fileName)).",
            "The API server POSTs audit.k8s.io/v1 EventList batches to \(p.auditURL).",
        ], body: kubeconfig(p, server: p.auditURL, name: "kubelet-authz-audit"))
    }

    static func kubeconfig(_ p: ServeDeploymentPlan, server: String, name: String) -> String {
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: \(name)
          cluster:
            server: \(server)
            certificate-authority: \(p.pkiDir)/\(ServeCertificateRecipe.caCertificate)
        users:
        - name: kube-apiserver
          user:
            client-certificate: \(p.pkiDir)/\(ServeCertificateRecipe.clientCertificate)
            client-key: \(p.pkiDir)/\(ServeCertificateRecipe.clientKey)
        contexts:
        - name: \(name)
          context:
            cluster: \(name)
            user: kube-apiserver
        current-context: \(name)

        """
    }
}
