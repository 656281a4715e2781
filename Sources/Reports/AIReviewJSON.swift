import Governance
import KubeJSON

/// The AI-workload review as the `aiReview` member of `scan -o json` (and `scan --ai -o json`).
public enum AIReviewJSON {
    public static func review(_ r: AIWorkloadReview) -> JSONValue {
        .object([
            ("tenantLabel", r.tenantLabel.map(JSONValue.string) ?? .null),
            ("placedPods", .integer(r.placedPods)),
            ("aiNodes", .array(r.aiNodes.map { n in
                .object([("name", .string(n.name)),
                         ("signals", .array(n.signals.map { .object([("kind", .string($0.kind.rawValue)), ("text", .string($0.description))]) }))])
            })),
            ("auditKeepsFailedReviews", audit(r.audit)),
            ("subjects", .array(subjects(r.subjects, aiNodeTotal: r.aiNodes.count))),
        ])
    }

    /// The subjects' trees, built on every core in order: the worst case reviews 30k subjects,
    /// all built before the report's first byte is written.
    static func subjects(_ subjects: [AISubjectReview], aiNodeTotal: Int) -> [JSONValue] {
        let runs = min(JSONWriter.itemWorkers, max(1, subjects.count / 64))
        return ParallelRuns.map(count: subjects.count, runs: runs) { range in
            range.map { subject(subjects[$0], aiNodeTotal: aiNodeTotal) }
        }.flatMap { $0 }
    }

    static func audit(_ a: AuditRetention) -> JSONValue {
        switch a {
        case .noEvidence: return .object([("answer", .string("unknown")), ("text", .string(a.answer)), ("blindSpots", .array([]))])
        case .kept: return .object([("answer", .string("yes")), ("text", .string(a.answer)), ("blindSpots", .array([]))])
        case .lost(let why): return .object([("answer", .string("no")), ("text", .string(a.answer)), ("blindSpots", .strings(why))])
        }
    }

    static func kinds(_ k: [EvidenceKind]) -> JSONValue { .strings(k.map(\.rawValue)) }

    static func pod(_ p: PlacedPod) -> JSONValue {
        .object([("namespace", .string(p.namespace)), ("name", .string(p.name)), ("node", .string(p.node))])
    }

    /// Escalations written per subject; `escalationCount` says how many there are.
    static let escalationsShown = 5
    /// Pods and nodes named per entry; the counts beside them say how many there are.
    static let namesShown = 3

    /// `powers` and `via` say it briefly (a RoleBinding's power and binding with their
    /// namespace: `secrets in kube-system`, `kube-system/NAME → ROLE`); `grants` in full.
    static func escalation(_ e: ReachedIdentity) -> JSONValue {
        var via: [String] = []
        for p in e.powers {
            let step = (p.namespace.map { $0 + "/" } ?? "") + "\(p.binding) → \(p.role)"
            if !via.contains(step) { via.append(step) }
        }
        let account: JSONValue = .object([("namespace", .string(e.serviceAccount.namespace)), ("name", .string(e.serviceAccount.name))])
        return .object([
            ("serviceAccount", account),
            ("powers", .strings(e.powers.map(\.name))),
            ("via", .strings(via)),
            ("grants", .array(e.powers.map(grant))),
            ("pods", .array(e.pods.prefix(namesShown).map(pod))),
            ("podCount", .integer(e.pods.count)),
            ("podsWithoutToken", .array(e.podsWithoutToken.prefix(namesShown).map(pod))),
            ("podWithoutTokenCount", .integer(e.podsWithoutToken.count)),
        ])
    }

    /// One power: its kind, the namespace it holds in (null: every namespace), and the binding
    /// and role that give it.
    static func grant(_ p: IdentityPower) -> JSONValue {
        .object([
            ("power", .string(p.kind.name)),
            ("namespace", p.namespace.map(JSONValue.string) ?? .null),
            ("binding", .object([("kind", .string(p.bindingKind.rawValue)),
                                 ("namespace", .string(p.namespace ?? "")), ("name", .string(p.binding))])),
            ("role", .object([("kind", .string(p.roleKind.rawValue)), ("name", .string(p.role))])),
        ])
    }

    /// One subject, compact: a large cluster has thousands of agents that see every AI node
    /// and reach every tenant alike, so "every" is said as `"*"` and lists are cut, with counts.
    static func subject(_ s: AISubjectReview, aiNodeTotal: Int) -> JSONValue {
        let everyAINode = s.aiNodeCount == aiNodeTotal && aiNodeTotal > 0 && Set(s.aiNodes.map(\.kinds)).count == 1
        let reachable = s.reachableEscalations
        return .object([
            ("kind", .string(s.subject.kind)), ("name", .string(s.subject.name)), ("namespace", .string(s.subject.namespace)),
            ("collector", s.collector.map(JSONValue.string) ?? .null),
            ("tenant", s.tenant.map(JSONValue.string) ?? .null),
            ("aiEvidence", kinds(Array(Set(s.aiNodes.flatMap(\.kinds))).sorted())),
            ("aiNodes", everyAINode ? .string("*") : .array(s.aiNodes.map { .object([("node", .string($0.node)), ("evidence", kinds($0.kinds))]) })),
            ("aiNodeCount", .integer(s.aiNodeCount)),
            ("crossTenant", s.crossesEveryOtherTenant ? .string("*") : .array(s.crossTenant.map {
                .object([("tenant", .string($0.tenant)), ("nodes", .strings(Array($0.nodes.prefix(namesShown)))), ("nodeCount", .integer($0.nodeCount)),
                         ("evidence", kinds($0.kinds))])
            })),
            ("crossTenantCount", .integer(s.crossTenantCount)),
            ("crossTenantEvidence", kinds(Array(Set(s.crossTenant.flatMap(\.kinds))).sorted())),
            ("execNodes", .integer(s.execNodes)),
            ("path", reachable.first.flatMap { s.path(to: $0) }.map(JSONValue.strings) ?? .null),
            ("escalations", .array(s.escalations.prefix(escalationsShown).map(escalation))),
            ("escalationCount", .integer(s.escalationCount)),
        ])
    }
}
