import Foundation
import PostgresNIO

/// The PostgreSQL store's versioned schema: migrations applied in order, each once, recorded in
/// `kubelet_authz_schema`. Migrations only ever append: the scan history's tables come as the
/// next version here. A database whose recorded version is newer than the last one below was
/// written by a newer kubelet-authz, and is refused rather than written with an old idea of it.
/// All writers of a fleet migrate under one advisory lock, so two starting at once do not race.
struct PostgresSchema {
    struct Migration {
        let version: Int
        let name: String
        /// The statements, run one by one (PostgresNIO sends every query as a prepared
        /// statement, which holds one command).
        let sql: String
        var statements: [String] {
            sql.components(separatedBy: ";\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        }
    }

    /// Source names, paths and keys compare as bytes (`COLLATE "C"`), as SQLite and Swift order
    /// them: the tie between equally rich copies goes to the earlier source whatever the
    /// database's locale.
    static let migrations: [Migration] = [
        Migration(version: 1, name: "evidence", sql: """
            CREATE TABLE audit_record (
                request_key TEXT COLLATE "C" NOT NULL PRIMARY KEY, cluster TEXT COLLATE "C" NOT NULL,
                audit_id TEXT NOT NULL, path TEXT NOT NULL, time DOUBLE PRECISION NOT NULL, timestamp TEXT NOT NULL,
                level TEXT NOT NULL, stage TEXT NOT NULL, user_name TEXT, groups TEXT NOT NULL, uid TEXT, pod_name TEXT,
                credential_id TEXT, node TEXT NOT NULL, verb TEXT NOT NULL, subresource TEXT NOT NULL, kubelet_path TEXT,
                decision TEXT NOT NULL, reason TEXT NOT NULL, code INTEGER, source_name TEXT COLLATE "C" NOT NULL,
                source_line BIGINT NOT NULL, source_offset BIGINT, source_batch TEXT COLLATE "C", richness INTEGER NOT NULL);
            CREATE INDEX audit_record_time ON audit_record (time);
            CREATE INDEX audit_record_batch ON audit_record (cluster, source_name, source_batch) WHERE source_batch IS NOT NULL;
            CREATE TABLE ingested_file (
                cluster TEXT COLLATE "C" NOT NULL, path TEXT COLLATE "C" NOT NULL, identity TEXT NOT NULL,
                file_offset BIGINT NOT NULL, line BIGINT NOT NULL, complete BOOLEAN NOT NULL, lines BIGINT NOT NULL,
                events BIGINT NOT NULL, kubelet_reviews BIGINT NOT NULL, node_proxy BIGINT NOT NULL, malformed BIGINT NOT NULL,
                bytes BIGINT NOT NULL, updated TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (cluster, path));
            CREATE TABLE ingested_batch (
                cluster TEXT COLLATE "C" NOT NULL, stream TEXT COLLATE "C" NOT NULL, batch TEXT COLLATE "C" NOT NULL,
                lines BIGINT NOT NULL, events BIGINT NOT NULL, kubelet_reviews BIGINT NOT NULL, node_proxy BIGINT NOT NULL,
                bytes BIGINT NOT NULL, updated TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (cluster, stream, batch));
            CREATE TABLE malformed_line (
                cluster TEXT COLLATE "C" NOT NULL, source_name TEXT COLLATE "C" NOT NULL, line BIGINT NOT NULL,
                reason TEXT NOT NULL, PRIMARY KEY (cluster, source_name, line));
            """),
        // The scan history (PostgresScanHistory.swift), as the SQLite store's (Store/SQLiteScanHistory.swift), with
        // the cluster in every key: one database holds the fleet's scans.
        Migration(version: 2, name: "scan history", sql: """
            CREATE TABLE scan_content (hash TEXT COLLATE "C" NOT NULL PRIMARY KEY, kind TEXT NOT NULL, body BYTEA NOT NULL);
            CREATE TABLE scan (
                id BIGSERIAL PRIMARY KEY, cluster TEXT COLLATE "C" NOT NULL, time DOUBLE PRECISION NOT NULL, release TEXT NOT NULL,
                inventory_hash TEXT COLLATE "C" NOT NULL REFERENCES scan_content (hash),
                findings_hash TEXT COLLATE "C" NOT NULL REFERENCES scan_content (hash),
                governance_hash TEXT COLLATE "C" NOT NULL REFERENCES scan_content (hash),
                subjects BIGINT NOT NULL, exec_capable BIGINT NOT NULL, critical BIGINT NOT NULL, high BIGINT NOT NULL,
                medium BIGINT NOT NULL, low BIGINT NOT NULL, info BIGINT NOT NULL);
            CREATE INDEX scan_cluster_time ON scan (cluster, time, id);
            CREATE INDEX scan_time ON scan (time, id);
            CREATE TABLE finding_lifecycle (
                cluster TEXT COLLATE "C" NOT NULL, fingerprint TEXT COLLATE "C" NOT NULL, rule TEXT NOT NULL, severity TEXT NOT NULL,
                subject_kind TEXT, subject_namespace TEXT, subject_name TEXT, message TEXT NOT NULL,
                first_seen DOUBLE PRECISION NOT NULL, last_seen DOUBLE PRECISION NOT NULL, fixed_at DOUBLE PRECISION,
                PRIMARY KEY (cluster, fingerprint));
            CREATE TABLE finding_acceptance (
                cluster TEXT COLLATE "C" NOT NULL, fingerprint TEXT COLLATE "C" NOT NULL, reason TEXT NOT NULL, until TEXT NOT NULL,
                recorded_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (cluster, fingerprint));
            """),
        // The webhook's aggregated decisions (PostgresDecisions.swift), as Store/DecisionTable.swift's.
        Migration(version: 3, name: "authorization decisions", sql: """
            CREATE TABLE authorization_decision (
                user_name TEXT COLLATE "C" NOT NULL, node TEXT COLLATE "C" NOT NULL, subresource TEXT COLLATE "C" NOT NULL,
                verb TEXT COLLATE "C" NOT NULL, mode TEXT COLLATE "C" NOT NULL, verdict TEXT COLLATE "C" NOT NULL,
                count BIGINT NOT NULL, first_seen DOUBLE PRECISION NOT NULL, last_seen DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (user_name, node, subresource, verb, mode, verdict));
            """),
        // Decisions per cluster (`serve --cluster`), as the evidence tables already are; rows
        // stored before are kept under "".
        Migration(version: 4, name: "authorization decisions per cluster", sql: """
            ALTER TABLE authorization_decision ADD COLUMN cluster TEXT COLLATE "C" NOT NULL DEFAULT '';
            ALTER TABLE authorization_decision DROP CONSTRAINT authorization_decision_pkey;
            ALTER TABLE authorization_decision ADD PRIMARY KEY (cluster, user_name, node, subresource, verb, mode, verdict);
            """),
    ]

    /// The advisory lock every migrator takes (an arbitrary constant, "kaSchema").
    static let lockKey: Int64 = 0x6B61_5363_6865_6D61

    /// Brings the database to `upTo` (the newest when nil), in one transaction.
    static func migrate(_ session: PostgresSession, upTo target: Int? = nil) throws {
        let known = migrations.last?.version ?? 0
        try session.transaction {
            var lock = PostgresBindings()
            lock.append(lockKey)
            try session.query("SELECT pg_advisory_xact_lock($1)", lock)
            try session.query("""
                CREATE TABLE IF NOT EXISTS kubelet_authz_schema (
                    version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied TIMESTAMPTZ NOT NULL DEFAULT now())
                """)
            let current = try session.query("SELECT COALESCE(MAX(version), 0)::int8 FROM kubelet_authz_schema").first?
                .makeRandomAccess()[0].decode(Int.self) ?? 0
            guard current <= known else {
                throw PostgresStoreError(.schemaTooNew, "the evidence database \(session.location) has schema version \(current), newer than this kubelet-authz knows (\(known)): it was written by a newer release; upgrade kubelet-authz to use it")
            }
            for m in migrations where m.version > current && m.version <= (target ?? known) {
                for statement in m.statements { try session.query(statement) }
                var binds = PostgresBindings()
                binds.append(m.version)
                binds.append(m.name)
                try session.query("INSERT INTO kubelet_authz_schema (version, name) VALUES ($1::int4, $2)", binds)
            }
        }
    }
}
