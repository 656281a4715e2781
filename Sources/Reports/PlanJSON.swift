import Evidence
import Governance
import KubeJSON
import RBAC

/// `plan -o json`: the plan with its proof, for programs (and `-o jsonpath=`).
public enum PlanJSON {
    public static let schemaVersion = 1

    public static func document(_ plan: KubeletPlan) -> JSONValue {
        let subjects: [JSONValue] = plan.subjects.map { s in subject(s, proof: plan.proof.subjects.first { $0.key == s.key }) }
        let roles: [JSONValue] = plan.change.roles.map { object(kind: $0.role.kind.rawValue, namespace: $0.role.namespace, name: $0.role.name, isNew: $0.isNew) }
        let bindings: [JSONValue] = plan.change.bindings.map { object(kind: $0.binding.kind.rawValue, namespace: $0.binding.namespace, name: $0.binding.name, isNew: $0.isNew) }
        let members: [(String, JSONValue)] = [
            ("kind", .string("KubeletAccessPlan")),
            ("schemaVersion", .integer(schemaVersion)),
            ("release", release(plan)),
            ("evidence", evidence(plan)),
            ("summary", summary(plan)),
            ("subjects", .array(subjects)),
            ("objects", .array(roles + bindings)),
        ]
        return .object(members)
    }

    static func release(_ plan: KubeletPlan) -> JSONValue {
        .object([
            ("version", .string(plan.profile.version.description)),
            ("fineGrainedAuthz", .bool(plan.profile.fineGrainedAuthz)),
            ("source", .string(plan.versionSource.rawValue)),
            ("heldBackBy", .strings(plan.heldBackBy)),
        ])
    }

    static func evidence(_ plan: KubeletPlan) -> JSONValue {
        let e = plan.evidence
        let first: JSONValue = e.window.map { .string(AuditTimestamp.text($0.first)) } ?? .null
        let last: JSONValue = e.window.map { .string(AuditTimestamp.text($0.last)) } ?? .null
        let insufficient: JSONValue = e.insufficient.map { .string($0) } ?? .null
        return .object([
            ("present", .bool(e.present)), ("first", first), ("last", last),
            ("days", .integer(Int(e.windowDays.rounded(.down)))), ("minEvidenceDays", .integer(plan.minEvidenceDays)),
            ("sufficient", .bool(e.sufficient)), ("insufficient", insufficient),
        ])
    }

    static func summary(_ plan: KubeletPlan) -> JSONValue {
        let proof = plan.proof
        return .object([
            ("subjects", .integer(plan.subjects.count)),
            ("changed", .integer(plan.changing.count)),
            ("execCapableBefore", .integer(proof.execCapableBefore)),
            ("execCapableAfter", .integer(proof.execCapableAfter)),
            ("breakingRequests", .integer(proof.breakingCount)),
            ("othersChanged", .strings(proof.othersChanged.map(\.description))),
            ("proofHolds", .bool(proof.holds)),
            ("unprovable", .bool(plan.unprovable)),
        ])
    }

    static func object(kind: String, namespace: String, name: String, isNew: Bool) -> JSONValue {
        .object([("kind", .string(kind)), ("namespace", namespace.isEmpty ? nil : .string(namespace)), ("name", .string(name)),
                 ("action", .string(isNew ? "create" : "replace"))])
    }

    static func permission(_ p: PlannedPermission) -> JSONValue {
        .object([("resource", .string(p.permission.resource)), ("verb", .string(p.permission.verb)),
                 ("nodes", p.nodes.map(JSONValue.strings)), ("reasons", p.reasons.isEmpty ? nil : .strings(p.reasons))])
    }

    static func subject(_ s: SubjectPlan, proof: PlanProof.SubjectProof?) -> JSONValue {
        .object([
            ("subject", .object([("kind", .string(s.key.kind)), ("name", .string(s.key.name)),
                                 ("namespace", s.key.namespace.isEmpty ? nil : .string(s.key.namespace))])),
            ("collector", s.collector.map { c -> JSONValue in .object([("id", .string(c.collector.id)), ("name", .string(c.collector.name)),
                                                          ("signals", .strings(c.signals.map(\.description)))]) } ?? .null),
            ("changed", .bool(s.changes)),
            ("held", .array(s.held.map(permission))),
            ("planned", .array(s.planned.map(permission))),
            ("removed", .array(s.removed.map(permission))),
            ("used", .array(s.observed.map { u -> JSONValue in .object([
                ("route", .string(u.route.rawValue)), ("node", .string(u.node)), ("verb", .string(u.verb)),
                ("subresource", .string(u.subresource)), ("viaFallback", .bool(u.viaFallback)), ("passed", .bool(u.passed)),
                ("count", .integer(u.count)), ("kubeletPaths", u.kubeletPaths.isEmpty ? nil : .strings(u.kubeletPaths)),
            ]) })),
            ("execPathsUsed", .strings(s.execPathsUsed)),
            ("unprovable", .strings(s.unprovable)),
            ("review", .strings(s.review)),
            ("manual", s.manual.map(JSONValue.string) ?? .null),
            ("proof", proof.map { p -> JSONValue in .object([
                ("stillPass", .integer(p.stillPass)),
                ("breaking", .array(p.breaking.map { .string($0.request.text) })),
                ("accessRemoved", .strings(p.accessRemoved.map(\.description))),
                ("accessAdded", .strings(p.accessAdded.map(\.description))),
                ("pathsWidened", .strings(p.pathsWidened)),
                ("execBefore", .bool(p.execBefore)),
                ("execAfter", .bool(p.execAfter)),
            ]) } ?? .null),
        ])
    }
}
