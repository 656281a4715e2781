import RBAC

/// One binding → role → rule chain that gives a subject kubelet access.
///
/// Equal when they name the same binding, role and rule: a snapshot holds one object per kind,
/// namespace and name (`ClusterSnapshot.resolveDuplicates`, and the API server), so the names
/// say which objects. Comparing the objects themselves would walk a binding's whole subject
/// list on every comparison — quadratic in the subjects of a binding with many.
public struct GrantPath: Hashable, Sendable {
    public let binding: Binding
    public let role: Role
    public let ruleIndex: Int
    public var rule: PolicyRule { role.rules[ruleIndex] }

    public init(binding: Binding, role: Role, ruleIndex: Int) {
        self.binding = binding
        self.role = role
        self.ruleIndex = ruleIndex
    }

    public static func == (a: GrantPath, b: GrantPath) -> Bool {
        a.ruleIndex == b.ruleIndex
            && a.binding.name == b.binding.name && a.binding.namespace == b.binding.namespace && a.binding.kind == b.binding.kind
            && a.role.name == b.role.name && a.role.namespace == b.role.namespace && a.role.kind == b.role.kind
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(ruleIndex)
        hasher.combine(binding.kind)
        hasher.combine(binding.namespace)
        hasher.combine(binding.name)
        hasher.combine(role.kind)
        hasher.combine(role.namespace)
        hasher.combine(role.name)
    }
}
