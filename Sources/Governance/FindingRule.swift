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
    case controlPlaneAccess = "KA070"
    case neverReviewed = "KA071"
    case acceptanceExpired = "KA072"

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
        case .crossTenantReach: return "cross-tenant-kubelet-reach"
        case .execOnAINodes: return "exec-on-ai-nodes"
        case .escalationThroughExec: return "escalation-through-exec"
        case .aiEvidenceExposure: return "ai-evidence-exposure"
        case .controlPlaneAccess: return "control-plane-kubelet-access"
        case .neverReviewed: return "exec-access-never-reviewed"
        case .acceptanceExpired: return "acceptance-expired"
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
        case .crossTenantReach, .aiEvidenceExposure: return .medium
        case .execOnAINodes, .escalationThroughExec: return .high
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
        case .crossTenantReach: return "Node-level kubelet access crosses tenant boundaries"
        case .execOnAINodes: return "Command execution on nodes that run AI workloads"
        case .escalationThroughExec: return "Exec on a node leads to a more powerful identity"
        case .aiEvidenceExposure: return "Logs or pod specs of AI workloads readable through the kubelet"
        case .controlPlaneAccess: return "Kubelet access the control plane needs"
        case .neverReviewed: return "Command-execution access that was never reviewed"
        case .acceptanceExpired: return "An accepted finding's acceptance expired"
        }
    }

    public var explanation: String {
        switch self {
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
            return "An entry of the ignore file accepted these findings until a date that has passed: the findings are reported again, and this one says which acceptance lapsed."
        case .neverReviewed:
            return "The subject can execute commands in pods and its governance record names an owner, but no review date: nobody has confirmed the access is still needed."
        case .collectorWiderThanNeeded:
            return "The subject's workloads were recognised as an agent of the collector catalogue (by image or ServiceAccount name; the finding names the signals that matched), and it holds kubelet subresources or verbs beyond the catalogue's minimal grant for the scan's release. Only entries that list every kubelet path the agent calls, and that hold for every version of the agent (no `sinceVersion`: an older chart may still scrape through the API server's node proxy), are judged. The excess is high severity when it includes nodes/proxy: command execution in every pod for an agent that needs none."
        case .crossTenantReach:
            return "Kubelet access is per node, not per namespace: a subject of one tenant (its ServiceAccount's namespace, or the namespace label named by --tenant-label) that can read logs or pod specs, or exec, on a node reads them for every pod there, including other tenants'. Pods are placed by spec.nodeName; the control plane's namespaces are nobody's tenant. High when the reach includes exec."
        case .execOnAINodes:
            return "The subject can execute commands in every container of nodes recognised as running AI workloads (accelerators in the node's capacity or a pod's requests, accelerator or node-pool labels, inference or training images; the finding names the signal): model weights, prompts in memory, API keys and the pods' ServiceAccount tokens are within reach, and the audit log shows none of the commands."
        case .escalationThroughExec:
            return "Exec on a node hands the caller every ServiceAccount token mounted in the pods there. The review follows subject → binding → nodes/proxy → node → pod → ServiceAccount → that ServiceAccount's ClusterRoleBindings, only on the nodes the subject's resourceNames allow and only for pods whose token is mounted, and reports identities with powers the subject lacks: every verb on every resource, escalate, bind, impersonate, cluster-wide secrets or token creation, nodes/proxy, cluster-wide pod creation. Critical when the identity reached can do everything, or make itself able to (impersonate; escalate and bind together)."
        case .aiEvidenceExposure:
            return "The subject cannot exec, but can read container or node logs (which on inference servers hold prompts, user data and tool outputs) or pod specs (environment values, model ids, sometimes tokens) on nodes recognised as running AI workloads."
        case .auditBlindSpot:
            return "The audit log or its policy hides kubelet access: events at Metadata level have no caller, events without a response body have no verdict, and a policy that does not log the kubelet's SubjectAccessReviews at Request or above hides direct kubelet use entirely."
        }
    }

    public var fix: String {
        switch self {
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
        case .crossTenantReach: return "Give shared agents only the subresources they need (metrics, stats); keep tenants' pods on separate nodes, or pin exec grants with resourceNames to the tenant's own nodes."
        case .execOnAINodes: return "Remove nodes/proxy from the subject, or pin it with resourceNames to nodes without AI workloads; grant people exec through kubectl exec on named namespaces instead."
        case .escalationThroughExec: return "Remove the exec access, or move the powerful pod to nodes the subject cannot reach; set automountServiceAccountToken: false where the pod does not call the API, and narrow the ServiceAccount's bindings."
        case .aiEvidenceExposure: return "Drop nodes/proxy and nodes/log where the agent only needs metrics and stats, or pin the grant to nodes without AI workloads."
        case .auditBlindSpot: return "Log create on subjectaccessreviews by group system:nodes at RequestResponse, before any rule that drops it, and keep the ResponseComplete stage."
        }
    }
}
