import Collectors
import KubeletModel
import RBAC

/// The RBAC objects a plan writes: complete objects only, each new or replacing one of the
/// same kind, namespace and name — never a deletion — so applying them is a plain overlay.
/// A shared role is never edited: the subject gets its own ClusterRole and binding and leaves
/// the shared binding.
public struct RBACChange: Sendable {
    public struct ChangedRole: Sendable {
        public var role: Role
        public let isNew: Bool
        /// Why, naming the evidence: written as comments above the object.
        public var comments: [String]

        public init(role: Role, isNew: Bool, comments: [String]) {
            self.role = role
            self.isNew = isNew
            self.comments = comments
        }
    }

    public struct ChangedBinding: Sendable {
        public var binding: Binding
        public let isNew: Bool
        public var comments: [String]

        public init(binding: Binding, isNew: Bool, comments: [String]) {
            self.binding = binding
            self.isNew = isNew
            self.comments = comments
        }
    }

    public var roles: [ChangedRole] = []
    public var bindings: [ChangedBinding] = []

    public init() {}

    public var isEmpty: Bool { roles.isEmpty && bindings.isEmpty }

    /// The label new objects carry.
    public static let managedBy = ("app.kubernetes.io/managed-by", "kubelet-authz")
    /// The annotation every written object carries: which subjects the plan changed it for.
    public static let planAnnotation = "kubelet-authz.io/plan"

    /// `roles` and `bindings` with the change laid over them: same kind, namespace and name
    /// replaces; anything else is added.
    public func overlay(roles: [Role], bindings: [Binding]) -> (roles: [Role], bindings: [Binding]) {
        struct Key: Hashable { let kind: String, namespace: String, name: String }
        var r = roles, b = bindings
        var ri = Dictionary(r.indices.map { (Key(kind: r[$0].kind.rawValue, namespace: r[$0].namespace, name: r[$0].name), $0) }, uniquingKeysWith: { _, last in last })
        for c in self.roles {
            let k = Key(kind: c.role.kind.rawValue, namespace: c.role.namespace, name: c.role.name)
            if let i = ri[k] { r[i] = c.role } else { ri[k] = r.count; r.append(c.role) }
        }
        var bi = Dictionary(b.indices.map { (Key(kind: b[$0].kind.rawValue, namespace: b[$0].namespace, name: b[$0].name), $0) }, uniquingKeysWith: { _, last in last })
        for c in self.bindings {
            let k = Key(kind: c.binding.kind.rawValue, namespace: c.binding.namespace, name: c.binding.name)
            if let i = bi[k] { b[i] = c.binding } else { bi[k] = b.count; b.append(c.binding) }
        }
        return (r, b)
    }

    /// `rule` without its explicit kubelet resources (`nodes/<subresource>`), or nil when
    /// nothing else is left in it. With `only`, just those resources go: a plan strips what the
    /// subject holds at the target release, and keeps a subresource that release does not
    /// check (`nodes/pods` planned for 1.31), which newer kubelets of a mixed cluster check first.
    public static func withoutKubeletResources(_ rule: PolicyRule, only: Set<String>? = nil) -> PolicyRule? {
        guard RuleMatcher.apiGroupMatches(rule, "") else { return rule }
        var r = rule
        let kubelet = only ?? Set(KubeletPermissions.subresources.map { "nodes/" + $0 })
        r.resources.removeAll { kubelet.contains($0) }
        if r.resources.count == rule.resources.count { return rule }
        return r.resources.isEmpty && r.nonResourceURLs.isEmpty ? nil : r
    }

    /// The rules of a planned grant: one per set of pinned nodes and verb, subresources most
    /// powerful first.
    public static func rules(for planned: [PlannedPermission]) -> [PolicyRule] {
        let groups = Dictionary(grouping: planned, by: { $0.nodes ?? [] })
        return groups.keys.sorted { $0.lexicographicallyPrecedes($1) }.flatMap { nodes in
            KubeletNeeds.rules(Set(groups[nodes]!.map(\.permission))).map {
                PolicyRule(verbs: $0.verbs, apiGroups: [""], resources: $0.resources, resourceNames: nodes)
            }
        }
    }

    /// The name of a subject's own ClusterRole and ClusterRoleBinding.
    public static func ownName(_ key: SubjectKey) -> String {
        switch key.kind {
        case Subject.serviceAccountKind: return "kubelet-authz:serviceaccount:\(key.namespace):\(key.name)"
        default: return "kubelet-authz:\(key.kind.lowercased()):\(key.name)"
        }
    }
}

/// Builds the change for the subjects a plan narrows.
public struct RBACChangeBuilder {
    /// ClusterRole name → the bindings that refer to it.
    let bindingsByRole: [String: [Binding]]
    let aggregators: [LabelSelector]

    public init(roles: [Role], bindings: [Binding]) {
        var byRole: [String: [Binding]] = [:]
        for b in bindings where b.roleRef.kind == "ClusterRole" { byRole[b.roleRef.name, default: []].append(b) }
        bindingsByRole = byRole
        aggregators = roles.flatMap { $0.aggregationRule ?? [] }
    }

    /// Why the plan cannot rewrite this subject's grants, or nil when it can: a rule that
    /// grants kubelet access through wildcards cannot lose it without losing the rest.
    public static func manualReason(_ subject: InventorySubject) -> String? {
        for p in subject.allGrants {
            let rest = RBACChange.withoutKubeletResources(p.rule)
            if let rest, !KubeletAccessInventory.kubeletGrants(of: rest).isEmpty {
                return "\(p.role.kind.rawValue) \(p.role.name) (rule \(p.ruleIndex + 1): \(p.rule.summary)) grants kubelet access through wildcards; narrow it by hand"
            }
        }
        return nil
    }

    /// A role editing which changes nobody's access but this subject's.
    func isOwnedBy(_ role: Role, _ key: SubjectKey) -> Bool {
        if role.aggregationRule != nil { return false }
        if role.labels["kubernetes.io/bootstrapping"] == "rbac-defaults" { return false }
        if aggregators.contains(where: { (try? $0.matches(role.labels)) ?? true }) { return false }
        return (bindingsByRole[role.name] ?? []).allSatisfy { b in b.subjects.allSatisfy { SubjectKey($0) == key } }
    }

    /// The change for every plan that narrows its subject.
    public func build(_ plans: [SubjectPlan], inventory: [SubjectKey: InventorySubject]) -> RBACChange {
        var change = RBACChange()
        var removals: [String: (binding: Binding, leaving: [SubjectKey], comments: [String])] = [:]
        var removalOrder: [String] = []
        for plan in plans where plan.changes {
            guard let subject = inventory[plan.key] else { continue }
            let why = Self.comments(plan)
            // Each (binding, role) that gives the subject kubelet access, once.
            var pairs: [(binding: Binding, role: Role)] = []
            // The role as the policy resolved it: an aggregating role's rules are the ones the
            // controller unioned in, which a copy must keep (its stored `rules` may be empty).
            for p in subject.allGrants where !pairs.contains(where: { $0.binding.name == p.binding.name && $0.binding.kind == p.binding.kind }) {
                pairs.append((p.binding, p.role))
            }
            let planned = RBACChange.rules(for: plan.planned)
            let heldResources = Set(plan.held.map(\.permission.resource))
            let strip = { (rule: PolicyRule) in RBACChange.withoutKubeletResources(rule, only: heldResources) }
            let own = pairs.filter { isOwnedBy($0.role, plan.key) && $0.binding.subjects.allSatisfy { SubjectKey($0) == plan.key } }
            if pairs.count == 1, own.count == 1 {
                // Its own role: narrowed where it is.
                var role = own[0].role
                role.rules = role.rules.compactMap(strip) + planned
                role.annotations[RBACChange.planAnnotation] = "kubelet access narrowed for \(plan.key)"
                change.roles.append(.init(role: role, isNew: false, comments: ["Replaces ClusterRole \(role.name): kubelet access of \(plan.key) narrowed, its other rules unchanged."] + why))
                continue
            }
            var ownRules = planned
            for (binding, role) in pairs {
                if own.contains(where: { $0.binding.name == binding.name }) {
                    // Two bindings of this subject alone to one role: it is narrowed once.
                    if change.roles.contains(where: { !$0.isNew && $0.role.name == role.name }) { continue }
                    var r = role
                    r.rules = r.rules.compactMap(strip)
                    r.annotations[RBACChange.planAnnotation] = "kubelet access moved to \(RBACChange.ownName(plan.key))"
                    change.roles.append(.init(role: r, isNew: false, comments: ["Replaces ClusterRole \(r.name): its kubelet rules move to \(RBACChange.ownName(plan.key)); its other rules unchanged."]))
                } else {
                    // Shared: the subject keeps its other access from a copy, and leaves the binding.
                    for rule in role.rules.compactMap(strip) where !ownRules.contains(rule) { ownRules.append(rule) }
                    if removals[binding.name] == nil {
                        removals[binding.name] = (binding, [], [])
                        removalOrder.append(binding.name)
                    }
                    removals[binding.name]!.leaving.append(plan.key)
                    removals[binding.name]!.comments.append("\(plan.key) leaves this binding: it is shared (ClusterRole \(role.name) is bound to others too, or so is the binding)" + (planned.isEmpty && role.rules.allSatisfy { strip($0) == nil } ? "; it needs none of its access." : "; its access moves to \(RBACChange.ownName(plan.key))."))
                    removals[binding.name]!.comments += why.map { "  \(plan.key) " + $0 }
                }
            }
            let name = RBACChange.ownName(plan.key)
            // Nothing left to grant (no kubelet need, no other access from a shared role): leaving
            // the shared bindings is the whole change.
            guard !ownRules.isEmpty else { continue }
            let labels = [RBACChange.managedBy.0: RBACChange.managedBy.1]
            let annotations = [RBACChange.planAnnotation: "kubelet access of \(plan.key)"]
            change.roles.append(.init(role: Role(kind: .clusterRole, name: name, rules: ownRules, labels: labels, annotations: annotations),
                                      isNew: true, comments: ["New: \(plan.key)'s own ClusterRole, with its narrowed kubelet grant."] + why))
            change.bindings.append(.init(binding: Binding(kind: .clusterRoleBinding, name: name, roleRef: RoleRef(kind: "ClusterRole", name: name),
                                                          subjects: [plan.subject], labels: labels, annotations: annotations),
                                         isNew: true, comments: ["New: binds \(name) to \(plan.key)."]))
        }
        for name in removalOrder {
            var (binding, leaving, comments) = removals[name]!
            binding.subjects.removeAll { leaving.contains(SubjectKey($0)) }
            binding.annotations[RBACChange.planAnnotation] = "removed " + leaving.map(\.description).joined(separator: ", ")
            change.bindings.append(.init(binding: binding, isNew: false, comments: ["Replaces \(binding.kind.rawValue) \(binding.name) without \(leaving.map(\.description).joined(separator: ", ")); its other subjects unchanged."] + comments))
        }
        return change
    }

    /// The evidence behind a subject's change, one line each.
    static func comments(_ plan: SubjectPlan) -> [String] {
        var out: [String] = []
        if let g = plan.governance, let owner = g.owner { out.append("owner: \(owner) (\(g.origin.description))") }
        let approved = plan.approvedButRemoved
        if !approved.isEmpty { out.append("the governance record approves \(approved.map(\.text).joined(separator: ", ")): change it with this RBAC") }
        for r in plan.removed { out.append("drops \(r.text): \(r.reasons.joined(separator: "; "))") }
        for p in plan.planned { out.append("keeps \(p.text): \(p.reasons.joined(separator: "; "))") }
        return out
    }
}
