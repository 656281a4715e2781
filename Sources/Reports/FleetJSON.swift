import History
import KubeJSON

/// `kubelet-authz fleet -o json`.
public enum FleetJSON {
    public static func document(_ v: FleetView) -> JSONValue {
        .object([
            ("today", .string(v.today)),
            // Freshness is the latest scan's save time: a saved scan keeps no audit evidence times.
            ("clusters", .array(v.clusters.map { c in
                .object([("name", .string(c.name)), ("scan", .integer(c.scanID)), ("savedAt", .string(HistoryTime.text(c.savedAt))),
                         ("release", .string(c.release)), ("subjects", .integer(c.subjects)),
                         ("execCapableCount", .integer(c.execCapable.count)), ("execCapable", .array(c.execCapable.map(DiffJSON.subject))),
                         ("overdueReviews", .array(c.overdueReviews.map { r in
                             .object([("subject", DiffJSON.subject(r.subject)), ("nextReview", .string(r.nextReview)), ("owner", r.owner.map { .string($0) } ?? .null)])
                         }))])
            })),
            ("shared", .array(v.shared.map { s in
                .object([("subject", DiffJSON.subject(s.subject)), ("proxyDrift", .bool(s.proxyDrift)),
                         ("proxyOn", .strings(s.proxyOn)), ("fineGrainedOn", .strings(s.fineGrainedOn)),
                         ("clusters", .array(s.grants.map { g in
                             .object([("cluster", .string(g.cluster)), ("execCapable", .bool(g.execCapable)),
                                      ("access", .array(g.access.map { a in
                                          .object([("subresource", .string(a.subresource)), ("verbs", .strings(a.verbs)), ("nodes", a.nodes.map { .strings($0) } ?? .null)])
                                      }))])
                         }))])
            })),
        ])
    }
}
