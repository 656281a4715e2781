import KubeletModel
import RBAC

/// What a subject holds on one `nodes/<subresource>`.
public struct SubresourceAccess: Hashable, Sendable {
    /// Kubelet verbs granted (`get`, `create`, `update`, `patch`, `delete`, or `*`), sorted.
    public var verbs: [String]
    /// `nil` = every node; otherwise the node names the grants are pinned to.
    public var nodes: [String]?
    public var via: [GrantPath]

    /// Whether one of the granting rules allows `verb` on some node (or on `node`). Judged per
    /// rule: `create` pinned to one node and `get` on all do not make `create` on all.
    public func allows(_ verb: String, node: String? = nil) -> Bool {
        via.contains { p in
            RuleMatcher.verbMatches(p.rule, verb) && (node.map { RuleMatcher.resourceNameMatches(p.rule, $0) } ?? true)
        }
    }
}

/// A kubelet path family a subject can reach at the scan's release.
public struct ReachablePath: Hashable, Sendable {
    public let endpoint: KubeletEndpoint
    public let methods: [String]
    public let subresource: String
    /// Only through the `nodes/proxy` fallback.
    public let viaFallback: Bool
}

/// Every subject that holds any permission a kubelet can use, with the chains that grant it.
public struct InventorySubject: Hashable, Sendable {
    public let subject: Subject
    public fileprivate(set) var access: [String: SubresourceAccess]
    public var paths: [ReachablePath] = []
    public var serviceAccountExists: Bool? = nil
    public var workloads: [String] = []

    public var execCapable: Bool { paths.contains { $0.endpoint.canExecuteCommands } }

    /// Every grant, in subresource order (most powerful first) — never in dictionary order,
    /// so reports come out the same on every run.
    /// Worked out once with `access`, which only the inventory sets: reports and findings ask
    /// for it many times per subject.
    public fileprivate(set) var allGrants: [GrantPath] = []

    static func allGrants(of access: [String: SubresourceAccess]) -> [GrantPath] {
        var out: [GrantPath] = []
        for sub in KubeletPermissions.subresources { for p in access[sub]?.via ?? [] where !out.contains(p) { out.append(p) } }
        return out
    }
    public var capabilities: [KubeletCapability] {
        var seen: [KubeletCapability] = []
        for p in paths { for c in p.endpoint.capabilities where !seen.contains(c) { seen.append(c) } }
        return KubeletCapability.allCases.filter(seen.contains)
    }
    public var key: SubjectKey { SubjectKey(subject) }
}

/// Builds the inventory from the effective RBAC state, judging every rule with the same
/// `RuleMatcher` the authorizer uses so the two cannot drift apart.
public enum KubeletAccessInventory {
    /// Only subresources this release checks count: a grant of `nodes/spec` at 1.36 is no
    /// kubelet access (the ineffective-grant finding speaks of it instead).
    public static func build(policy: RBACPolicy, profile: KubeletProfile) -> [InventorySubject] {
        let checked = Set(KubeletVocabulary(profile: profile).checked.map(\.rawValue))
        var order: [SubjectKey] = []
        var bySubject: [SubjectKey: InventorySubject] = [:]
        // Most bindings point at roles with no kubelet rule (view, edit, an operator's own): judge
        // each role's rules once, not once per binding.
        var grantsByRole: [String: [(ruleIndex: Int, grants: [String: [String]])]] = [:]
        for binding in policy.clusterRoleBindings {
            guard binding.roleRef.kind == "ClusterRole" else { continue }
            let judged: [(ruleIndex: Int, grants: [String: [String]])]
            if let known = grantsByRole[binding.roleRef.name] { judged = known } else {
                guard case .success(let role) = policy.resolve(binding.roleRef, bindingNamespace: "") else { continue }
                judged = role.rules.indices.compactMap { i in
                    let g = kubeletGrants(of: role.rules[i], checked: checked)
                    return g.isEmpty ? nil : (i, g)
                }
                grantsByRole[binding.roleRef.name] = judged
            }
            if judged.isEmpty { continue }
            guard case .success(let role) = policy.resolve(binding.roleRef, bindingNamespace: "") else { continue }
            for (ruleIndex, grants) in judged {
                let rule = role.rules[ruleIndex]
                let path = GrantPath(binding: binding, role: role, ruleIndex: ruleIndex)
                var seenSubjects = Set<SubjectKey>()
                for subject in binding.subjects where WhoCanIndex.canMatchAtClusterScope(subject) {
                    let key = SubjectKey(subject)
                    guard seenSubjects.insert(key).inserted else { continue }
                    if bySubject[key] == nil {
                        order.append(key)
                        bySubject[key] = InventorySubject(subject: subject, access: [:])
                    }
                    for (sub, verbs) in grants {
                        // In place: a copy taken out and stored back would copy `via` each time.
                        add(verbs, rule: rule, path: path, to: &bySubject[key]!.access[sub, default: SubresourceAccess(verbs: [], nodes: [], via: [])])
                    }
                }
            }
        }
        // Subjects granted alike (a DaemonSet's ServiceAccount in every namespace, one role bound
        // many times) open the same paths: each distinct grant shape is worked out once.
        let table = ReleaseEndpointChecks(profile: profile)
        var pathsByShape: [[String: Set<[String]>]: [ReachablePath]] = [:]
        return order.sorted().map { key in
            var s = bySubject[key]!
            s.allGrants = InventorySubject.allGrants(of: s.access)
            let shape = s.access.mapValues { Set($0.via.map(\.rule.verbs)) }
            if let known = pathsByShape[shape] {
                s.paths = known
            } else {
                s.paths = reachablePaths(s.access, table: table)
                pathsByShape[shape] = s.paths
            }
            return s
        }
    }

    static func add(_ verbs: [String], rule: PolicyRule, path: GrantPath, to a: inout SubresourceAccess) {
        for v in verbs where !a.verbs.contains(v) { a.verbs.append(v) }
        a.verbs.sort { KubeletPermissions.verbOrder($0) < KubeletPermissions.verbOrder($1) }
        if rule.resourceNames.isEmpty {
            a.nodes = nil
        } else if a.nodes != nil {
            for n in rule.resourceNames where !a.nodes!.contains(n) { a.nodes!.append(n) }
            a.nodes!.sort()
        }
        if !a.via.contains(path) { a.via.append(path) }
    }

    /// Subresource → kubelet verbs this rule grants (node names aside), exactly as
    /// `RuleMatcher` would allow them, among `checked` (default: every name any release checks).
    public static func kubeletGrants(of rule: PolicyRule, checked: Set<String>? = nil) -> [String: [String]] {
        guard RuleMatcher.apiGroupMatches(rule, ""),
              rule.resources.contains(where: { $0 == "*" || $0.hasPrefix("nodes/") || $0.hasPrefix("*/") }) else { return [:] }
        var out: [String: [String]] = [:]
        for sub in KubeletPermissions.subresources where checked?.contains(sub) ?? true
        && RuleMatcher.resourceMatches(rule, combined: "nodes/" + sub, subresource: sub) {
            var verbs: [String] = []
            if rule.verbs.contains("*") { verbs = ["*"] } else {
                for v in KubeletPermissions.verbs where !v.isEmpty && RuleMatcher.verbMatches(rule, v) { verbs.append(v) }
            }
            if !verbs.isEmpty { out[sub] = verbs }
        }
        return out
    }

    /// The endpoint families these grants open at this release, method by method, following
    /// the kubelet's own check order.
    public static func reachablePaths(_ access: [String: SubresourceAccess], profile: KubeletProfile) -> [ReachablePath] {
        reachablePaths(access, table: ReleaseEndpointChecks(profile: profile))
    }

    /// Which paths open depends only on the verbs of the rules behind each subresource
    /// (`SubresourceAccess.allows` without a node), so `build` may share the answer between
    /// subjects whose grants have the same shape.
    static func reachablePaths(_ access: [String: SubresourceAccess], table: ReleaseEndpointChecks) -> [ReachablePath] {
        var out: [ReachablePath] = []
        for entry in table.entries {
            var okMethods: [String] = []
            var via: (String, Bool)? = nil
            for (method, checks) in entry.methods {
                if let i = checks.firstIndex(where: { access[$0.subresource]?.allows($0.verb) ?? false }) {
                    okMethods.append(method)
                    if via == nil || (via!.1 && i == 0) { via = (checks[i].subresource, i > 0) }
                }
            }
            if let via, !okMethods.isEmpty {
                out.append(ReachablePath(endpoint: entry.endpoint, methods: entry.endpoint.methods.contains("*") ? ["*"] : okMethods,
                                         subresource: via.0, viaFallback: via.1))
            }
        }
        return out
    }
}

/// The kubelet's checks for every endpoint it serves at one release, method by method: the
/// same for every subject, so mapped once per scan rather than once per subject.
struct ReleaseEndpointChecks {
    struct Entry {
        let endpoint: KubeletEndpoint
        let methods: [(method: String, checks: [KubeletCheck])]
    }
    let entries: [Entry]

    init(profile: KubeletProfile) {
        entries = KubeletEndpointCatalogue.all.filter { $0.isServed(by: profile) }.map { endpoint in
            let methods = endpoint.methods.contains("*") ? ["GET"] : endpoint.methods
            let path = KubeletEndpointCatalogue.samplePath(endpoint)
            return Entry(endpoint: endpoint, methods: methods.map { ($0, KubeletAttributeMapper.checks(method: $0, path: path, profile: profile)) })
        }
    }
}
