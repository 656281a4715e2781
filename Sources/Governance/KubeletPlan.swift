import Cluster
import Collectors
import Evidence
import KubeletModel
import RBAC

public struct PlanOptions: Sendable {
    /// The subjects to plan; nil = every subject with kubelet access.
    public var subjects: [SubjectKey]?
    /// A reduction needs evidence covering at least this many days.
    public var minEvidenceDays: Int
    /// Pin planned grants to the nodes the subject was seen on (`resourceNames`).
    public var pinNodes: Bool
    public var kubeVersion: KubernetesVersion?
    public var featureGates: FeatureGateSettings
    public var apiServerKubeletClient: String
    public var collectors: [Collector]
    /// The day the plan is made: the evidence must reach it.
    public var now: Day
    /// The governance register (`--register`): owners and approvals, named in the change.
    public var register: GovernanceRegister? = nil

    public init(now: Day, subjects: [SubjectKey]? = nil, minEvidenceDays: Int = 30, pinNodes: Bool = false, kubeVersion: KubernetesVersion? = nil,
                featureGates: FeatureGateSettings = .init(), apiServerKubeletClient: String = APIServerKubeletClient.kubeadmUser,
                collectors: [Collector] = ScanOptions.bundledCollectors) {
        self.subjects = subjects
        self.minEvidenceDays = minEvidenceDays
        self.pinNodes = pinNodes
        self.kubeVersion = kubeVersion
        self.featureGates = featureGates
        self.apiServerKubeletClient = apiServerKubeletClient
        self.collectors = collectors
        self.now = now
    }
}

public enum PlanError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A `--subject` with no kubelet access in the input, and the nearest that have some.
    case unknownSubject(SubjectKey, closest: [SubjectKey])

    public var description: String {
        switch self {
        case .unknownSubject(let key, let closest):
            let hint = closest.isEmpty ? "" : "; closest: " + closest.map(\.description).joined(separator: ", ")
            return "--subject \(key): no such subject holds kubelet access in the input\(hint)"
        }
    }
}

/// The result of `kubelet-authz plan`: per subject the narrowest grant, the RBAC that makes
/// it so, and the replay that proves it.
public struct KubeletPlan: Sendable {
    public let profile: KubeletProfile
    public let versionSource: ReleaseRule.Source
    /// Kubelet version → nodes.
    public let kubeletVersions: [String: [String]]
    /// Nodes on the oldest release, when several run: they hold the plan to that release.
    public let heldBackBy: [String]
    public let evidence: EvidenceSufficiency
    public let minEvidenceDays: Int
    public let subjects: [SubjectPlan]
    public let change: RBACChange
    public let proof: PlanProof
    public let releaseNotes: [String]

    /// Some subject keeps a grant the plan could not prove away (control-plane access aside).
    public var unprovable: Bool { subjects.contains { !$0.unprovable.isEmpty } }
    public var changing: [SubjectPlan] { subjects.filter(\.changes) }
}

/// `plan` as a pipeline of small stages: release → inventory → usage per subject → narrowest
/// grant → RBAC change → proof.
public enum KubeletPlanner {
    public static func plan(_ snapshot: ClusterSnapshot, evidence: ScanEvidence?, options: PlanOptions) throws(PlanError) -> KubeletPlan {
        let release = ReleaseRule.choose(snapshot, flag: options.kubeVersion, featureGates: options.featureGates)
        let profile = release.profile
        var versions: [String: [String]] = [:]
        for node in snapshot.nodes { if let v = node.kubeletVersion { versions[v, default: []].append(node.name) } }
        let parsed = versions.keys.compactMap { v in KubernetesVersion(v).map { (v, $0) } }
        var heldBackBy: [String] = []
        if options.kubeVersion == nil, Set(parsed.map { $0.1 }).count > 1, let oldest = parsed.map({ $0.1 }).min() {
            heldBackBy = parsed.filter { $0.1 == oldest }.flatMap { versions[$0.0]! }.sorted()
        }

        let policy = snapshot.policy()
        let inventory = KubeletAccessInventory.build(policy: policy, profile: profile)
        let byKey = Dictionary(inventory.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        var selected = inventory
        if let wanted = options.subjects {
            for key in wanted where byKey[key] == nil {
                throw .unknownSubject(key, closest: closest(to: key, among: inventory.map(\.key)))
            }
            selected = wanted.compactMap { byKey[$0] }
        }

        let sufficiency = EvidenceSufficiency.judge(evidence, minDays: options.minEvidenceDays,
                                                  nowSeconds: Double(AuditTimestamp.daysFromCivil(options.now.year, options.now.month, options.now.day) * 86400 + 86399))
        let usesBySubject = uses(evidence, for: selected)
        let matches = collectorMatches(selected, snapshot: snapshot, catalogue: options.collectors)
        let context = NarrowestGrant.Context(profile: profile, evidence: sufficiency, pinNodes: options.pinNodes,
                                             anyNode: snapshot.nodes.first?.name ?? "node", heldBackBy: heldBackBy)
        let registered = Dictionary(options.register?.entries.map { ($0.subject, $0.record) } ?? [], uniquingKeysWith: { a, _ in a })
        let wantedAccounts = Set(selected.lazy.filter { $0.subject.kind == Subject.serviceAccountKind }.map(\.key))
        var accounts: [SubjectKey: ServiceAccount] = [:]
        for sa in snapshot.serviceAccounts {
            let key = SubjectKey(kind: Subject.serviceAccountKind, name: sa.name, namespace: sa.namespace)
            if wantedAccounts.contains(key) { accounts[key] = sa }
        }
        var plans: [SubjectPlan] = []
        for s in selected {
            var plan = NarrowestGrant.plan(s, uses: usesBySubject[s.key] ?? [], collector: matches[s.key], context: context)
            plan.governance = GovernanceLookup.record(for: s, registered: registered[s.key], serviceAccount: accounts[s.key])
            if let role = ControlPlaneAccess.role(of: s.key, apiServerKubeletClient: options.apiServerKubeletClient) {
                // Reported, never planned away (KA070): nothing about it is left unproven.
                plan.manual = "control-plane access, never planned away: \(role)"
                plan.controlPlane = true
                plan.unprovable = []
                plan.review = []
            } else if plan.changes, let why = RBACChangeBuilder.manualReason(s) {
                plan.manual = why
                if !plan.unprovable.contains(why) { plan.unprovable.append(why) }
            }
            if plan.manual != nil {
                plan.planned = plan.held
                plan.removed = []
            }
            plans.append(plan)
        }

        let change = RBACChangeBuilder(roles: snapshot.roles, bindings: snapshot.bindings).build(plans, inventory: byKey)
        let (roles, bindings) = change.overlay(roles: snapshot.roles, bindings: snapshot.bindings)
        let after = RBACPolicy(roles: roles, bindings: bindings)
        let allUses = ObservedUse.uses(from: evidence?.usage ?? []).map { u in
            ReplayRequest(route: u.route, user: u.user, node: u.node, method: ObservedUse.method(forVerb: u.verb), path: u.representativePath,
                          origin: .evidence(count: u.count, passedInLog: u.passed))
        }
        let proof = PlanProof.prove(planned: plans, allUses: allUses, before: policy, after: after, profile: profile, beforeInventory: inventory)
        return KubeletPlan(profile: profile, versionSource: release.source, kubeletVersions: versions, heldBackBy: heldBackBy,
                           evidence: sufficiency, minEvidenceDays: options.minEvidenceDays, subjects: plans, change: change,
                           proof: proof, releaseNotes: release.notes)
    }

    /// Each subject's observed requests: rows of its own name, and for a Group the rows whose
    /// reviews carried the group. Indexed once, not searched per subject.
    static func uses(_ evidence: ScanEvidence?, for subjects: [InventorySubject]) -> [SubjectKey: [ObservedUse]] {
        guard let evidence else { return [:] }
        let wanted = Set(subjects.map(\.key))
        let groups = Set(subjects.filter { $0.subject.kind == Subject.groupKind }.map(\.subject.name))
        var rows: [SubjectKey: [UsageRow]] = [:]
        for row in evidence.usage {
            let own = SubjectKey(kind: row.key.subjectKind, name: row.key.subjectName, namespace: row.key.subjectNamespace)
            if wanted.contains(own) { rows[own, default: []].append(row) }
            for g in row.groups where groups.contains(g) { rows[SubjectKey(kind: Subject.groupKind, name: g), default: []].append(row) }
        }
        return rows.mapValues(ObservedUse.uses(from:))
    }

    /// The catalogue entry each ServiceAccount's workloads are recognised as.
    static func collectorMatches(_ subjects: [InventorySubject], snapshot: ClusterSnapshot, catalogue: [Collector]) -> [SubjectKey: CollectorMatch] {
        let wanted = Set(subjects.filter { $0.subject.kind == Subject.serviceAccountKind }.map(\.key))
        var workloads: [SubjectKey: [Workload]] = [:]
        for w in snapshot.workloads {
            let key = SubjectKey(kind: Subject.serviceAccountKind, name: w.serviceAccountName, namespace: w.namespace)
            if wanted.contains(key) { workloads[key, default: []].append(w) }
        }
        var out: [SubjectKey: CollectorMatch] = [:]
        for key in wanted {
            if let m = CollectorMatcher.match(serviceAccount: key.name, namespace: key.namespace, workloads: workloads[key] ?? [], catalogue: catalogue) {
                out[key] = m
            }
        }
        return out
    }

    /// Subjects nearest to `key` by edit distance of their `KIND/NS/NAME` spelling.
    static func closest(to key: SubjectKey, among keys: [SubjectKey], limit: Int = 3) -> [SubjectKey] {
        let wanted = key.description.lowercased()
        let scored = keys.map { k in (k, CollectorCatalogue.editDistance(wanted, k.description.lowercased())) }
        let near = scored.filter { $0.1 <= max(3, wanted.count / 2) }
        return near.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(limit).map(\.0)
    }
}
