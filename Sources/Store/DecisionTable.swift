import Evidence
import Foundation

/// The authorization webhook's aggregated decisions in the evidence database: one row per
/// (cluster, user, node, subresource, verb, mode, verdict), its count added to at each flush.
enum DecisionTable {
    static let schema = """
        CREATE TABLE authorization_decision (
            user TEXT NOT NULL, node TEXT NOT NULL, subresource TEXT NOT NULL, verb TEXT NOT NULL,
            mode TEXT NOT NULL, verdict TEXT NOT NULL, count INTEGER NOT NULL,
            first_seen DOUBLE NOT NULL, last_seen DOUBLE NOT NULL,
            PRIMARY KEY (user, node, subresource, verb, mode, verdict));
        """

    /// Schema v7: the table rebuilt with the cluster first in its key; earlier rows under "".
    static let perCluster = """
        CREATE TABLE authorization_decision_v7 (
            cluster TEXT NOT NULL, user TEXT NOT NULL, node TEXT NOT NULL, subresource TEXT NOT NULL, verb TEXT NOT NULL,
            mode TEXT NOT NULL, verdict TEXT NOT NULL, count INTEGER NOT NULL,
            first_seen DOUBLE NOT NULL, last_seen DOUBLE NOT NULL,
            PRIMARY KEY (cluster, user, node, subresource, verb, mode, verdict));
        INSERT INTO authorization_decision_v7 SELECT '', user, node, subresource, verb, mode, verdict, count, first_seen, last_seen
            FROM authorization_decision;
        DROP TABLE authorization_decision;
        ALTER TABLE authorization_decision_v7 RENAME TO authorization_decision;
        """
}

extension EvidenceStore: DecisionWriter {
    public func add(_ decisions: [AuthorizationDecision]) throws {
        guard !decisions.isEmpty else { return }
        try lock.withLock {
            try db.transaction {
                let q = try db.prepare("""
                    INSERT INTO authorization_decision (user, node, subresource, verb, mode, verdict, count, first_seen, last_seen, cluster)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(cluster, user, node, subresource, verb, mode, verdict) DO UPDATE SET
                        count = authorization_decision.count + excluded.count,
                        first_seen = MIN(authorization_decision.first_seen, excluded.first_seen),
                        last_seen = MAX(authorization_decision.last_seen, excluded.last_seen)
                    """)
                for d in decisions {
                    q.bind(1, d.key.user); q.bind(2, d.key.node); q.bind(3, d.key.subresource); q.bind(4, d.key.verb)
                    q.bind(5, d.key.mode); q.bind(6, d.key.verdict.rawValue); q.bind(7, d.count)
                    q.bind(8, d.firstSeen); q.bind(9, d.lastSeen); q.bind(10, d.key.cluster)
                    try q.run()
                }
            }
        }
    }

    public func decisions(cluster: String?) throws -> [AuthorizationDecision] {
        try lock.withLock {
            let q = try db.prepare("""
                SELECT user, node, subresource, verb, mode, verdict, count, first_seen, last_seen, cluster FROM authorization_decision
                WHERE ?1 IS NULL OR cluster = ?1
                ORDER BY last_seen DESC, user, node, subresource, verb, mode, verdict, cluster
                """)
            q.bind(1, cluster)
            var out: [AuthorizationDecision] = []
            while try q.step() {
                let key = AuthorizationDecision.Key(user: q.text(0) ?? "", node: q.text(1) ?? "", subresource: q.text(2) ?? "",
                                                    verb: q.text(3) ?? "", mode: q.text(4) ?? "",
                                                    verdict: AuthorizationDecision.Verdict(rawValue: q.text(5) ?? "") ?? .noOpinion,
                                                    cluster: q.text(9) ?? "")
                out.append(AuthorizationDecision(key: key, count: q.int(6) ?? 0, firstSeen: q.double(7), lastSeen: q.double(8)))
            }
            return out
        }
    }
}
