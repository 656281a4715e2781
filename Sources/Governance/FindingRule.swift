/// The findings catalogue: stable ids, documented one by one in docs/FINDINGS.md. Ids are
/// never reused or renumbered.
public enum FindingRule: String, CaseIterable, Sendable {
    case execViaNodesProxy = "KA001"
    case wildcardKubeletGrant = "KA002"
    case broadGroupAccess = "KA003"
    case checkpointAccess = "KA004"
    case roleBindingGrantsNothing = "KA005"
    case unknownNodeSubresource = "KA006"
    case literalWildcardSubresource = "KA007"
    case verbsKubeletNeverSends = "KA008"
    case bindingToMissingRole = "KA009"
    case bindingToMissingServiceAccount = "KA010"
    case clusterTooOldForFineGrained = "KA011"
    case specSubresourceGone = "KA012"
    case mixedKubeletVersions = "KA013"
    case apiServerClientUpgradeGap = "KA014"
    case apiServerClientUnknown = "KA015"
    case apiServerClientPartial = "KA016"
    case subresourceNotChecked = "KA017"
    case ungovernedAccess = "KA020"
    case accessBeyondApproved = "KA021"
    case reviewOverdue = "KA022"
    case missingOwnerOrPurpose = "KA023"
    case staleRegisterEntry = "KA024"
    case unreadableGovernance = "KA025"
    case unusedGrant = "KA030"
    case deniedAttempts = "KA031"
    case proxyUsedForFineGrainedPaths = "KA032"
    case directKubeletUse = "KA033"
    case auditBlindSpot = "KA034"
    case collectorWiderThanNeeded = "KA040"
    case crossTenantReach = "KA041"
    case execOnAINodes = "KA042"
    case escalationThroughExec = "KA043"
    case aiEvidenceExposure = "KA044"
    case guardrailExceptionsExpired = "KA048"
    case guardrailMissesReachingRole = "KA049"
    case kubeletAlwaysAllow = "KA050"
    case kubeletAnonymousAuthentication = "KA051"
    case kubeletWebhookAuthenticationDisabled = "KA052"
    case kubeletReadOnlyPort = "KA053"
    case kubeletAuthorizationCacheTTL = "KA054"
    case kubeletConfigBlindSpot = "KA055"
    case kubeletConfigUnreadable = "KA056"
    case controlPlaneAccess = "KA070"
    case neverReviewed = "KA071"
    case acceptanceExpired = "KA072"
    case execGained = "KA060"

    public var id: String { rawValue }

    /// A rule by its id (`KA001`, any case) or its name (`exec-via-nodes-proxy`).
    public init?(idOrName text: String) {
        guard let rule = Self.allCases.first(where: { $0.id == text.uppercased() || $0.name == text }) else { return nil }
        self = rule
    }

    public var name: String {
        switch self {
        case .execViaNodesProxy: return "exec-via-nodes-proxy"
        case .wildcardKubeletGrant: return "wildcard-kubelet-grant"
        case .broadGroupAccess: return "broad-group-kubelet-access"
        case .checkpointAccess: return "checkpoint-access"
        case .roleBindingGrantsNothing: return "rolebinding-grants-nothing"
        case .unknownNodeSubresource: return "unknown-node-subresource"
        case .literalWildcardSubresource: return "literal-wildcard-subresource"
        case .verbsKubeletNeverSends: return "verbs-kubelet-never-sends"
        case .bindingToMissingRole: return "binding-to-missing-role"
        case .bindingToMissingServiceAccount: return "binding-to-missing-serviceaccount"
        case .clusterTooOldForFineGrained: return "cluster-too-old-for-fine-grained-authz"
        case .specSubresourceGone: return "nodes-spec-grants-nothing"
        case .mixedKubeletVersions: return "mixed-kubelet-versions"
        case .apiServerClientUpgradeGap: return "apiserver-kubelet-client-upgrade-gap"
        case .apiServerClientUnknown: return "apiserver-kubelet-client-unknown"
        case .apiServerClientPartial: return "apiserver-kubelet-client-partial"
        case .subresourceNotChecked: return "subresource-not-checked-at-release"
        case .ungovernedAccess: return "ungoverned-kubelet-access"
        case .accessBeyondApproved: return "access-beyond-approved"
        case .reviewOverdue: return "review-overdue"
        case .missingOwnerOrPurpose: return "missing-owner-or-purpose"
        case .staleRegisterEntry: return "stale-register-entry"
        case .unreadableGovernance: return "unreadable-governance-data"
        case .unusedGrant: return "unused-kubelet-grant"
        case .deniedAttempts: return "denied-kubelet-attempts"
        case .proxyUsedForFineGrainedPaths: return "nodes-proxy-used-for-fine-grained-paths"
        case .directKubeletUse: return "direct-kubelet-use"
        case .auditBlindSpot: return "audit-blind-spot"
        case .collectorWiderThanNeeded: return "collector-wider-than-needed"
        case .guardrailExceptionsExpired: return "guardrail-exceptions-expired"
        case .guardrailMissesReachingRole: return "guardrail-misses-reaching-role"
        case .kubeletAlwaysAllow: return "kubelet-authorization-always-allow"
        case .kubeletAnonymousAuthentication: return "kubelet-anonymous-authentication"
        case .kubeletWebhookAuthenticationDisabled: return "kubelet-webhook-authentication-disabled"
        case .kubeletReadOnlyPort: return "kubelet-read-only-port"
        case .kubeletAuthorizationCacheTTL: return "kubelet-authorization-cache-ttl"
        case .kubeletConfigBlindSpot: return "kubelet-config-blind-spot"
        case .kubeletConfigUnreadable: return "kubelet-config-unreadable"
        case .crossTenantReach: return "cross-tenant-kubelet-reach"
        case .execOnAINodes: return "exec-on-ai-nodes"
        case .escalationThroughExec: return "escalation-through-exec"
        case .aiEvidenceExposure: return "ai-evidence-exposure"
        case .controlPlaneAccess: return "control-plane-kubelet-access"
        case .neverReviewed: return "exec-access-never-reviewed"
        case .acceptanceExpired: return "acceptance-expired"
        case .execGained: return "exec-capability-gained"
        }
    }

    public var defaultSeverity: Severity {
        switch self {
        case .execViaNodesProxy, .checkpointAccess, .accessBeyondApproved, .apiServerClientUpgradeGap: return .high
        case .broadGroupAccess: return .high
        case .wildcardKubeletGrant, .bindingToMissingServiceAccount, .clusterTooOldForFineGrained, .ungovernedAccess, .reviewOverdue, .bindingToMissingRole:
            return .medium
        case .roleBindingGrantsNothing, .unknownNodeSubresource, .literalWildcardSubresource, .verbsKubeletNeverSends,
             .specSubresourceGone, .subresourceNotChecked, .missingOwnerOrPurpose, .staleRegisterEntry, .unreadableGovernance:
            return .low
        case .mixedKubeletVersions, .apiServerClientUnknown, .apiServerClientPartial, .controlPlaneAccess: return .info
        case .acceptanceExpired: return .low
        case .neverReviewed: return .high
        case .unusedGrant, .directKubeletUse: return .low
        case .deniedAttempts, .proxyUsedForFineGrainedPaths, .auditBlindSpot: return .medium
        case .collectorWiderThanNeeded: return .medium
        case .guardrailExceptionsExpired, .guardrailMissesReachingRole: return .medium
        case .kubeletAlwaysAllow: return .critical
        case .kubeletAnonymousAuthentication, .kubeletReadOnlyPort: return .high
        case .kubeletWebhookAuthenticationDisabled: return .medium
        case .kubeletConfigBlindSpot, .kubeletConfigUnreadable: return .low
        case .kubeletAuthorizationCacheTTL: return .info
        case .crossTenantReach, .aiEvidenceExposure: return .medium
        case .execOnAINodes, .escalationThroughExec: return .high
        case .execGained: return .high
        }
    }

    public var title: String {
        switch self {
        case .execViaNodesProxy: return "Command execution in every pod through nodes/proxy"
        case .wildcardKubeletGrant: return "Wildcard grant reaches the kubelet"
        case .broadGroupAccess: return "Kubelet access for a broad group"
        case .checkpointAccess: return "Container checkpoint (memory dump) access"
        case .roleBindingGrantsNothing: return "RoleBinding to node rules grants nothing"
        case .unknownNodeSubresource: return "Node subresource the kubelet never checks"
        case .literalWildcardSubresource: return "nodes/* or */* is not a wildcard"
        case .verbsKubeletNeverSends: return "Verbs the kubelet never sends"
        case .bindingToMissingRole: return "Binding to a missing role"
        case .bindingToMissingServiceAccount: return "Kubelet access bound to a missing ServiceAccount"
        case .clusterTooOldForFineGrained: return "Kubelets older than 1.33 ignore fine-grained subresources"
        case .specSubresourceGone: return "nodes/spec grants nothing since 1.21"
        case .mixedKubeletVersions: return "Nodes run different kubelet versions"
        case .apiServerClientUpgradeGap: return "The API server's kubelet client holds no kubelet access"
        case .apiServerClientUnknown: return "Cannot tell how the API server's kubelet client is authorized"
        case .apiServerClientPartial: return "The API server's kubelet client lacks nodes/statusz or nodes/checkpoint"
        case .subresourceNotChecked: return "Grant of a subresource this release never checks"
        case .ungovernedAccess: return "Kubelet access nobody has approved"
        case .accessBeyondApproved: return "Kubelet access beyond what was approved"
        case .reviewOverdue: return "Access review overdue"
        case .missingOwnerOrPurpose: return "Kubelet access without owner or purpose"
        case .staleRegisterEntry: return "Register entry matches no kubelet access"
        case .unreadableGovernance: return "Governance annotation cannot be read"
        case .unusedGrant: return "Kubelet access granted but not used"
        case .deniedAttempts: return "Denied kubelet access attempts"
        case .proxyUsedForFineGrainedPaths: return "nodes/proxy used only where a fine-grained subresource would do"
        case .directKubeletUse: return "Direct kubelet use the API server never audits"
        case .auditBlindSpot: return "Audit log blind spot"
        case .collectorWiderThanNeeded: return "Known collector holds more kubelet access than its catalogue entry needs"
        case .guardrailExceptionsExpired: return "Installed nodes/proxy guardrail still lets expired exceptions through"
        case .guardrailMissesReachingRole: return "Installed nodes/proxy guardrail does not know a ClusterRole that grants nodes/proxy"
        case .kubeletAlwaysAllow: return "Kubelet authorizes every request (AlwaysAllow)"
        case .kubeletAnonymousAuthentication: return "Kubelet accepts anonymous requests"
        case .kubeletWebhookAuthenticationDisabled: return "Kubelet cannot check bearer tokens"
        case .kubeletReadOnlyPort: return "Kubelet serves the unauthenticated read-only port"
        case .kubeletAuthorizationCacheTTL: return "How long a kubelet keeps an authorization decision"
        case .kubeletConfigBlindSpot: return "Kubelet configuration not known"
        case .kubeletConfigUnreadable: return "Kubelet configuration could not be read"
        case .crossTenantReach: return "Node-level kubelet access crosses tenant boundaries"
        case .execOnAINodes: return "Command execution on nodes that run AI workloads"
        case .escalationThroughExec: return "Exec on a node leads to a more powerful identity"
        case .aiEvidenceExposure: return "Logs or pod specs of AI workloads readable through the kubelet"
        case .controlPlaneAccess: return "Kubelet access the control plane needs"
        case .neverReviewed: return "Command-execution access that was never reviewed"
        case .acceptanceExpired: return "An accepted finding's acceptance expired"
        case .execGained: return "Command execution gained since the previous saved scan"
        }
    }

    public var explanation: String {
        switch self {
        case .kubeletAlwaysAllow:
            return "With authorization.mode AlwaysAllow the kubelet authorizes every authenticated request itself and never asks the API server: no nodes/* rule, no fine-grained authorization and no audit record of a SubjectAccessReview applies on that node. Anyone who can authenticate to it can exec into every pod there."
        case .kubeletAnonymousAuthentication:
            return "With authentication.anonymous.enabled the kubelet treats a request without credentials as user system:anonymous in group system:unauthenticated, and authorizes that like any other caller. Any grant to those subjects, or AlwaysAllow, is then open to everyone who can reach port 10250."
        case .kubeletWebhookAuthenticationDisabled:
            return "With authentication.webhook.enabled false the kubelet sends no TokenReview, so bearer tokens (ServiceAccount tokens, which most collectors use) are not authenticated: those callers are refused, or treated as anonymous where anonymous authentication is on. Only client certificates work, and the nodes/* RBAC held by token users means nothing on that node."
        case .kubeletReadOnlyPort:
            return "A readOnlyPort other than 0 opens a second, plain-HTTP kubelet server without authentication or authorization: /pods (every pod spec with its environment), /stats and /metrics for anyone who can reach the node. The KubeletConfiguration file's default is 0; the old --read-only-port flag defaulted to 10255, which older node images still pass."
        case .kubeletAuthorizationCacheTTL:
            return "The kubelet keeps each SubjectAccessReview answer: allowed for authorization.webhook.cacheAuthorizedTTL (default 5m), denied for cacheUnauthorizedTTL (default 30s), and each TokenReview for authentication.webhook.cacheTTL (default 2m). A grant removed from RBAC keeps working on a node until its cached answer expires, and the API server's audit log records no review for the requests the cache answers. A zero duration in the configuration file means the default, not no cache. Longer than the defaults is reported as low."
        case .kubeletConfigBlindSpot:
            return "RBAC on nodes/* only matters if the kubelet delegates to it, and kubelet-authz did not learn whether these kubelets do. A live scan reads /configz from each kubelet directly, which the kubelet checks as nodes/configz only from 1.33 (1.32 with KubeletFineGrainedAuthz): older kubelets would check nodes/proxy, command execution, and are never asked, nor is the API server's node proxy ever used (it is authorized as nodes/proxy). A 401 or 403 means the tool's identity lacks get on nodes/configz; a file scan needs kubelet-config/<node>.yaml or .json."
        case .kubeletConfigUnreadable:
            return "The kubelet's /configz could not be reached or answered something that is not a kubelet configuration (connection refused or timed out, a certificate the trusted CA does not vouch for, a proxy or firewall in between). The node's kubelet configuration is unknown."
        case .execViaNodesProxy:
            return "get on nodes/proxy opens the kubelet's /exec, /attach and /portForward over WebSocket (a WebSocket upgrade is a GET), and create opens them over SPDY and /run: commands in every container on every node the grant covers. The API server's audit log records only the kubelet's SubjectAccessReview, never the command. Kubernetes treats this as working as intended."
        case .wildcardKubeletGrant:
            return "A rule with resources '*' or '*/<subresource>', or verbs '*', on node subresources grants today's and tomorrow's kubelet subresources alike, and '*' also grants the empty verb of HEAD and OPTIONS requests."
        case .broadGroupAccess:
            return "system:authenticated is everyone with any credential, system:unauthenticated and system:anonymous are callers without one, system:serviceaccounts[:ns] is every ServiceAccount (in a namespace): one compromised pod or token inherits this kubelet access on every node."
        case .checkpointAccess:
            return "create on nodes/checkpoint writes a CRIU checkpoint of any container to the node: a copy of its memory, with every secret and model weight it held."
        case .roleBindingGrantsNothing:
            return "The kubelet's checks carry no namespace, and the RBAC authorizer consults RoleBindings only for namespaced requests: a RoleBinding can never grant kubelet access, whatever role it binds."
        case .unknownNodeSubresource:
            return "No kubelet release checks this subresource, so the grant does nothing; it is usually a typo (nodes/logs for nodes/log) that leaves a collector failing or falling back to nodes/proxy."
        case .literalWildcardSubresource:
            return "RBAC has no per-resource wildcard: nodes/* matches only a subresource literally named '*'. Use '*/<subresource>' or list the subresources."
        case .verbsKubeletNeverSends:
            return "The kubelet maps POST, GET, PUT, PATCH and DELETE to create, get, update, patch and delete; list, watch and other verbs on node subresources are never asked for and grant nothing on the kubelet."
        case .bindingToMissingRole:
            return "The binding refers to a role that does not exist: it grants nothing today, and anyone who later creates a role of that name grants its subjects whatever it holds."
        case .bindingToMissingServiceAccount:
            return "The binding gives kubelet access to a ServiceAccount that does not exist: whoever can create a ServiceAccount of that name in that namespace inherits the access."
        case .clusterTooOldForFineGrained:
            return "Before 1.33 (or 1.32 with the KubeletFineGrainedAuthz gate off) the kubelet checks only nodes/proxy for /pods, /healthz and /configz: nodes/pods, nodes/healthz and nodes/configz grants do nothing and collectors still need nodes/proxy."
        case .specSubresourceGone:
            return "The kubelet removed /spec and its nodes/spec check in 1.21; the grant does nothing on this cluster."
        case .mixedKubeletVersions:
            return "Kubelets of different releases map the same path to different subresources; the scan answers for one release."
        case .apiServerClientUpgradeGap:
            return "kubectl exec, logs, attach and port-forward and the API server's node proxy reach kubelets as the API server's kubelet client (User kube-apiserver-kubelet-client on kubeadm clusters). kubeadm v1.33.12, v1.34.8, v1.35.5, v1.36.1 and later patches (and every release from 1.37) authorize it through ClusterRoleBinding kubeadm:apiserver-kubelet-client to system:kubelet-api-admin, where older kubeadm put its certificate in kubeadm:cluster-admins or system:masters. A cluster whose kubeadm-config shows such a release but whose RBAC grants the identity nothing breaks those commands on every node once the certificate is renewed without the old group."
        case .apiServerClientUnknown:
            return "The API server's kubelet client holds no kubelet access through RBAC in this input. Its certificate may carry a group that does (kubeadm:cluster-admins or system:masters on older kubeadm; other names on managed clusters), which a snapshot cannot see, so kubelet-authz cannot tell whether kubectl exec and logs work. Name the identity with --apiserver-kubelet-client if it is not kube-apiserver-kubelet-client."
        case .apiServerClientPartial:
            return "system:kubelet-api-admin grants nodes/proxy, metrics, stats, log and (from 1.32) pods, healthz and configz, but neither nodes/statusz nor nodes/checkpoint: the API server's own proxied /statusz and /checkpoint calls are answered 403 by kubelets that check them."
        case .subresourceNotChecked:
            return "The kubelets of this release (with these feature gates) never check this subresource, so the grant gives nothing today: nodes/statusz is checked from 1.36 (ComponentStatusz), nodes/checkpoint from 1.30 (ContainerCheckpoint), nodes/pods, nodes/healthz and nodes/configz only with KubeletFineGrainedAuthz (on from 1.33). It starts to grant access when the kubelets are upgraded or the gate is turned on."
        case .ungovernedAccess:
            return "No register entry and no kubelet-authz.io annotations say who owns this access, why it exists, or when it was reviewed."
        case .accessBeyondApproved:
            return "The subject holds kubelet permissions (subresources, verbs or nodes) its governance record does not approve."
        case .reviewOverdue:
            return "The next review or expiry date of this access has passed."
        case .missingOwnerOrPurpose:
            return "A governance record exists but does not name an owner or a purpose."
        case .staleRegisterEntry:
            return "The register approves access for a subject that holds none: the subject, binding or role was removed or renamed, or the entry has a typo."
        case .unreadableGovernance:
            return "A kubelet-authz.io annotation has a value that cannot be read; it is ignored."
        case .unusedGrant:
            return "The audit evidence shows no allowed use of this grant for at least the configured number of days (--unused-days). The kubelet caches decisions (5 minutes allowed), so a window shorter than that proves nothing; the scan only reports when the evidence covers the whole period. A subresource the governance record approves — every verb and node held — until a nextReview or expires date not yet past is not reported; an approval without such a date does not suppress it."
        case .deniedAttempts:
            return "A caller asked for kubelet access it does not hold: a misconfigured collector (often one whose nodes/proxy was removed, or that lacks the fine-grained grant), or someone probing."
        case .proxyUsedForFineGrainedPaths:
            return "The subject holds nodes/proxy, but every use in the evidence reached a path a fine-grained subresource covers: through the kubelet's fallback after a denied nodes/pods, nodes/healthz or nodes/configz check, or through the API-server node proxy for /metrics, /stats or /pods. Granting that subresource lets nodes/proxy go without breaking the collector."
        case .directKubeletUse:
            return "The subject calls kubelets directly. The API server logs only the kubelet's SubjectAccessReview for it (and nothing while the kubelet's decision cache answers); with nodes/proxy, commands run this way leave no trace of what was run."
        case .controlPlaneAccess:
            return "The API server's kubelet client, system:masters and kubeadm:cluster-admins hold kubelet access by design: kubectl exec, logs and port-forward run through the first, and the groups are the cluster's administrators. The access is listed so that a review sees it, but it is not a finding to fix: removing it breaks the cluster (the client) or changes nothing (system:masters is allowed before RBAC). Who holds the groups is decided by client certificates, which RBAC does not show."
        case .acceptanceExpired:
            return "An entry of the ignore file, or an acceptance recorded with `kubelet-authz accept`, accepted these findings until a date that has passed: the findings are reported again (and fail `--fail-on` again), and this one says which acceptance lapsed."
        case .neverReviewed:
            return "The subject can execute commands in pods and its governance record names an owner, but no review date: nobody has confirmed the access is still needed."
        case .collectorWiderThanNeeded:
            return "The subject's workloads were recognised as an agent of the collector catalogue (by image, ServiceAccount name or Helm chart — a `# Source:` comment or a `helm.sh/chart` label; the finding names the signals that matched), and it holds kubelet subresources or verbs beyond the catalogue's minimal grant for the scan's release. Only entries that list every kubelet path the agent calls, and that hold for every version of the agent (no `sinceVersion`: an older chart may still scrape through the API server's node proxy), are judged. The excess is high severity when it includes nodes/proxy: command execution in every pod for an agent that needs none."
        case .guardrailExceptionsExpired:
            return "A ValidatingAdmissionPolicy written by `kubelet-authz guardrail` carries, in its kubelet-authz.io/exceptions-expire annotation, the earliest expiry of the register exceptions it lets through. Admission CEL cannot read the clock, so the policy keeps letting those roles and subjects reach nodes/proxy after the approval lapsed, until it is regenerated."
        case .guardrailMissesReachingRole:
            return "The guardrail's binding policy refuses ClusterRoleBindings to the ClusterRoles that granted nodes/proxy when it was generated; it lists them in its kubelet-authz.io/reaching-roles annotation. This ClusterRole grants nodes/proxy now (created by an exempt writer, approved, or through aggregation) and is not in that list, so new bindings to it are not judged."
        case .crossTenantReach:
            return "Kubelet access is per node, not per namespace: a subject of one tenant (its ServiceAccount's namespace, or the namespace label named by --tenant-label) that can read logs or pod specs, or exec, on a node reads them for every pod there, including other tenants'. Pods are placed by spec.nodeName; the control plane's namespaces are nobody's tenant. High when the reach includes exec."
        case .execOnAINodes:
            return "The subject can execute commands in every container of nodes recognised as running AI workloads (accelerators in the node's capacity or a pod's requests, accelerator or node-pool labels, inference or training images; the finding names the signal): model weights, prompts in memory, API keys and the pods' ServiceAccount tokens are within reach, and the audit log shows none of the commands."
        case .escalationThroughExec:
            return "Exec on a node hands the caller every ServiceAccount token mounted in the pods there. The review follows subject → binding → nodes/proxy → node → pod → ServiceAccount → that ServiceAccount's ClusterRoleBindings and RoleBindings, only on the nodes the subject's resourceNames allow and only for pods whose token is mounted, and reports identities with powers the subject lacks: every verb on every resource, escalate, bind, impersonate, cluster-wide secrets or token creation, nodes/proxy, cluster-wide pod creation; and the same in one namespace through a RoleBinding, named with the namespace and ranked after cluster-wide powers (kube-system first). Critical when the identity reached can do everything cluster-wide, or make itself able to (impersonate; escalate and bind together)."
        case .aiEvidenceExposure:
            return "The subject cannot exec, but can read container or node logs (which on inference servers hold prompts, user data and tool outputs) or pod specs (environment values, model ids, sometimes tokens) on nodes recognised as running AI workloads."
        case .auditBlindSpot:
            return "The audit log or its policy hides kubelet access: events at Metadata level have no caller, events without a response body have no verdict, and a policy that does not log the kubelet's SubjectAccessReviews at Request or above hides direct kubelet use entirely."
        case .execGained:
            return "`kubelet-authz diff` compares two saved scans of a cluster (`scan --save`). This subject could not execute commands in pods in the earlier scan and can in the later one: a binding or role added or changed since gives it get or create on nodes/proxy (or a wildcard). Reported by `diff` only, as at least high whatever the scans' own findings say, so that `diff --fail-on high` stops a change that hands out command execution."
        }
    }

    public var fix: String {
        switch self {
        case .kubeletAlwaysAllow: return "Set authorization.mode: Webhook in the node's KubeletConfiguration (and authentication.webhook.enabled: true) and restart the kubelet."
        case .kubeletAnonymousAuthentication: return "Set authentication.anonymous.enabled: false in the node's KubeletConfiguration (kubelet --anonymous-auth=false) and restart the kubelet."
        case .kubeletWebhookAuthenticationDisabled: return "Set authentication.webhook.enabled: true in the node's KubeletConfiguration (kubelet --authentication-token-webhook) and restart the kubelet."
        case .kubeletReadOnlyPort: return "Set readOnlyPort: 0 (or drop --read-only-port) and move collectors to port 10250 with nodes/metrics, nodes/stats or nodes/pods."
        case .kubeletAuthorizationCacheTTL: return "Nothing to change at the defaults; after removing access, wait out the TTL before calling it gone. Shorten cacheAuthorizedTTL where a revocation must bite sooner (each miss costs the API server a SubjectAccessReview)."
        case .kubeletConfigBlindSpot: return "Upgrade the kubelets to 1.33+ and bind deploy/kubelet-authz-configz.yaml (get nodes/configz) to the identity that scans, or give the scan kubelet-config/<node>.yaml files (the node's KubeletConfiguration) or <node>.json (its /configz output)."
        case .kubeletConfigUnreadable: return "Check that the scanning host reaches the node's InternalIP on the kubelet port, and pass the CA that signs kubelet serving certificates with --kubelet-ca (or, knowingly, --kubelet-insecure-tls)."
        case .execViaNodesProxy:
            return "Replace nodes/proxy with the fine-grained subresources the workload needs (nodes/metrics, nodes/stats, nodes/log, and on 1.33+ nodes/pods, nodes/healthz, nodes/configz); keep nodes/proxy only for people who must exec, pinned with resourceNames and reviewed."
        case .wildcardKubeletGrant: return "List the node subresources and verbs the subject needs instead of '*'."
        case .broadGroupAccess: return "Bind the access to the ServiceAccounts or users that need it, not to the group."
        case .checkpointAccess: return "Remove create on nodes/checkpoint unless a backup or forensics tool needs it; pin it to nodes with resourceNames."
        case .roleBindingGrantsNothing: return "Delete the RoleBinding, or use a ClusterRoleBinding if the subject really needs kubelet access."
        case .unknownNodeSubresource: return "Correct the subresource name (nodes/log, nodes/pods, …) or remove it."
        case .literalWildcardSubresource: return "Replace nodes/* with the subresources needed (or '*/<subresource>')."
        case .verbsKubeletNeverSends: return "Keep get (and create only where POST is needed); drop list and watch from node subresource rules."
        case .bindingToMissingRole: return "Delete the binding or create the role it means."
        case .bindingToMissingServiceAccount: return "Delete the subject from the binding, or create the ServiceAccount deliberately."
        case .clusterTooOldForFineGrained: return "Upgrade kubelets to 1.33+ before removing nodes/proxy from collectors."
        case .specSubresourceGone: return "Remove nodes/spec from the rule."
        case .mixedKubeletVersions: return "Scan per release with --kube-version, or finish the upgrade."
        case .apiServerClientUpgradeGap: return "Create ClusterRoleBinding kubeadm:apiserver-kubelet-client binding ClusterRole system:kubelet-api-admin to the identity (kubeadm init phase bootstrap-token or upgrade apply recreates it)."
        case .apiServerClientUnknown: return "Check the certificate's groups (openssl x509 -noout -subject on apiserver-kubelet-client.crt), or bind system:kubelet-api-admin to the identity explicitly."
        case .apiServerClientPartial: return "Grant get and create on nodes/statusz and nodes/checkpoint to the identity in a separate ClusterRole if the API server must proxy them; otherwise nothing to do."
        case .subresourceNotChecked: return "Keep the grant only if it is meant for the coming release, and review it then; otherwise remove it."
        case .ungovernedAccess: return "Add an entry to the register (or kubelet-authz.io/owner, purpose, reviewed, next-review annotations on the ServiceAccount or ClusterRoleBinding), or remove the access."
        case .accessBeyondApproved: return "Remove the extra permissions, or review and extend the approved access."
        case .reviewOverdue: return "Review the access and update reviewed and nextReview, or remove it."
        case .missingOwnerOrPurpose: return "Add owner and purpose."
        case .staleRegisterEntry: return "Remove the entry or correct its subject."
        case .unreadableGovernance: return "Correct the annotation value (dates as YYYY-MM-DD)."
        case .unusedGrant: return "Remove the unused subresource from the role after confirming with the owner; keep the evidence window longer than any periodic job."
        case .deniedAttempts: return "Grant the fine-grained subresource the collector needs, or find out who is probing."
        case .proxyUsedForFineGrainedPaths: return "Grant the fine-grained subresource named in the finding, and switch API-server proxy scraping to direct kubelet access; then remove nodes/proxy."
        case .directKubeletUse: return "Prefer fine-grained subresources; log the kubelet's SubjectAccessReviews at RequestResponse; review who holds nodes/proxy."
        case .controlPlaneAccess: return "Nothing to change. Review who holds client certificates for these groups, and keep the API server's kubelet client's access (--apiserver-kubelet-client names it on clusters that call it something else)."
        case .acceptanceExpired: return "Fix the findings, or review the acceptance and give it a new expiry date."
        case .neverReviewed: return "Review the access and record the date (register reviewed:, or the kubelet-authz.io/reviewed annotation), with a next review."
        case .collectorWiderThanNeeded: return "Grant the minimal grant named in the finding (`kubelet-authz collectors <id>` prints it per release) and remove the rest; if the agent's own chart grants more, set its values to the narrower option."
        case .guardrailExceptionsExpired: return "Review the expired register entries (renew or remove them), then regenerate and apply the guardrail: kubelet-authz guardrail -f CLUSTER --register REGISTER | kubectl apply -f -."
        case .guardrailMissesReachingRole: return "Regenerate and apply the guardrail from the current cluster (kubelet-authz guardrail -f CLUSTER --register REGISTER | kubectl apply -f -), after deciding whether the role should grant nodes/proxy at all."
        case .crossTenantReach: return "Give shared agents only the subresources they need (metrics, stats); keep tenants' pods on separate nodes, or pin exec grants with resourceNames to the tenant's own nodes."
        case .execOnAINodes: return "Remove nodes/proxy from the subject, or pin it with resourceNames to nodes without AI workloads; grant people exec through kubectl exec on named namespaces instead."
        case .escalationThroughExec: return "Remove the exec access, or move the powerful pod to nodes the subject cannot reach; set automountServiceAccountToken: false where the pod does not call the API, and narrow the ServiceAccount's bindings."
        case .aiEvidenceExposure: return "Drop nodes/proxy and nodes/log where the agent only needs metrics and stats, or pin the grant to nodes without AI workloads."
        case .auditBlindSpot: return "Log create on subjectaccessreviews by group system:nodes at RequestResponse, before any rule that drops it, and keep the ResponseComplete stage."
        case .execGained: return "Confirm the change was meant (the finding names the binding and role), record who owns it, or revert it; `kubelet-authz accept FINGERPRINT --reason … --until DATE` if it is approved for a time."
        }
    }
}
