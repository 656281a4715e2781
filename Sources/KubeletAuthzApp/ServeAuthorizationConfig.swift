import Governance
import KubeletModel

/// The `--authorization-config` file (apiserver.config.k8s.io/v1, GA in 1.32): Node, then
/// the kubelet-authz webhook, then RBAC. Fields as in
/// staging/src/k8s.io/apiserver/pkg/apis/apiserver/v1/types.go (WebhookConfiguration) and the
/// v1.36 reference (kubernetes/website content/en/docs/reference/config-api/apiserver-config.v1.md,
/// which adds `cacheAuthorizedRequests`/`cacheUnauthorizedRequests`, default true).
public enum ServeAuthorizationConfig {
    public static let fileName = "authorization-config.yaml"

    /// Every `nodes/<sub>` some modelled kubelet release checks, with default gates or every
    /// gate on: the API server sees reviews from kubelets of any release, and the SAR does
    /// not say which.
    public static let kubeletSubresources: [KubeletSubresource] = {
        var used = Set<KubeletSubresource>()
        for profile in KubeletProfile.modelledProfiles { used.formUnion(KubeletVocabulary(profile: profile).checked) }
        return KubeletSubresource.allCases.filter(used.contains)
    }()

    /// The match conditions, in order. The API server (staging/src/k8s.io/apiserver/pkg/
    /// authorization/cel/matcher.go) skips the webhook at the first FALSE; an error with no
    /// FALSE goes to the failurePolicy, which in enforce mode is Deny. So the first condition
    /// keeps non-resource requests (`/healthz`, `/metrics`) from erroring into it, and each
    /// field is read behind `has()`: v1.36 hands CEL every string field even when empty
    /// (compile.go convertObjectToUnstructured), older releases dropped empty ones.
    public static func matchConditions(apiServerKubeletClient user: String) -> [String] {
        let names = kubeletSubresources.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return [
            "has(request.resourceAttributes)",
            "has(request.resourceAttributes.resource) && request.resourceAttributes.resource == 'nodes'",
            "has(request.resourceAttributes.subresource) && request.resourceAttributes.subresource in [\(names)]",
            "!has(request.user) || request.user != '\(user)'",
        ]
    }

    /// `failurePolicy`: what an unreachable webhook or a CEL error means.
    public static func failurePolicy(_ mode: ServeDeploymentOptions.Mode) -> String {
        mode == .enforce ? "Deny" : "NoOpinion"
    }

    static func artefact(_ p: ServeDeploymentPlan) -> ServeArtefact {
        let o = p.options
        let conditions = matchConditions(apiServerKubeletClient: o.apiServerKubeletClient)
            .map { "    - expression: \"\($0)\"" }.joined(separator: "\n")
        let kubeletCache = KubeletConfiguration.defaultCacheAuthorizedTTL
        let header = [
            "The API server's authorizer chain: kube-apiserver --authorization-config=\(p.authorizationConfigPath)",
            "(and no --authorization-mode: the two are exclusive). The API server reloads this file when it changes.",
            "",
            "Mode \(o.mode.rawValue): failurePolicy \(failurePolicy(o.mode)). " + (o.mode == .enforce
                ? "An unreachable or failing webhook DENIES the kubelet checks it was asked about, so keep it running (and the API server's kubelet client excluded, as below)."
                : "An unreachable webhook changes nothing: RBAC decides as before."),
            "The webhook never allows; it denies (enforce) or has no opinion, so RBAC still decides everything it does not deny.",
            "system:masters never reaches it: the API server allows that group before any authorizer.",
            "",
            "Revocation latency: the API server caches the webhook's no-opinion answers for unauthorizedTTL (\(o.unauthorizedTTL))",
            "(webhook.go caches every answer that is not an allow for unauthorizedTTL; authorizedTTL applies to allows, which this webhook never gives),",
            "and the kubelet caches RBAC's allow for its own authorization.webhook.cacheAuthorizedTTL (\(kubeletCache) by default).",
            "So a subject whose approval expires may still reach a kubelet for up to \(o.unauthorizedTTL) + \(kubeletCache).",
            "Set cacheUnauthorizedRequests: false to take the API server's share to zero, at one webhook call per uncached kubelet check.",
        ]
        let body = """
            apiVersion: apiserver.config.k8s.io/v1
            kind: AuthorizationConfiguration
            authorizers:
            # Node first, as kubeadm's --authorization-mode=Node,RBAC had it: the kubelets' own API
            # calls are decided before the webhook.
            - type: Node
              name: node
            - type: Webhook
              name: \(ServeDeploymentPlan.webhookName)
              webhook:
                timeout: \(o.timeout)
                subjectAccessReviewVersion: v1
                matchConditionSubjectAccessReviewVersion: v1
                failurePolicy: \(failurePolicy(o.mode))
                authorizedTTL: \(o.authorizedTTL)
                unauthorizedTTL: \(o.unauthorizedTTL)
                cacheAuthorizedRequests: \(o.cacheAuthorizedRequests)
                cacheUnauthorizedRequests: \(o.cacheUnauthorizedRequests)
                connectionInfo:
                  type: KubeConfigFile
                  kubeConfigFile: \(p.authorizationKubeconfigPath)
                # Only kubelet checks (nodes/<subresource> of the kubelet's vocabulary), never the
                # API server's own kubelet client (\(o.apiServerKubeletClient)): kubectl exec, logs
                # and port-forward run as it and must not depend on this webhook.
                matchConditions:
            \(conditions)
            - type: RBAC
              name: rbac

            """
        return ServeArtefact(fileName: fileName, format: .yaml, header: header, body: body)
    }
}
