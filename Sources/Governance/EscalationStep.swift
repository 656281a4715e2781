/// One step of an escalation path, kept apart as what it is and what it is called, so that a
/// report can draw the path (a box per step, coloured by what the step is) as well as write it.
public struct EscalationStep: Hashable, Sendable {
    public enum Kind: String, Sendable {
        /// The exec-capable subject the path starts from.
        case subject
        /// Its ClusterRoleBinding and ClusterRole that grant `nodes/proxy`.
        case binding, role
        /// `nodes/proxy`: exec in every pod on the node.
        case kubeletAccess
        case node, pod
        /// The ServiceAccount whose token the pod mounts.
        case serviceAccount
        /// That ServiceAccount's binding and role (cluster-wide, or a RoleBinding in one
        /// namespace), with the powers they give.
        case reachedBinding, reachedRole
    }

    public let kind: Kind
    /// What kind of object, as a reader names it: "ClusterRoleBinding", "Pod", "node"; empty
    /// for the kubelet access step.
    public let label: String
    public let name: String
    /// The powers the reached role gives, for `reachedRole`; empty otherwise.
    public let powers: [String]

    public init(_ kind: Kind, label: String, name: String, powers: [String] = []) {
        self.kind = kind
        self.label = label
        self.name = name
        self.powers = powers
    }

    /// The step as one line of text, as the markdown and text reviews write it.
    public var text: String {
        let head = label.isEmpty ? name : "\(label) \(name)"
        return powers.isEmpty ? head : head + ": " + powers.joined(separator: ", ")
    }
}

extension AISubjectReview {
    /// The escalation as the chain a reviewer follows: subject → binding → role → nodes/proxy →
    /// node → pod → ServiceAccount → its binding → its role (with the powers that binding
    /// gives). Nil when no pod of the identity has its token mounted.
    public func steps(to r: ReachedIdentity) -> [EscalationStep]? {
        guard let pod = r.pods.first, let power = r.powers.first else { return nil }
        var steps = [EscalationStep(.subject, label: subject.kind, name: subject.namespace.isEmpty ? subject.name : "\(subject.namespace)/\(subject.name)")]
        // nodes are cluster-scoped: only a ClusterRoleBinding of a ClusterRole grants nodes/proxy.
        if let g = execGrant { steps += [EscalationStep(.binding, label: "ClusterRoleBinding", name: g.binding.name), EscalationStep(.role, label: "ClusterRole", name: g.role.name)] }
        let sa = r.serviceAccount
        steps += [EscalationStep(.kubeletAccess, label: "", name: "nodes/proxy (exec)"), EscalationStep(.node, label: "node", name: pod.node),
                  EscalationStep(.pod, label: "Pod", name: "\(pod.namespace)/\(pod.name)"),
                  EscalationStep(.serviceAccount, label: sa.kind, name: sa.namespace.isEmpty ? sa.name : "\(sa.namespace)/\(sa.name)"),
                  EscalationStep(.reachedBinding, label: power.bindingLabel, name: power.bindingName),
                  EscalationStep(.reachedRole, label: power.roleLabel, name: power.roleName, powers: r.powers.filter { $0.grantedAlike(power) }.map(\.label))]
        return steps
    }
}
