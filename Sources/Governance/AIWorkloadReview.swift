import Cluster
import Evidence
import KubeletModel
import RBAC

/// What kubelet access shows of a workload, in the review's words.
public enum EvidenceKind: String, CaseIterable, Sendable, Comparable {
    /// Container and node logs: prompts, user data, tool outputs.
    case logs
    /// Pod specs: environment values, model ids, sometimes tokens.
    case podSpecs
    /// Metrics, labelled with tenants and models.
    case metrics
    case stats
    /// Commands in containers (exec, attach).
    case exec

    public static func < (a: EvidenceKind, b: EvidenceKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The kinds a tenant boundary is about: what is read out of another tenant's workload.
    public static let sensitive: Set<EvidenceKind> = [.logs, .podSpecs, .exec]

    public var label: String {
        switch self {
        case .logs: return "logs"
        case .podSpecs: return "pod specs"
        case .metrics: return "metrics"
        case .stats: return "stats"
        case .exec: return "exec"
        }
    }

    /// Node logs count as logs: `/logs/` serves `/var/log`, where the container logs are.
    static func of(_ c: KubeletCapability) -> EvidenceKind? {
        switch c {
        case .readContainerLogs, .readNodeLogs: return .logs
        case .readPodSpecs: return .podSpecs
        case .readMetrics: return .metrics
        case .readStats: return .stats
        case .commandExecution, .attach: return .exec
        default: return nil
        }
    }

    public static func text(_ kinds: some Sequence<EvidenceKind>) -> String {
        kinds.sorted().map(\.label).joined(separator: ", ")
    }
}

/// A pod placed on a node (`spec.nodeName`), and whether its ServiceAccount token is there.
public struct PlacedPod: Hashable, Sendable, CustomStringConvertible {
    public let namespace: String
    public let name: String
    public let node: String
    public let tokenMounted: Bool
    public var source: SourceLocation? = nil

    public var description: String { "\(namespace)/\(name) on \(node)" }
}

/// A ServiceAccount whose token exec on some node yields, and what it may do beyond the
/// subject that takes it.
public struct ReachedIdentity: Hashable, Sendable {
    public let serviceAccount: SubjectKey
    /// Powers the exec-capable subject does not hold itself, most powerful first.
    public let powers: [IdentityPower]
    /// Pods with the token mounted: each is a way to it.
    public let pods: [PlacedPod]
    /// Pods of the same ServiceAccount without a mounted token (`automountServiceAccountToken:
    /// false` on the pod or its ServiceAccount): exec there yields nothing.
    public let podsWithoutToken: [PlacedPod]

    /// The strongest power (`powers` is ordered so): cluster-wide before namespaced.
    public var strongestPower: IdentityPower? { powers.first }
    public var strongest: IdentityPower.Kind { strongestPower?.kind ?? .createPods }
    public var reachable: Bool { !pods.isEmpty }

    /// Everything, or the means to grant itself everything: impersonation (of a cluster
    /// administrator), or escalate and bind together (write a role with every permission and
    /// bind it). Cluster-wide powers only: a namespace's are bounded by it.
    public var amountsToEverything: Bool {
        let kinds = Set(powers.filter { $0.namespace == nil }.map(\.kind))
        return reachable && (kinds.contains(.everything) || kinds.contains(.impersonate) || kinds.isSuperset(of: [.escalate, .bind]))
    }
}

/// Where one subject's node-level access crosses into another tenant's pods.
public struct TenantCrossing: Hashable, Sendable {
    public let tenant: String
    /// The first `AIWorkloadReview.listLimit` nodes, in name order; `nodeCount` says how many.
    public let nodes: [String]
    public let nodeCount: Int
    public let kinds: [EvidenceKind]
}

/// What one subject's kubelet access shows of AI workloads and other tenants, and what its
/// exec leads to.
public struct AISubjectReview: Hashable, Sendable {
    public let subject: SubjectKey
    /// The catalogue agent its workloads were recognised as.
    public let collector: String?
    public let tenant: String?
    /// AI node → what the subject can see there: the first `AIWorkloadReview.listLimit`.
    public let aiNodes: [(node: String, kinds: [EvidenceKind])]
    /// On how many AI nodes the subject sees anything.
    public let aiNodeCount: Int
    /// The first `AIWorkloadReview.listLimit` tenants reached, in name order.
    public let crossTenant: [TenantCrossing]
    /// How many other tenants the subject reaches in all.
    public let crossTenantCount: Int
    /// It reaches every other tenant with placed pods, on all their nodes (what it sees on
    /// every node is enough).
    public let crossesEveryOtherTenant: Bool
    /// Identities reached through exec whose powers the subject lacks (with or without a
    /// mounted token), strongest first: the first `AIWorkloadReview.listLimit`.
    public let escalations: [ReachedIdentity]
    /// How many such identities in all.
    public let escalationCount: Int
    /// The binding chain that gives the subject nodes/proxy (exec), for the rendered path.
    public let execGrant: GrantPath?
    /// Nodes (with placed pods) the subject can exec on.
    public let execNodes: Int

    public static func == (a: AISubjectReview, b: AISubjectReview) -> Bool {
        a.subject == b.subject && a.collector == b.collector && a.tenant == b.tenant && a.crossTenant == b.crossTenant
            && a.crossTenantCount == b.crossTenantCount && a.aiNodeCount == b.aiNodeCount && a.crossesEveryOtherTenant == b.crossesEveryOtherTenant
            && a.escalations == b.escalations && a.escalationCount == b.escalationCount && a.execGrant == b.execGrant && a.execNodes == b.execNodes
            && a.aiNodes.map(\.node) == b.aiNodes.map(\.node) && a.aiNodes.map(\.kinds) == b.aiNodes.map(\.kinds)
    }

    public func hash(into h: inout Hasher) { h.combine(subject) }

    public var reachableEscalations: [ReachedIdentity] { escalations.filter(\.reachable) }
}

/// Do the audit logs keep the kubelet's failed SubjectAccessReviews? From the blind-spot
/// analysis of the evidence, when the scan has some.
public enum AuditRetention: Hashable, Sendable {
    case noEvidence
    case kept
    case lost([String])

    public var answer: String {
        switch self {
        case .noEvidence: return "unknown: no audit log was given (--audit)"
        case .kept: return "yes: the kubelet's SubjectAccessReviews are logged with caller and verdict"
        case .lost: return "no"
        }
    }
}

/// The AI-workload review: which nodes run AI workloads (and why we think so), what each
/// subject with kubelet access can see there, where node-level access crosses tenants,
/// whether the audit log would show it, and what exec leads to.
public struct AIWorkloadReview: Sendable {
    public var tenantLabel: String?
    public var aiNodes: [AINode]
    public var subjects: [AISubjectReview]
    public var audit: AuditRetention
    /// Pods with a `nodeName`: the only placement the review follows (controllers' templates
    /// say nothing about where their pods run).
    public var placedPods: Int

    /// Lists of tenants, nodes and pods stop here (with their full count): on a large cluster an
    /// agent on every node reaches every namespace, and the report must stay readable.
    public static let listLimit = 20

    static let blindToVerdicts: Set<BlindSpot.Kind> = [.metadataLevel, .missingResponse, .policyLevel, .policyShadowed, .policyOmitsResponseComplete]

    public static func audit(_ evidence: ScanEvidence?) -> AuditRetention {
        guard let evidence else { return .noEvidence }
        let lost = evidence.blindSpots.filter { blindToVerdicts.contains($0.kind) }.map(\.message)
        return lost.isEmpty ? .kept : .lost(lost)
    }

    public static func build(subjects: [ScanSubject], snapshot: ClusterSnapshot, policy: RBACPolicy, profile: KubeletProfile,
                             evidence: ScanEvidence?, tenants: TenantScheme, apiServerKubeletClient: String) -> AIWorkloadReview {
        let placed = snapshot.workloads.filter { $0.kind == "Pod" && !($0.nodeName ?? "").isEmpty }
        let aiNodes = AINodeRecognizer.recognise(nodes: snapshot.nodes, placedPods: placed)
        var labels: [String: [String: String]] = [:]
        for n in snapshot.namespaces { labels[n.name] = n.labels }

        // Token mounting: the pod's own setting wins over its ServiceAccount's (default true).
        struct SAKey: Hashable { let namespace: String, name: String }
        let wanted = Set(placed.map { SAKey(namespace: $0.namespace, name: $0.serviceAccountName) })
        var saAutomount: [SAKey: Bool] = [:]
        for sa in snapshot.serviceAccounts {
            let k = SAKey(namespace: sa.namespace, name: sa.name)
            if wanted.contains(k), let a = sa.automountServiceAccountToken { saAutomount[k] = a }
        }
        var podsByNode: [String: [(pod: PlacedPod, sa: SubjectKey)]] = [:]
        var tenantsByNode: [String: Set<String>] = [:]
        for w in placed {
            let node = w.nodeName!
            let mounted = w.automountServiceAccountToken ?? saAutomount[SAKey(namespace: w.namespace, name: w.serviceAccountName)] ?? true
            podsByNode[node, default: []].append((PlacedPod(namespace: w.namespace, name: w.name, node: node, tokenMounted: mounted, source: w.source),
                                                  SubjectKey(kind: Subject.serviceAccountKind, name: w.serviceAccountName, namespace: w.namespace)))
            if let t = tenants.tenant(of: w.namespace, labels: labels) { tenantsByNode[node, default: []].insert(t) }
        }
        let podNodes = podsByNode.keys.sorted()
        var nodesByTenant: [String: [String]] = [:]
        for node in podNodes { for t in tenantsByNode[node] ?? [] { nodesByTenant[t, default: []].append(node) } }

        let checks = ReleaseEndpointChecks(profile: profile)
        let powers = PowerCache(index: IdentityPowerIndex(policy: policy))
        // Keyed by the number of the exec node list (`ExecNodeLists`), not the list: hashing and
        // comparing thousands of node names for every subject cost more than the review itself.
        var reachedByNodes: [Int: [ReachedIdentity]] = [:]
        var execNodeLists = ExecNodeLists()
        var execNodesByReach: [NodeReach: (nodes: [String], id: Int)] = [:]
        let aiNodeIndex = Dictionary(aiNodes.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        let allTenants = nodesByTenant.keys.sorted()
        // A tenant's subjects granted alike cross into the same tenants.
        struct CrossingKey: Hashable { let reach: NodeReach, tenant: String }
        var seenByKinds: [Set<EvidenceKind>: ([(node: String, kinds: [EvidenceKind])], Int)] = [:]
        var crossingsByKey: [CrossingKey: ([TenantCrossing], Int, Bool)] = [:]
        // Subjects with the same exec nodes and the same powers of their own escalate alike; the
        // positions of ServiceAccounts in the list find a subject's own token without a walk.
        struct EscalationKey: Hashable { let nodes: Int, own: Set<IdentityPower.Scope> }
        var escalationsByKey: [EscalationKey: (all: [ReachedIdentity], at: [SubjectKey: Int])] = [:]

        var out: [AISubjectReview] = []
        for s in subjects where ControlPlaneAccess.role(of: s.key, apiServerKubeletClient: apiServerKubeletClient) == nil {
            // Cheap to work out (a few dozen checks); what follows from it is shared between
            // subjects that see the same on the same nodes.
            let reach = NodeReach(s.inventory, checks: checks)
            guard reach.seesAnything else { continue }
            var seen: [(node: String, kinds: [EvidenceKind])] = []
            var seenCount = 0
            if reach.onPinned.isEmpty, let known = seenByKinds[reach.elsewhere] { (seen, seenCount) = known } else {
                (seen, seenCount) = Self.seen(on: aiNodes, index: aiNodeIndex, reach: reach)
                if reach.onPinned.isEmpty { seenByKinds[reach.elsewhere] = (seen, seenCount) }
            }
            let tenant = tenants.tenant(of: s.key, labels: labels)
            var crossings: [TenantCrossing] = []
            var crossingCount = 0
            var everyOther = false
            if let tenant {
                let key = CrossingKey(reach: reach, tenant: tenant)
                if let known = crossingsByKey[key] { (crossings, crossingCount, everyOther) = known } else {
                    (crossings, crossingCount, everyOther) = Self.crossings(of: tenant, reach: reach, tenantsByNode: tenantsByNode,
                                                                            nodesByTenant: nodesByTenant, allTenants: allTenants)
                    crossingsByKey[key] = (crossings, crossingCount, everyOther)
                }
            }
            // Unpinned access is the same on every node; pinned-only access is on its nodes.
            let execNodes: [String], execNodesID: Int
            if reach.onPinned.isEmpty {
                (execNodes, execNodesID) = reach.elsewhere.contains(.exec) ? (podNodes, ExecNodeLists.everyNode) : ([], ExecNodeLists.none)
            } else if let known = execNodesByReach[reach] { (execNodes, execNodesID) = known } else {
                let withoutExec = Set(reach.onPinned.filter { !$0.value.contains(.exec) }.keys)
                if !reach.elsewhere.contains(.exec) {
                    execNodes = reach.pinned.filter { podsByNode[$0] != nil && !withoutExec.contains($0) }.sorted()
                    execNodesID = execNodeLists.id(of: execNodes)
                } else if withoutExec.isEmpty {
                    (execNodes, execNodesID) = (podNodes, ExecNodeLists.everyNode)
                } else {
                    execNodes = podNodes.filter { !withoutExec.contains($0) }
                    execNodesID = execNodeLists.id(of: execNodes)
                }
                execNodesByReach[reach] = (execNodes, execNodesID)
            }
            var escalations: [ReachedIdentity] = []
            var escalationCount = 0
            if !execNodes.isEmpty {
                let key = EscalationKey(nodes: execNodesID, own: Set(powers.of(s.key).map(\.scope)))
                let all: [ReachedIdentity], at: [SubjectKey: Int]
                if let known = escalationsByKey[key] { (all, at) = known } else {
                    // Subjects alike (every unpinned exec grant) reach the same pods: worked out once.
                    let reached: [ReachedIdentity]
                    if let known = reachedByNodes[execNodesID] { reached = known } else {
                        reached = Self.reached(on: execNodes, podsByNode: podsByNode, powers: powers)
                        reachedByNodes[execNodesID] = reached
                    }
                    all = Self.beyond(key.own, reached)
                    at = Dictionary(all.enumerated().map { ($1.serviceAccount, $0) }, uniquingKeysWith: { a, _ in a })
                    escalationsByKey[key] = (all, at)
                }
                // Its own token is no escalation.
                let mine = s.key.kind == Subject.serviceAccountKind ? at[s.key] : nil
                escalationCount = all.count - (mine == nil ? 0 : 1)
                for (i, r) in all.enumerated() where i != mine {
                    if escalations.count == listLimit { break }
                    escalations.append(r)
                }
            }
            guard !seen.isEmpty || !crossings.isEmpty || !escalations.isEmpty else { continue }
            out.append(AISubjectReview(subject: s.key, collector: s.collector?.collector.id, tenant: tenant, aiNodes: seen, aiNodeCount: seenCount,
                                       crossTenant: crossings, crossTenantCount: crossingCount,
                                       crossesEveryOtherTenant: everyOther, escalations: escalations,
                                       escalationCount: escalationCount,
                                       execGrant: s.inventory.access[KubeletSubresource.proxy.rawValue]?.via.first,
                                       execNodes: execNodes.count))
        }
        return AIWorkloadReview(tenantLabel: tenants.label, aiNodes: aiNodes, subjects: out, audit: audit(evidence), placedPods: placed.count)
    }

    /// The AI nodes where the subject sees anything: the first `listLimit`, and how many. Only
    /// the pinned nodes see other than `elsewhere`, so they are looked up by position and the
    /// rest is counted, not walked.
    static func seen(on aiNodes: [AINode], index: [String: Int], reach: NodeReach) -> ([(node: String, kinds: [EvidenceKind])], Int) {
        var pinned: [Int: Set<EvidenceKind>] = [:]
        for (name, kinds) in reach.onPinned { if let i = index[name] { pinned[i] = kinds } }
        let elsewhere = reach.elsewhere.sorted()
        var seen: [(node: String, kinds: [EvidenceKind])] = []
        for (i, n) in aiNodes.enumerated() {
            if seen.count == listLimit { break }
            if let k = pinned[i] {
                if !k.isEmpty { seen.append((n.name, k.sorted())) }
            } else if !elsewhere.isEmpty {
                seen.append((n.name, elsewhere))
            }
        }
        let pinnedSeeing = pinned.values.filter { !$0.isEmpty }.count
        let count = elsewhere.isEmpty ? pinnedSeeing : aiNodes.count - (pinned.count - pinnedSeeing)
        return (seen, count)
    }

    /// The other tenants whose pods run where the subject reads logs or pod specs, or execs.
    static func crossings(of tenant: String, reach: NodeReach, tenantsByNode: [String: Set<String>],
                          nodesByTenant: [String: [String]], allTenants: [String]) -> (shown: [TenantCrossing], count: Int, everyOther: Bool) {
        let everywhere = reach.elsewhere.intersection(EvidenceKind.sensitive)
        // A pinned node sees at least what every node sees: only the pinned nodes are walked.
        var onPinned: [String: (nodes: [String], kinds: Set<EvidenceKind>)] = [:]
        for node in reach.pinned.sorted() {
            let sensitive = reach.kinds(on: node).intersection(EvidenceKind.sensitive)
            guard !sensitive.isEmpty else { continue }
            for other in tenantsByNode[node] ?? [] where other != tenant {
                onPinned[other, default: ([], [])].nodes.append(node)
                onPinned[other]!.kinds.formUnion(sensitive)
            }
        }
        // Every other tenant on all its nodes when something is seen everywhere, else those on
        // the pinned nodes.
        let others = everywhere.isEmpty ? onPinned.keys.sorted() : allTenants.filter { $0 != tenant }
        let shown = others.prefix(listLimit).map { t in
            let nodes = everywhere.isEmpty ? onPinned[t]!.nodes : nodesByTenant[t]!
            return TenantCrossing(tenant: t, nodes: Array(nodes.prefix(listLimit)), nodeCount: nodes.count,
                                  kinds: everywhere.union(onPinned[t]?.kinds ?? []).sorted())
        }
        return (shown, others.count, !everywhere.isEmpty && !others.isEmpty)
    }

    /// The reached identities with powers beyond `own`, strongest first; none when `own` is
    /// everything.
    static func beyond(_ own: Set<IdentityPower.Scope>, _ reached: [ReachedIdentity]) -> [ReachedIdentity] {
        guard !own.contains(IdentityPower.Scope(kind: .everything, namespace: nil)) else { return [] }
        var out: [ReachedIdentity] = []
        for r in reached {
            let extra = r.powers.filter { !$0.isCovered(by: own) }
            if !extra.isEmpty { out.append(ReachedIdentity(serviceAccount: r.serviceAccount, powers: extra, pods: r.pods, podsWithoutToken: r.podsWithoutToken)) }
        }
        // Ranked once per key: reachable first, then by the strongest power (cluster-wide before
        // kube-system before other namespaces), then by name.
        let ranks = out.map { ($0.reachable ? 0 : 1, $0.strongestPower?.rank.scope ?? 3, $0.strongest.rawValue) }
        return out.indices.sorted { i, j in
            ranks[i] != ranks[j] ? ranks[i] < ranks[j] : out[i].serviceAccount < out[j].serviceAccount
        }.map { out[$0] }
    }

    /// Every ServiceAccount with a power whose pods run on these nodes.
    static func reached(on nodes: [String], podsByNode: [String: [(pod: PlacedPod, sa: SubjectKey)]], powers: PowerCache) -> [ReachedIdentity] {
        var order: [SubjectKey] = []
        var pods: [SubjectKey: (with: [PlacedPod], without: [PlacedPod])] = [:]
        for node in nodes {
            for (pod, sa) in podsByNode[node] ?? [] {
                if pods[sa] == nil { order.append(sa); pods[sa] = ([], []) }
                if pod.tokenMounted { pods[sa]!.with.append(pod) } else { pods[sa]!.without.append(pod) }
            }
        }
        return order.sorted().compactMap { sa in
            let p = powers.of(sa)
            guard !p.isEmpty else { return nil }
            return ReachedIdentity(serviceAccount: sa, powers: p, pods: pods[sa]!.with, podsWithoutToken: pods[sa]!.without)
        }
    }
}

/// Powers by identity, each worked out once per review.
final class PowerCache: @unchecked Sendable {
    let index: IdentityPowerIndex
    var known: [SubjectKey: [IdentityPower]] = [:]
    init(index: IdentityPowerIndex) { self.index = index }
    func of(_ key: SubjectKey) -> [IdentityPower] {
        if let k = known[key] { return k }
        let p = index.powers(of: IdentityPowerIndex.user(for: key))
        known[key] = p
        return p
    }
}

/// What one subject can see on each node, by the kubelet's own checks at the release,
/// honouring `resourceNames`: a node no pinned rule names sees what the unpinned rules give.
struct NodeReach: Hashable {
    let pinned: Set<String>
    let elsewhere: Set<EvidenceKind>
    var onPinned: [String: Set<EvidenceKind>] = [:]

    /// No node is called this: only unpinned rules match it.
    static let unnamedNode = "\u{0}"

    init(_ inventory: InventorySubject, checks: ReleaseEndpointChecks) {
        var names = Set<String>()
        for g in inventory.allGrants { names.formUnion(g.rule.resourceNames) }
        pinned = names
        // Without resourceNames the inventory's reachable paths (worked out once per grant
        // shape, by the same checks) say it all.
        elsewhere = names.isEmpty ? Set(inventory.paths.flatMap { $0.endpoint.capabilities.compactMap(EvidenceKind.of) })
            : Self.kinds(inventory, checks, node: Self.unnamedNode)
        for n in names { onPinned[n] = Self.kinds(inventory, checks, node: n) }
    }

    var seesAnything: Bool { !elsewhere.isEmpty || onPinned.values.contains { !$0.isEmpty } }

    func kinds(on node: String) -> Set<EvidenceKind> { onPinned[node] ?? elsewhere }

    static func kinds(_ s: InventorySubject, _ checks: ReleaseEndpointChecks, node: String) -> Set<EvidenceKind> {
        var out = Set<EvidenceKind>()
        for entry in checks.entries {
            let kinds = entry.endpoint.capabilities.compactMap(EvidenceKind.of)
            guard !kinds.isEmpty, !out.isSuperset(of: kinds) else { continue }
            let open = entry.methods.contains { m in
                m.checks.contains { s.access[$0.subresource]?.allows($0.verb, node: node) ?? false }
            }
            if open { out.formUnion(kinds) }
        }
        return out
    }
}

extension AISubjectReview {
    /// The escalation as the chain a reviewer follows, one line per step (`steps(to:)`). Nil
    /// when no pod of the identity has its token mounted.
    public func path(to r: ReachedIdentity) -> [String]? {
        steps(to: r)?.map(\.text)
    }
}
