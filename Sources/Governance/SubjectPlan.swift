import Collectors
import KubeletModel
import RBAC

/// A kubelet permission a subject holds or will hold: a verb on `nodes/<subresource>`, on
/// every node or on some.
public struct PlannedPermission: Sendable, Hashable {
    public let permission: ResourceVerb
    /// nil = every node; otherwise the `resourceNames`.
    public var nodes: [String]?
    /// Why it is kept, or why it was dropped.
    public var reasons: [String]

    public init(_ permission: ResourceVerb, nodes: [String]?, reasons: [String] = []) {
        self.permission = permission
        self.nodes = nodes
        self.reasons = reasons
    }

    public var isProxy: Bool { permission.resource == KubeletSubresource.proxy.resource }

    /// `get nodes/pods` or `get nodes/log (gpu-node-1)`.
    public var text: String {
        permission.description + (nodes.map { " (" + $0.joined(separator: ", ") + ")" } ?? "")
    }
}

/// What `plan` decided for one subject: what it holds, what it used and needs, the narrowest
/// grant that keeps it working, and what could not be proven.
public struct SubjectPlan: Sendable {
    public let key: SubjectKey
    public let subject: Subject
    /// The catalogue entry its workloads were recognised as, with the signals that matched.
    public let collector: CollectorMatch?
    public let held: [PlannedPermission]
    /// The planned kubelet grant, each permission with why it stays.
    public var planned: [PlannedPermission]
    /// Held permissions the plan drops, each with why that is safe.
    public var removed: [PlannedPermission]
    /// Reductions the evidence cannot support, and needs RBAC cannot meet: kept as they are.
    public var unprovable: [String]
    /// What a reviewer must look at: kept exec power, uses whose path the evidence does not say.
    public var review: [String]
    /// Requests that passed only through the `nodes/proxy` fallback, by subresource.
    public var fallbackUses: [String: Int]
    /// Exec-capable kubelet paths seen through the API server's node proxy.
    public var execPathsUsed: [String]
    /// Uses seen, by route (`kubelet`, `apiServerProxy`) and count, for reports.
    public var observed: [ObservedUse]
    /// Why the plan emits no RBAC for this subject although it would narrow it (a wildcard
    /// rule, control-plane access); nil when it does.
    public var manual: String?
    public var replay: [ReplayRequest]
    /// The control plane's own access (KA070): reported, never planned away.
    public var controlPlane = false
    /// Who owns the access and what was approved (register, else annotations), so the change
    /// request names whom to ask; nil when nobody recorded it.
    public var governance: GovernanceRecord? = nil
    /// Removed permissions the governance record approves: the record must change with the plan.
    public var approvedButRemoved: [PlannedPermission] {
        removed.filter { GovernanceLookup.approves(governance, subresource: String($0.permission.resource.dropFirst("nodes/".count)), verb: $0.permission.verb) }
    }

    public var changes: Bool { manual == nil && (!removed.isEmpty || Set(planned.map(\.permission)) != Set(held.map(\.permission))
        || planned.contains { p in held.first { $0.permission == p.permission }?.nodes != p.nodes }) }
    public var keepsProxy: Bool { planned.contains(where: \.isProxy) }
    public var heldProxy: Bool { held.contains(where: \.isProxy) }
}
