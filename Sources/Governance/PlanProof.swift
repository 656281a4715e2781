import Collectors
import KubeletModel
import RBAC

/// The replay that proves a plan: every observed request and every catalogue path, through the
/// kubelet mapper and the RBAC engine, against the cluster as it is and with the change laid
/// over it; and every other subject's kubelet access, compared.
public struct PlanProof: Sendable {
    public struct Outcome: Sendable, Hashable {
        public let request: ReplayRequest
        /// The check that let it through, before and after; nil = denied.
        public let before: KubeletCheck?
        public let after: KubeletCheck?
        public var breaks: Bool { before != nil && after == nil }
        public var widens: Bool { before == nil && after != nil }
        /// Requests the evidence stands for (1 for a catalogue path).
        public var weight: Int {
            if case .evidence(let n, _) = request.origin { return n }
            return 1
        }
    }

    public struct SubjectProof: Sendable {
        public let key: SubjectKey
        public let outcomes: [Outcome]
        /// Kubelet permissions held before and not after.
        public let accessRemoved: [ResourceVerb]
        /// Held after and not before (a fine-grained grant standing in for `nodes/proxy`).
        public let accessAdded: [ResourceVerb]
        /// Kubelet path families reachable after that were not before: must be none.
        public let pathsWidened: [String]
        public let execBefore: Bool
        public let execAfter: Bool

        public var stillPass: Int { outcomes.filter { $0.before != nil && $0.after != nil }.reduce(0) { $0 + $1.weight } }
        public var breaking: [Outcome] { outcomes.filter(\.breaks) }
        public var widening: [Outcome] { outcomes.filter(\.widens) }
        public var breakingCount: Int { breaking.reduce(0) { $0 + $1.weight } }
        public var execRemoved: Bool { execBefore && !execAfter }
    }

    public let subjects: [SubjectProof]
    /// Subjects the plan did not mean to change whose kubelet access changed: must be none.
    public let othersChanged: [SubjectKey]
    /// Every observed request of the evidence, whoever made it.
    public let evidenceOutcomes: [Outcome]
    /// Subjects of the whole cluster that can execute commands in pods, before and after.
    public let execCapableBefore: Int
    public let execCapableAfter: Int

    /// Every observed request that breaks (whoever made it), and every catalogue path.
    public var breakingCount: Int {
        let catalogue = subjects.flatMap(\.breaking).filter { if case .catalogue = $0.request.origin { true } else { false } }
        return (evidenceOutcomes.filter(\.breaks) + catalogue).reduce(0) { $0 + $1.weight }
    }
    public var holds: Bool {
        breakingCount == 0 && subjects.allSatisfy { $0.breakingCount == 0 } && othersChanged.isEmpty && subjects.allSatisfy { $0.pathsWidened.isEmpty && $0.widening.isEmpty }
            && !evidenceOutcomes.contains(where: \.widens)
    }

    /// - Parameters:
    ///   - planned: every subject planned, with its replays; those whose plan changes nothing
    ///     count among the others, whose access must not change.
    ///   - allUses: every request of the evidence, replayed whoever made it.
    ///   - beforeInventory: `before`'s inventory when the caller has built it already.
    public static func prove(planned: [SubjectPlan], allUses: [ReplayRequest], before: RBACPolicy, after: RBACPolicy,
                             profile: KubeletProfile, beforeInventory known: [InventorySubject]? = nil) -> PlanProof {
        let b = ReplayAuthorizer(policy: before), a = ReplayAuthorizer(policy: after)
        let beforeInventory = Dictionary((known ?? KubeletAccessInventory.build(policy: before, profile: profile)).map { ($0.key, $0) }, uniquingKeysWith: { x, _ in x })
        let afterInventory = Dictionary(KubeletAccessInventory.build(policy: after, profile: profile).map { ($0.key, $0) }, uniquingKeysWith: { x, _ in x })
        func outcome(_ r: ReplayRequest) -> Outcome {
            Outcome(request: r, before: b.passingCheck(r, profile: profile), after: a.passingCheck(r, profile: profile))
        }
        func pairs(_ s: InventorySubject?) -> Set<ResourceVerb> {
            Set((s?.access ?? [:]).flatMap { sub, acc in acc.verbs.map { ResourceVerb(resource: "nodes/" + sub, verb: $0) } })
        }
        var subjects: [SubjectProof] = []
        for plan in planned {
            let was = beforeInventory[plan.key], now = afterInventory[plan.key]
            let before = pairs(was), after = pairs(now)
            let reachBefore = Set((was?.paths ?? []).map(\.endpoint.path))
            let widened = (now?.paths ?? []).map(\.endpoint.path).filter { !reachBefore.contains($0) }
            subjects.append(SubjectProof(key: plan.key, outcomes: plan.replay.map(outcome),
                                         accessRemoved: before.subtracting(after).sorted(), accessAdded: after.subtracting(before).sorted(),
                                         pathsWidened: widened, execBefore: was?.execCapable ?? false, execAfter: now?.execCapable ?? false))
        }
        let plannedKeys = Set(planned.filter(\.changes).map(\.key))
        var others: [SubjectKey] = []
        for key in Set(beforeInventory.keys).union(afterInventory.keys).sorted() where !plannedKeys.contains(key) {
            let x = beforeInventory[key]?.access.mapValues { [$0.verbs, $0.nodes ?? ["*"]] }
            let y = afterInventory[key]?.access.mapValues { [$0.verbs, $0.nodes ?? ["*"]] }
            if x != y { others.append(key) }
        }
        return PlanProof(subjects: subjects, othersChanged: others, evidenceOutcomes: allUses.map(outcome),
                         execCapableBefore: beforeInventory.values.filter(\.execCapable).count,
                         execCapableAfter: afterInventory.values.filter(\.execCapable).count)
    }
}
