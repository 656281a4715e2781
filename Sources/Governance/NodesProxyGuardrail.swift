import Cluster
import RBAC

/// How the guardrail's binding enforces a failed validation (`validationActions`).
public enum GuardrailAction: String, Sendable, CaseIterable {
    case deny = "Deny", audit = "Audit", warn = "Warn"
}

/// What the nodes/proxy guardrail must know when it is generated, decided by the project's RBAC
/// engine over the input cluster and the register: which ClusterRoles reach `nodes/proxy` (so
/// that bindings to them are checked), whose labels an aggregating selector must not select,
/// which selectors a role's labels must not satisfy, and which exceptions are still in force.
/// Admission CEL has no clock, so expired exceptions are left out here and the earliest
/// remaining expiry is stamped on the policies for `scan` (KA048) to judge later.
public struct NodesProxyGuardrail: Sendable {
    /// ClusterRoles that reach `nodes/proxy` after aggregation, by name, sorted.
    public var reachingClusterRoles: [String]
    /// The distinct label sets of those roles, plus the bootstrap roles' label: what an
    /// aggregating role's selectors must not select.
    public var reachingLabelSets: [[String: String]]
    /// Selectors of aggregating ClusterRoles (the input's and the bootstrap admin/edit/view):
    /// labels a role reaching `nodes/proxy` must not carry.
    public var aggregationSelectors: [LabelSelector]
    /// ClusterRoles the register approves, not expired at `now`, sorted.
    public var approvedRoles: [String]
    /// Subjects allowed to be bound to a reaching role: register entries approving
    /// `nodes/proxy` not expired at `now`, and the control plane's own identities. As
    /// `ServiceAccount/NS/NAME`, `User/NAME`, `Group/NAME`, sorted.
    public var approvedSubjects: [String]
    /// Exceptions left out because they expired before `now`, for the generator's notes.
    public var expired: [String]
    /// The earliest expiry among the exceptions emitted; nil when none has a date.
    public var earliestExpiry: Day?
    public var now: Day
    public var action: GuardrailAction

    /// Bootstrap ClusterRoles that reach `nodes/proxy` (`cluster-admin`,
    /// `system:kubelet-api-admin`) carry this label on every cluster, in the input or not.
    public static let bootstrapLabel = ["kubernetes.io/bootstrapping": "rbac-defaults"]
    /// Bootstrap ClusterRoles that reach `nodes/proxy`, on every cluster whether the input has them or not.
    public static let bootstrapReachingRoles = ["cluster-admin", "system:kubelet-api-admin"]
    /// The bootstrap aggregating roles' selectors (admin, edit, view), present on every cluster.
    public static let bootstrapAggregationSelectors: [LabelSelector] = ["admin", "edit", "view"].map {
        LabelSelector(matchLabels: ["rbac.authorization.k8s.io/aggregate-to-\($0)": "true"])
    }
    /// Who writes RBAC objects the guardrail must never stop: the API server reconciling its
    /// bootstrap roles at start-up (a denial fails /readyz), and the aggregation controller.
    public static let apiServerUser = "system:apiserver"
    public static let aggregationControllerUser = "system:serviceaccount:kube-system:clusterrole-aggregation-controller"

    public static func build(snapshot: ClusterSnapshot, register: GovernanceRegister?, now: Day, action: GuardrailAction,
                             apiServerKubeletClient: String) -> NodesProxyGuardrail {
        let policy = snapshot.policy()
        var reaching = bootstrapReachingRoles.filter { policy.clusterRoles[$0] == nil }
        var labelSets: [[String: String]] = [bootstrapLabel]
        for (name, role) in policy.clusterRoles where NodesProxyReach.reaches(role.rules) {
            reaching.append(name)
            if !labelSets.contains(role.labels) { labelSets.append(role.labels) }
        }
        var selectors = bootstrapAggregationSelectors
        for role in snapshot.roles where role.kind == .clusterRole {
            for s in role.aggregationRule ?? [] where !selectors.contains(s) { selectors.append(s) }
        }

        var expired: [String] = []
        var expiries: [Day] = []
        var approvedRoles: [String] = []
        for r in register?.roles ?? [] {
            if let e = r.expires, e < now { expired.append("\(r.description) (expired \(e))"); continue }
            if let e = r.expires { expiries.append(e) }
            approvedRoles.append(r.name)
        }
        // The control plane's identities hold nodes/proxy by design (KA070): kubeadm binds its
        // kubelet client to system:kubelet-api-admin on upgrades, which must not be refused.
        var subjects: Set<String> = ["User/" + apiServerKubeletClient]
        for group in ControlPlaneAccess.adminGroups.keys { subjects.insert("Group/" + group) }
        for entry in register?.entries ?? [] where approvesProxy(entry.record.approved) {
            let subject = key(kind: entry.subject.kind, namespace: entry.subject.namespace, name: entry.subject.name)
            if let e = entry.record.nextReview, e < now { expired.append("\(subject) (expired \(e))"); continue }
            if let e = entry.record.nextReview { expiries.append(e) }
            subjects.insert(subject)
        }
        return NodesProxyGuardrail(reachingClusterRoles: reaching.sorted(), reachingLabelSets: labelSets,
                                   aggregationSelectors: selectors, approvedRoles: approvedRoles.sorted(),
                                   approvedSubjects: subjects.sorted(), expired: expired.sorted(), earliestExpiry: expiries.min(),
                                   now: now, action: action)
    }

    /// An entry approves `nodes/proxy` when its `access` lists `proxy` or `*`; an entry that
    /// approves nothing in particular does not let a subject be bound to exec power.
    static func approvesProxy(_ approved: [ApprovedAccess]?) -> Bool {
        approved?.contains { $0.subresources.contains("proxy") || $0.subresources.contains("*") } ?? false
    }

    /// How the binding policy's CEL spells a subject.
    public static func key(kind: String, namespace: String, name: String) -> String {
        kind == Subject.serviceAccountKind ? "\(kind)/\(namespace)/\(name)" : "\(kind)/\(name)"
    }
}
