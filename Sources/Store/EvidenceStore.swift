import AuditScanning
import Evidence
import Foundation
import GRDB

/// The evidence database (SQLite through GRDB). Records are keyed by request (time received,
/// auditID, node, path, cluster), so overlapping or repeated files and re-sent batches never
/// count twice; each file's progress is committed with its records, so an interrupted ingest
/// resumes where it stopped and loses nothing.
public final class EvidenceStore: EvidenceWriter, EvidenceReader {
    public let path: String
    let db: DatabaseQueue

    public struct StoreError: Error, CustomStringConvertible {
        public let description: String
    }

    /// `$KUBELET_AUTHZ_DB`, else `$XDG_DATA_HOME/kubelet-authz/evidence.sqlite`, else
    /// `~/.local/share/kubelet-authz/evidence.sqlite`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let p = environment["KUBELET_AUTHZ_DB"], !p.isEmpty { return p }
        let base = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.local/share")
        return base + "/kubelet-authz/evidence.sqlite"
    }

    public init(path: String) throws(StoreError) {
        self.path = path
        do {
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            var config = Configuration()
            config.busyMode = .timeout(10)
            // WAL with synchronous=NORMAL: a commit no longer waits for the disk. A crash can
            // lose the last commits but never corrupts the file, and since each file's
            // checkpoint is committed with its records, a lost commit is read again next time.
            config.prepareDatabase { db in
                // Larger pages for a new database (an existing one keeps its own): fewer, fuller
                // pages for rows of a dozen strings.
                try db.execute(sql: "PRAGMA page_size = 16384")
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                // Records arrive in time order but are keyed by request, so inserts land all
                // over the key index: with SQLite's default 2 MB cache each commit read and
                // wrote back most of it. Up to 64 MB is kept instead (used only as it fills).
                try db.execute(sql: "PRAGMA cache_size = -65536")
            }
            db = try DatabaseQueue(path: path, configuration: config)
            try Self.migrator.migrate(db)
        } catch {
            throw StoreError(description: "\(path): cannot open the evidence database: \(error)")
        }
    }

    /// Versioned schema; migrations only ever append.
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.create(table: "audit_record") { t in
                t.primaryKey("request_key", .text)
                t.column("audit_id", .text).notNull()
                t.column("path", .text).notNull()
                t.column("time", .double).notNull()
                t.column("timestamp", .text).notNull()
                t.column("level", .text).notNull()
                t.column("stage", .text).notNull()
                t.column("user", .text)
                t.column("groups", .text).notNull()
                t.column("uid", .text)
                t.column("pod_name", .text)
                t.column("credential_id", .text)
                t.column("node", .text).notNull()
                t.column("verb", .text).notNull()
                t.column("subresource", .text).notNull()
                t.column("kubelet_path", .text)
                t.column("decision", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("code", .integer)
                t.column("source_file", .text).notNull()
                t.column("source_line", .integer).notNull()
                t.column("richness", .integer).notNull()
            }
            try db.create(index: "audit_record_time", on: "audit_record", columns: ["time"])
            try db.create(table: "ingested_file") { t in
                t.primaryKey("path", .text)
                t.column("identity", .text).notNull()
                t.column("offset", .integer).notNull()
                t.column("line", .integer).notNull()
                t.column("complete", .boolean).notNull()
                t.column("lines", .integer).notNull()
                t.column("events", .integer).notNull()
                t.column("kubelet_reviews", .integer).notNull()
                t.column("node_proxy", .integer).notNull()
                t.column("malformed", .integer).notNull()
                t.column("bytes", .integer).notNull()
                t.column("updated", .text).notNull()
            }
            try db.create(table: "malformed_line") { t in
                t.column("source_file", .text).notNull()
                t.column("line", .integer).notNull()
                t.column("reason", .text).notNull()
                t.primaryKey(["source_file", "line"])
            }
        }
        // v2: request keys start with the time received (see `AuditRecord.requestKey`).
        m.registerMigration("v2") { db in
            try db.execute(sql: """
                UPDATE audit_record
                SET request_key = timestamp || char(31) || audit_id || char(31) || node || char(31) || path
                """)
        }
        // v3: records carry their cluster and a source that is a file (path, line, offset) or a
        // stream batch (name, batch id); batches are counted once each, however often sent.
        m.registerMigration("v3") { db in
            try db.alter(table: "audit_record") { t in
                t.add(column: "cluster", .text).notNull().defaults(to: "")
                t.add(column: "source_offset", .integer)
                t.add(column: "source_batch", .text)
            }
            try db.create(table: "ingested_batch") { t in
                t.column("stream", .text).notNull()
                t.column("batch", .text).notNull()
                t.column("lines", .integer).notNull()
                t.column("events", .integer).notNull()
                t.column("kubelet_reviews", .integer).notNull()
                t.column("node_proxy", .integer).notNull()
                t.column("bytes", .integer).notNull()
                t.column("updated", .text).notNull()
                t.primaryKey(["stream", "batch"])
            }
        }
        return m
    }

    public var isPersistent: Bool { true }

    public func checkpoint(path: String) throws -> FileCheckpoint? {
        try db.read { db in
            try Row.fetchOne(db, sql: "SELECT identity, offset, line, complete FROM ingested_file WHERE path = ?", arguments: [path]).map {
                FileCheckpoint(identity: $0["identity"], offset: $0["offset"], line: $0["line"], complete: $0["complete"])
            }
        }
    }

    public func commit(_ batch: consuming EvidenceBatch) throws {
        let batch = batch  // a closure cannot capture a consuming parameter
        try db.write { db in
            let insert = try db.cachedStatement(sql: """
                INSERT INTO audit_record (request_key, audit_id, path, time, timestamp, level, stage, user, groups, uid, pod_name, credential_id,
                    node, verb, subresource, kubelet_path, decision, reason, code, source_file, source_line, richness,
                    cluster, source_offset, source_batch)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(request_key) DO UPDATE SET
                    path = excluded.path, time = excluded.time, timestamp = excluded.timestamp, level = excluded.level,
                    stage = excluded.stage, user = excluded.user, groups = excluded.groups, uid = excluded.uid,
                    pod_name = excluded.pod_name, credential_id = excluded.credential_id, node = excluded.node,
                    verb = excluded.verb, subresource = excluded.subresource, kubelet_path = excluded.kubelet_path,
                    decision = excluded.decision, reason = excluded.reason, code = excluded.code,
                    source_file = excluded.source_file, source_line = excluded.source_line, richness = excluded.richness,
                    cluster = excluded.cluster, source_offset = excluded.source_offset, source_batch = excluded.source_batch
                WHERE excluded.richness > audit_record.richness
                   OR (excluded.richness = audit_record.richness
                       AND (excluded.source_file, excluded.source_line, COALESCE(excluded.source_batch, ''))
                         < (audit_record.source_file, audit_record.source_line, COALESCE(audit_record.source_batch, '')))
                """)
            let raw = RawStatement(insert, in: db)
            let records = batch.records
            for i in records.indices {
                raw.bind(1, records[i].requestKey); raw.bind(2, records[i].auditID); raw.bind(3, records[i].path.rawValue)
                raw.bind(4, records[i].time); raw.bind(5, records[i].timestamp); raw.bind(6, records[i].level); raw.bind(7, records[i].stage)
                raw.bind(8, records[i].user); raw.bind(9, records[i].groups.joined(separator: "\n")); raw.bind(10, records[i].uid)
                raw.bind(11, records[i].podName); raw.bind(12, records[i].credentialID); raw.bind(13, records[i].node)
                raw.bind(14, records[i].verb); raw.bind(15, records[i].subresource); raw.bind(16, records[i].kubeletPath)
                raw.bind(17, records[i].decision.rawValue); raw.bind(18, records[i].reason); raw.bind(19, records[i].code)
                raw.bind(20, records[i].source.name); raw.bind(21, records[i].source.line); raw.bind(22, records[i].richness)
                raw.bind(23, records[i].cluster)
                switch records[i].source {
                case .file(_, _, let offset): raw.bind(24, offset); raw.bind(25, nil as String?)
                case .stream(_, let id): raw.bind(24, nil as Int?); raw.bind(25, id)
                }
                try raw.run()
            }
            let bad = try db.cachedStatement(sql: "INSERT OR IGNORE INTO malformed_line (source_file, line, reason) VALUES (?, ?, ?)")
            for m in batch.malformed { try bad.execute(arguments: [m.file, m.line, m.reason]) }
            switch batch.input {
            case .file(let path, let identity, let checkpoint, let continues):
                try record(file: path, identity: identity, checkpoint: checkpoint, continues: continues, counts: batch.counts, in: db)
            case .stream(let name, let id):
                let c = batch.counts
                try db.execute(sql: """
                    INSERT OR REPLACE INTO ingested_batch (stream, batch, lines, events, kubelet_reviews, node_proxy, bytes, updated)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [name, id, c.lines, c.events, c.kubeletReviews, c.nodeProxy, c.bytes, AuditTimestamp.text(Date().timeIntervalSince1970)])
            }
        }
    }

    /// A file's checkpoint and counts: counts add up from batch to batch of one read, and
    /// restart with a read from the start (or a new file under the name).
    private func record(file path: String, identity: String, checkpoint: FileCheckpoint, continues: Bool, counts: AuditScanCounts,
                        in db: Database) throws {
        let existing = try Row.fetchOne(db, sql: "SELECT identity, lines, events, kubelet_reviews, node_proxy, malformed, bytes FROM ingested_file WHERE path = ?",
                                        arguments: [path])
        var base = AuditScanCounts()
        if continues, let existing, (existing["identity"] as String) == identity {
            base.lines = existing["lines"]; base.events = existing["events"]; base.kubeletReviews = existing["kubelet_reviews"]
            base.nodeProxy = existing["node_proxy"]; base.malformed = existing["malformed"]; base.bytes = existing["bytes"]
        }
        base.add(counts)
        try db.execute(sql: """
            INSERT INTO ingested_file (path, identity, offset, line, complete, lines, events, kubelet_reviews, node_proxy, malformed, bytes, updated)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(path) DO UPDATE SET identity = excluded.identity, offset = excluded.offset, line = excluded.line,
                complete = excluded.complete, lines = excluded.lines, events = excluded.events,
                kubelet_reviews = excluded.kubelet_reviews, node_proxy = excluded.node_proxy, malformed = excluded.malformed,
                bytes = excluded.bytes, updated = excluded.updated
            """, arguments: [path, identity, checkpoint.offset, checkpoint.line, checkpoint.complete, base.lines, base.events,
                             base.kubeletReviews, base.nodeProxy, base.malformed, base.bytes, AuditTimestamp.text(Date().timeIntervalSince1970)])
    }

    /// Every stored record at or after `since` (epoch seconds), in time order. Repeated values
    /// (users, nodes, reasons) come back as one shared string each.
    public func records(since: Double? = nil) throws -> [AuditRecord] {
        try db.read { db in
            let raw = RawStatement(try db.makeStatement(sql: """
                SELECT audit_id, path, time, timestamp, level, stage, user, groups, uid, pod_name, credential_id, node, verb,
                       subresource, kubelet_path, decision, reason, code, source_file, source_line, cluster, source_offset, source_batch
                FROM audit_record WHERE time >= ?
                """), in: db)
            raw.bind(1, since ?? -Double.greatestFiniteMagnitude)
            let interner = StringInterner()
            var out: [AuditRecord] = []
            while try raw.step() {
                out.append(AuditRecord(
                    auditID: raw.text(0) ?? "", path: AuditRecord.Path(rawValue: raw.text(1, interner) ?? "") ?? .kubelet,
                    time: raw.double(2), timestamp: raw.text(3) ?? "", level: raw.text(4, interner) ?? "",
                    stage: raw.text(5, interner) ?? "", user: raw.text(6, interner),
                    groups: raw.lines(7, interner),
                    uid: raw.text(8, interner), podName: raw.text(9, interner), credentialID: raw.text(10, interner),
                    node: raw.text(11, interner) ?? "", verb: raw.text(12, interner) ?? "", subresource: raw.text(13, interner) ?? "",
                    kubeletPath: raw.text(14, interner), decision: AuditRecord.Decision(rawValue: raw.text(15, interner) ?? "") ?? .unknown,
                    reason: raw.text(16, interner) ?? "", code: raw.int(17), cluster: raw.text(20, interner) ?? "",
                    source: Self.source(raw, interner)))
            }
            // Ordered here rather than by SQLite: the same order as records kept in memory
            // (`AuditRecord.precedes`), and cheaper than SQLite's sort of the ties.
            out.sort(by: AuditRecord.precedes)
            return out
        }
    }

    /// A record's source from columns 18 to 22: a stream batch has a batch id, a file an offset
    /// (unknown, 0, for records written before schema v3).
    private static func source(_ raw: RawStatement, _ interner: StringInterner) -> EvidenceSource {
        let name = raw.text(18, interner) ?? ""
        if let batch = raw.text(22) { return .stream(name: name, batch: batch) }
        return .file(path: name, line: raw.int(19) ?? 0, offset: raw.int(21) ?? 0)
    }

    public func totals() throws -> AuditScanCounts {
        try db.read { db in
            var c = AuditScanCounts()
            for table in ["ingested_file", "ingested_batch"] {
                guard let row = try Row.fetchOne(db, sql: """
                    SELECT COALESCE(SUM(lines),0) AS l, COALESCE(SUM(events),0) AS e, COALESCE(SUM(bytes),0) AS b,
                           COALESCE(SUM(kubelet_reviews),0) AS k, COALESCE(SUM(node_proxy),0) AS p FROM \(table)
                    """) else { continue }
                c.lines += row["l"]; c.events += row["e"]; c.bytes += row["b"]; c.kubeletReviews += row["k"]; c.nodeProxy += row["p"]
            }
            c.malformed = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM malformed_line") ?? 0
            return c
        }
    }

    public func malformedLines(limit: Int) throws -> [MalformedLine] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT source_file, line, reason FROM malformed_line ORDER BY source_file, line LIMIT ?", arguments: [limit])
                .map { MalformedLine(file: $0["source_file"], line: $0["line"], reason: $0["reason"]) }
        }
    }
}
