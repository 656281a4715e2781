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
            ("subjects", .array(r.subjects.map(subject))),
        ])
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

    static func subject(_ s: AISubjectReview) -> JSONValue {
        .object([
            ("kind", .string(s.subject.kind)), ("name", .string(s.subject.name)), ("namespace", .string(s.subject.namespace)),
            ("collector", s.collector.map(JSONValue.string) ?? .null),
            ("tenant", s.tenant.map(JSONValue.string) ?? .null),
            ("aiNodes", .array(s.aiNodes.map { .object([("node", .string($0.node)), ("evidence", kinds($0.kinds))]) })),
            ("aiNodeCount", .integer(s.aiNodeCount)),
            ("crossTenant", .array(s.crossTenant.map {
                .object([("tenant", .string($0.tenant)), ("nodes", .strings($0.nodes)), ("nodeCount", .integer($0.nodeCount)), ("evidence", kinds($0.kinds))])
            })),
            ("crossTenantCount", .integer(s.crossTenantCount)),
            ("execNodes", .integer(s.execNodes)),
            ("escalations", .array(s.escalations.map { e in
                .object([
                    ("serviceAccount", .object([("namespace", .string(e.serviceAccount.namespace)), ("name", .string(e.serviceAccount.name))])),
                    ("powers", .array(e.powers.map { p in
                        .object([("power", .string(p.kind.name)), ("text", .string(p.kind.label)),
                                 ("binding", .string(p.binding)), ("role", .string(p.role))])
                    })),
                    ("path", s.path(to: e).map(JSONValue.strings) ?? .null),
                    ("pods", .array(e.pods.prefix(AIWorkloadReview.listLimit).map(pod))),
                    ("podCount", .integer(e.pods.count)),
                    ("podsWithoutToken", .array(e.podsWithoutToken.prefix(AIWorkloadReview.listLimit).map(pod))),
                    ("podWithoutTokenCount", .integer(e.podsWithoutToken.count)),
                ])
            })),
        ])
    }
}
