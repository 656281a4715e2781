import Evidence
import PostgresNIO

/// The authorization webhook's aggregated decisions in the fleet's database (schema versions 3
/// and 4, which keys them by cluster too),
/// for every replica of `serve --store postgres://…`: each flush adds its counts to the stored
/// row in one upsert (`count = count + excluded.count`), so replicas flushing the same key at
/// once both count, the second waiting on the first's row lock. Rows are sent in key order so
/// two flushes lock their rows in the same order and do not deadlock.
extension PostgresEvidenceStore: DecisionWriter {
    public func add(_ decisions: [AuthorizationDecision]) throws {
        // One row per key: an upsert may not touch a row twice in one statement.
        var merged: [AuthorizationDecision.Key: AuthorizationDecision] = [:]
        for d in decisions {
            if merged[d.key] != nil { merged[d.key]!.merge(d) } else { merged[d.key] = d }
        }
        guard !merged.isEmpty else { return }
        let rows = merged.values.sorted { Self.sortKey($0.key).lexicographicallyPrecedes(Self.sortKey($1.key)) }
        var b = PostgresBindings()
        b.append(rows.map(\.key.user)); b.append(rows.map(\.key.node)); b.append(rows.map(\.key.subresource)); b.append(rows.map(\.key.verb))
        b.append(rows.map(\.key.mode)); b.append(rows.map(\.key.verdict.rawValue)); b.append(rows.map(\.count))
        b.append(rows.map(\.firstSeen)); b.append(rows.map(\.lastSeen)); b.append(rows.map(\.key.cluster))
        try inTransaction {
            try session.query("""
                INSERT INTO authorization_decision AS d (user_name, node, subresource, verb, mode, verdict, count, first_seen, last_seen,
                                                         cluster)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int8[],
                                     $8::float8[], $9::float8[], $10::text[])
                ON CONFLICT (cluster, user_name, node, subresource, verb, mode, verdict) DO UPDATE SET
                    count = d.count + excluded.count, first_seen = LEAST(d.first_seen, excluded.first_seen),
                    last_seen = GREATEST(d.last_seen, excluded.last_seen)
                """, b)
        }
    }

    public func decisions(cluster: String?) throws -> [AuthorizationDecision] {
        var b = PostgresBindings()
        b.append(cluster)
        return try reading {
            try session.query("""
                SELECT user_name, node, subresource, verb, mode, verdict, count, first_seen, last_seen, cluster FROM authorization_decision
                WHERE $1::text IS NULL OR cluster = $1
                ORDER BY last_seen DESC, user_name, node, subresource, verb, mode, verdict, cluster
                """, b).map { row in
                let r = row.makeRandomAccess()
                let key = AuthorizationDecision.Key(
                    user: try r[0].decode(String.self), node: try r[1].decode(String.self), subresource: try r[2].decode(String.self),
                    verb: try r[3].decode(String.self), mode: try r[4].decode(String.self),
                    verdict: AuthorizationDecision.Verdict(rawValue: try r[5].decode(String.self)) ?? .noOpinion,
                    cluster: try r[9].decode(String.self))
                return AuthorizationDecision(key: key, count: try r[6].decode(Int.self), firstSeen: try r[7].decode(Double.self),
                                             lastSeen: try r[8].decode(Double.self))
            }
        }
    }

    /// The key's columns in the primary key's order as bytes (the columns are `COLLATE "C"`),
    /// NUL between them (no Kubernetes name holds one), so bytes order as the tuple does.
    private static func sortKey(_ k: AuthorizationDecision.Key) -> [UInt8] {
        Array([k.cluster, k.user, k.node, k.subresource, k.verb, k.mode, k.verdict.rawValue].joined(separator: "\u{0}").utf8)
    }
}
