import History
import KubeJSON

/// `kubelet-authz fleet -o json`.
public enum FleetJSON {
    public static func document(_ v: FleetView) -> JSONValue {
        .object([("today", .string(v.today)), ("clusters", .array(v.clusters.map(cluster))), ("shared", .array(v.shared.map(shared))),
                 ("evidenceOnly", .strings(v.evidenceOnly))])
    }

    /// `evidence`: the latest audit event stored under the cluster's name and the records of
    /// the last day; null when none is stored.
    static func cluster(_ c: FleetView.Cluster) -> JSONValue {
        let evidence: JSONValue = c.evidence.map { e in
            .object([("latest", .string(HistoryTime.text(e.latest))), ("lastDay", .integer(e.lastDay))])
        } ?? .null
        return .object([("name", .string(c.name)), ("scan", .integer(c.scanID)), ("savedAt", .string(HistoryTime.text(c.savedAt))),
                 ("evidence", evidence),
                 ("release", .string(c.release)), ("subjects", .integer(c.subjects)),
                 ("execCapableCount", .integer(c.execCapable.count)), ("execCapable", .array(c.execCapable.map(DiffJSON.subject))),
                 ("overdueReviews", .array(c.overdueReviews.map(review)))])
    }

    static func review(_ r: FleetView.Review) -> JSONValue {
        let owner: JSONValue = r.owner.map(JSONValue.string) ?? .null
        return .object([("subject", DiffJSON.subject(r.subject)), ("nextReview", .string(r.nextReview)), ("owner", owner)])
    }

    static func shared(_ s: FleetView.SharedSubject) -> JSONValue {
        .object([("subject", DiffJSON.subject(s.subject)), ("proxyDrift", .bool(s.proxyDrift)),
                 ("proxyOn", .strings(s.proxyOn)), ("fineGrainedOn", .strings(s.fineGrainedOn)),
                 ("clusters", .array(s.grants.map(grant)))])
    }

    static func grant(_ g: FleetView.Grant) -> JSONValue {
        .object([("cluster", .string(g.cluster)), ("execCapable", .bool(g.execCapable)), ("access", .array(g.access.map(access)))])
    }

    static func access(_ a: SubjectAccessRecord.Access) -> JSONValue {
        let nodes: JSONValue = a.nodes.map(JSONValue.strings) ?? .null
        return .object([("subresource", .string(a.subresource)), ("verbs", .strings(a.verbs)), ("nodes", nodes)])
    }
}
