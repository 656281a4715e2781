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

    /// Who owns the access, and approvals in the record that the plan removes (nil: no record).
    static func governance(_ s: SubjectPlan) -> JSONValue {
        guard let g = s.governance else { return .null }
        let owner: JSONValue = g.owner.map(JSONValue.string) ?? .null
        let next: JSONValue = g.nextReview.map { JSONValue.string($0.description) } ?? .null
        return .object([("owner", owner), ("nextReview", next), ("source", .string(g.origin.description)),
                        ("approvalRemoved", .strings(s.approvedButRemoved.map(\.text)))])
    }

    static func subject(_ s: SubjectPlan, proof: PlanProof.SubjectProof?) -> JSONValue {
        // Built member by member: one literal of this size is more than the type checker takes.
        var members: [(String, JSONValue?)] = []
        members.append(("subject", .object([("kind", .string(s.key.kind)), ("name", .string(s.key.name)),
                                             ("namespace", s.key.namespace.isEmpty ? nil : .string(s.key.namespace))])))
        members.append(("collector", s.collector.map { c -> JSONValue in .object([("id", .string(c.collector.id)), ("name", .string(c.collector.name)),
                                                                           ("signals", .strings(c.signals.map(\.description)))]) } ?? .null))
        members.append(("governance", governance(s)))
        members.append(("changed", .bool(s.changes)))
        members.append(("held", .array(s.held.map(permission))))
        members.append(("planned", .array(s.planned.map(permission))))
        members.append(("removed", .array(s.removed.map(permission))))
        members.append(("used", .array(s.observed.map(use))))
        members.append(("execPathsUsed", .strings(s.execPathsUsed)))
        members.append(("unprovable", .strings(s.unprovable)))
        members.append(("review", .strings(s.review)))
        members.append(("manual", s.manual.map(JSONValue.string) ?? .null))
        members.append(("proof", proof.map(subjectProof) ?? .null))
        return .object(members)
    }

    static func use(_ u: ObservedUse) -> JSONValue {
        .object([
            ("route", .string(u.route.rawValue)), ("node", .string(u.node)), ("verb", .string(u.verb)),
            ("subresource", .string(u.subresource)), ("viaFallback", .bool(u.viaFallback)), ("passed", .bool(u.passed)),
            ("count", .integer(u.count)), ("kubeletPaths", u.kubeletPaths.isEmpty ? nil : .strings(u.kubeletPaths)),
        ])
    }

    static func subjectProof(_ p: PlanProof.SubjectProof) -> JSONValue {
        .object([
            ("stillPass", .integer(p.stillPass)),
            ("breaking", .array(p.breaking.map { .string($0.request.text) })),
            ("accessRemoved", .strings(p.accessRemoved.map(\.description))),
            ("accessAdded", .strings(p.accessAdded.map(\.description))),
            ("pathsWidened", .strings(p.pathsWidened)),
            ("execBefore", .bool(p.execBefore)),
            ("execAfter", .bool(p.execAfter)),
        ])
    }
}
