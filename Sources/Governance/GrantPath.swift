import RBAC

/// One binding → role → rule chain that gives a subject kubelet access.
public struct GrantPath: Hashable, Sendable {
    public let binding: Binding
    public let role: Role
    public let ruleIndex: Int
    public var rule: PolicyRule { role.rules[ruleIndex] }
}
