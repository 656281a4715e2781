import AuditScanning
import Evidence
import Foundation

/// The evidence database (SQLite, bundled by vapor/sqlite-nio, through its C API). Records are
/// keyed by request (time received, auditID, node, path, cluster), so overlapping or repeated
/// files and re-sent batches never count twice; each file's progress is committed with its
/// records, so an interrupted ingest resumes where it stopped and loses nothing.
public final class EvidenceStore: EvidenceWriter, EvidenceReader, @unchecked Sendable {
    public let path: String
    let db: SQLiteConnection
    /// One caller at a time on the connection (commits come from the ingest's threads in turn,
    /// reads from the caller's).
    let lock = NSLock()

    public struct StoreError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The file did not exist, or was empty, before this open: nothing but this process has
    /// written to it (see `beginFirstLoad`).
    public let createdFresh: Bool

    public init(path: String) throws(StoreError) {
        self.path = path
        let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int
        createdFresh = size == nil || size == 0
        do {
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            db = try SQLiteConnection(path: path)
            // Larger pages for a new database (an existing one keeps its own): fewer, fuller
            // pages for rows of a dozen strings. Set before WAL, which fixes the page size.
            try db.execute("PRAGMA page_size = 16384")
            // WAL with synchronous=NORMAL: a commit no longer waits for the disk. A crash can
            // lose the last commits but never corrupts the file, and since each file's
            // checkpoint is committed with its records, a lost commit is read again next time.
            // (A file in the middle of another process's first load stays as it is until that
            // load puts it back: then FULL, as there.)
            let wal = try db.askForWAL()
            try db.execute(wal ? "PRAGMA synchronous = NORMAL" : "PRAGMA synchronous = FULL")
            // Records arrive in time order but are keyed by request, so inserts land all
            // over the key index: with SQLite's default 2 MB cache each commit read and
            // wrote back most of it. Up to 64 MB is kept instead (used only as it fills).
            try db.execute("PRAGMA cache_size = -65536")
            try Self.migrator.migrate(db)
        } catch {
            // The connection's errors already begin with the file.
            throw StoreError(description: "cannot open the evidence database \(error)")
        }
    }

    /// Versioned schema; migrations only ever append.
    static var migrator: SchemaMigrator {
        var m = SchemaMigrator()
        m.register("v1") { db in
            try db.execute("""
                CREATE TABLE audit_record (
                    request_key TEXT NOT NULL PRIMARY KEY, audit_id TEXT NOT NULL, path TEXT NOT NULL, time DOUBLE NOT NULL,
                    timestamp TEXT NOT NULL, level TEXT NOT NULL, stage TEXT NOT NULL, user TEXT, groups TEXT NOT NULL, uid TEXT,
                    pod_name TEXT, credential_id TEXT, node TEXT NOT NULL, verb TEXT NOT NULL, subresource TEXT NOT NULL,
                    kubelet_path TEXT, decision TEXT NOT NULL, reason TEXT NOT NULL, code INTEGER, source_file TEXT NOT NULL,
                    source_line INTEGER NOT NULL, richness INTEGER NOT NULL);
                CREATE INDEX audit_record_time ON audit_record(time);
                CREATE TABLE ingested_file (
                    path TEXT NOT NULL PRIMARY KEY, identity TEXT NOT NULL, offset INTEGER NOT NULL, line INTEGER NOT NULL,
                    complete BOOLEAN NOT NULL, lines INTEGER NOT NULL, events INTEGER NOT NULL, kubelet_reviews INTEGER NOT NULL,
                    node_proxy INTEGER NOT NULL, malformed INTEGER NOT NULL, bytes INTEGER NOT NULL, updated TEXT NOT NULL);
                CREATE TABLE malformed_line (
                    source_file TEXT NOT NULL, line INTEGER NOT NULL, reason TEXT NOT NULL, PRIMARY KEY (source_file, line));
                """)
        }
        // v2: request keys start with the time received (see `AuditRecord.requestKey`).
        m.register("v2") { db in
            try db.execute("""
                UPDATE audit_record
                SET request_key = timestamp || char(31) || audit_id || char(31) || node || char(31) || path
                """)
        }
        // v3: records carry their cluster and a source that is a file (path, line, offset) or a
        // stream batch (name, batch id); batches are counted once each, however often sent.
        m.register("v3") { db in
            try db.execute("""
                ALTER TABLE audit_record ADD COLUMN cluster TEXT NOT NULL DEFAULT '';
                ALTER TABLE audit_record ADD COLUMN source_offset INTEGER;
                ALTER TABLE audit_record ADD COLUMN source_batch TEXT;
                CREATE TABLE ingested_batch (
                    stream TEXT NOT NULL, batch TEXT NOT NULL, lines INTEGER NOT NULL, events INTEGER NOT NULL,
                    kubelet_reviews INTEGER NOT NULL, node_proxy INTEGER NOT NULL, bytes INTEGER NOT NULL, updated TEXT NOT NULL,
                    PRIMARY KEY (stream, batch));
                """)
        }
        // v4: a stream batch sent again replaces its records, found through this index (only
        // stream records are in it, so reading files pays nothing for it).
        m.register("v4") { db in
            try db.execute("CREATE INDEX audit_record_batch ON audit_record(source_file, source_batch) WHERE source_batch IS NOT NULL")
        }
        // v5: saved scans, their content by hash, findings' lifecycle and acceptances (ScanHistoryStore).
        m.register("v5", Self.scanHistorySchema)
        // v6: the authorization webhook's decisions, aggregated (see `DecisionTable`).
        m.register("v6") { db in try db.execute(DecisionTable.schema) }
        // v7: one database for several clusters, as the PostgreSQL store keeps them: files'
        // checkpoints and counts, stream batches and malformed lines are per cluster (the same
        // log ingested for two clusters resumes for each), and so are the webhook's decisions.
        // SQLite cannot change a primary key, so the tables are rebuilt; what was there is kept
        // under cluster "", the name it was ingested under.
        m.register("v7") { db in
            try db.execute("""
                CREATE TABLE ingested_file_v7 (
                    cluster TEXT NOT NULL, path TEXT NOT NULL, identity TEXT NOT NULL, offset INTEGER NOT NULL, line INTEGER NOT NULL,
                    complete BOOLEAN NOT NULL, lines INTEGER NOT NULL, events INTEGER NOT NULL, kubelet_reviews INTEGER NOT NULL,
                    node_proxy INTEGER NOT NULL, malformed INTEGER NOT NULL, bytes INTEGER NOT NULL, updated TEXT NOT NULL,
                    PRIMARY KEY (cluster, path));
                INSERT INTO ingested_file_v7 SELECT '', path, identity, offset, line, complete, lines, events, kubelet_reviews,
                    node_proxy, malformed, bytes, updated FROM ingested_file;
                DROP TABLE ingested_file;
                ALTER TABLE ingested_file_v7 RENAME TO ingested_file;
                CREATE TABLE ingested_batch_v7 (
                    cluster TEXT NOT NULL, stream TEXT NOT NULL, batch TEXT NOT NULL, lines INTEGER NOT NULL, events INTEGER NOT NULL,
                    kubelet_reviews INTEGER NOT NULL, node_proxy INTEGER NOT NULL, bytes INTEGER NOT NULL, updated TEXT NOT NULL,
                    PRIMARY KEY (cluster, stream, batch));
                INSERT INTO ingested_batch_v7 SELECT '', stream, batch, lines, events, kubelet_reviews, node_proxy, bytes, updated
                    FROM ingested_batch;
                DROP TABLE ingested_batch;
                ALTER TABLE ingested_batch_v7 RENAME TO ingested_batch;
                CREATE TABLE malformed_line_v7 (
                    cluster TEXT NOT NULL, source_file TEXT NOT NULL, line INTEGER NOT NULL, reason TEXT NOT NULL,
                    PRIMARY KEY (cluster, source_file, line));
                INSERT INTO malformed_line_v7 SELECT '', source_file, line, reason FROM malformed_line;
                DROP TABLE malformed_line;
                ALTER TABLE malformed_line_v7 RENAME TO malformed_line;
                """)
            try db.execute(DecisionTable.perCluster)
        }
        return m
    }

    public var isPersistent: Bool { true }

    /// Starts the first load into a database this process created (`createdFresh`): commits
    /// are written into the file under a rollback journal, not through the write-ahead log,
    /// which writes every page twice (into the log at the commit, into the file at the next
    /// checkpoint, the last one as the database closes): a tenth of the CPU of a gigabyte of
    /// fleet log into a fresh database. SQLite leaves write-ahead logging only when no other
    /// connection has the file open (the load then goes through the log as always). Another
    /// process that opens the file meanwhile waits for a gap between two commits and puts it
    /// back into WAL (`SQLiteConnection.askForWAL`), and the load goes on through the log.
    /// synchronous=FULL: with a rollback journal, NORMAL could leave a corrupt file after a
    /// power loss; FULL cannot, and the page cache made it no slower here.
    /// - Returns: whether the load writes in place; call `endFirstLoad()` after it, if so.
    public func beginFirstLoad() throws -> Bool {
        guard createdFresh else { return false }
        return try lock.withLock {
            // Another connection holding the file makes the change fail (SQLite does not wait for
            // the lock that leaving WAL takes): the load then goes through the log.
            guard (try? mode(set: "TRUNCATE")) == "truncate" else { return false }
            try db.execute("PRAGMA synchronous = FULL")
            return true
        }
    }

    /// Back to write-ahead logging (readers read beside writers) after `beginFirstLoad()`. If
    /// another connection opened the file meanwhile and is reading it, the change is not waited
    /// for: it is made at the next open instead (every open asks for WAL), and the load, which is
    /// in, does not fail for it.
    public func endFirstLoad() throws {
        try lock.withLock {
            // NORMAL only in WAL: with a rollback journal it could corrupt the file at a power loss.
            guard (try? db.withoutWaiting({ try mode(set: "WAL") })) == "wal" else { return }
            try db.execute("PRAGMA synchronous = NORMAL")
        }
    }

    /// SQLite's journal mode for this connection, as `PRAGMA journal_mode` names it ("wal").
    public func journalMode() throws -> String {
        try lock.withLock { try mode(set: nil) }
    }

    /// The journal mode after asking for `set` (nil: as it is). The statement is done with when
    /// this returns.
    private func mode(set: String?) throws -> String {
        let q = try db.prepare("PRAGMA journal_mode" + (set.map { " = " + $0 } ?? ""))
        return try q.step() ? q.text(0) ?? "" : ""
    }

    /// True when the database holds no evidence at all: no record, input, batch or malformed line.
    public func holdsNothing() throws -> Bool {
        try lock.withLock {
            let q = try db.prepare("""
                SELECT NOT (EXISTS (SELECT 1 FROM audit_record) OR EXISTS (SELECT 1 FROM ingested_file)
                            OR EXISTS (SELECT 1 FROM ingested_batch) OR EXISTS (SELECT 1 FROM malformed_line))
                """)
            return try q.step() && q.int(0) == 1
        }
    }

    /// SQLite's `PRAGMA data_version`: it changes when another connection commits to the file
    /// (never for this connection's own commits).
    public func dataVersion() throws -> Int {
        try lock.withLock {
            let q = try db.prepare("PRAGMA data_version")
            return try q.step() ? q.int(0) ?? 0 : 0
        }
    }

    /// Whether `asStored` changes the record (rarely: checked before copying anything).
    public static func changesWhenStored(_ r: AuditRecord) -> Bool {
        (r.groups.count == 1 && r.groups[0].isEmpty) || r.groups.contains { $0.utf8.contains(0x0A) }
    }

    /// A record as reading it back from the database gives it: groups are stored joined by
    /// newlines, so a group that holds one, or a single empty group, comes back otherwise.
    /// (Times are finite, as `AuditTimestamp` makes them, and come back as they went in.)
    public static func asStored(_ r: inout AuditRecord) {
        guard changesWhenStored(r) else { return }
        // Split on the byte, as `RawStatement.lines` does ("\r\n" is one Character).
        let joined = Array(r.groups.joined(separator: "\n").utf8)
        r.groups = joined.isEmpty ? [] : joined.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    public func checkpoint(path: String, cluster: String) throws -> FileCheckpoint? {
        try lock.withLock { try storedCheckpoint(path, cluster: cluster) }
    }

    private func storedCheckpoint(_ path: String, cluster: String) throws -> FileCheckpoint? {
        let q = try db.prepare("SELECT identity, offset, line, complete FROM ingested_file WHERE cluster = ? AND path = ?")
        q.bind(1, cluster); q.bind(2, path)
        guard try q.step() else { return nil }
        return FileCheckpoint(identity: q.text(0) ?? "", offset: q.int(1) ?? 0, line: q.int(2) ?? 0, complete: q.int(3) == 1)
    }

    /// What an earlier send of a stream batch wrote, removed so that this send replaces it
    /// (its counts row is replaced where it is written).
    private func replace(stream name: String, batch id: String, cluster: String) throws {
        let records = try db.prepare("DELETE FROM audit_record WHERE source_file = ? AND source_batch = ? AND cluster = ?")
        records.bind(1, name); records.bind(2, id); records.bind(3, cluster)
        try records.run()
        let malformed = try db.prepare("DELETE FROM malformed_line WHERE cluster = ? AND source_file = ?")
        malformed.bind(1, cluster); malformed.bind(2, EvidenceSource.malformedName(stream: name, batch: id))
        try malformed.run()
    }

    public func commit(_ batch: consuming EvidenceBatch) throws {
        let batch = batch  // a closure cannot capture a consuming parameter
        try lock.withLock {
            try db.transaction { try write(batch) }
        }
    }

    /// The commit with synchronous=FULL: in WAL mode NORMAL may lose the last commits at power
    /// loss, which a re-readable file can afford and an acknowledged webhook batch cannot.
    public func commitDurably(_ batch: consuming EvidenceBatch) throws {
        let batch = batch
        try lock.withLock {
            try db.execute("PRAGMA synchronous = FULL")
            defer { try? db.execute("PRAGMA synchronous = NORMAL") }
            try db.transaction { try write(batch) }
        }
    }

    private func write(_ batch: EvidenceBatch) throws {
        // Inside the transaction, which holds the write lock from its start: no other writer
        // can move the checkpoint between this check and the commit.
        switch batch.input {
        case .file(let path, _, _, _, let after):
            let stored = try storedCheckpoint(path, cluster: batch.cluster)
            guard after.holds(for: stored) else { throw EvidenceWriteConflict(path: path, expected: after, found: stored) }
        case .stream(let name, let id):
            try replace(stream: name, batch: id, cluster: batch.cluster)
        }
        let raw = try db.prepare("""
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
        let records = batch.records
        // One copy per request, its key written once: a log holds most kubelet reviews twice
        // (RequestReceived and ResponseComplete), and the upsert of the second found the first
        // and rewrote it.
        let keys = RequestKeyBatch(records)
        // The groups are assembled in a buffer kept from row to row, not in new strings.
        var groups: [UInt8] = []
        // Stored fields only (`records[i].requestKey` would copy the record, two dozen retains).
        for i in records.indices where keys.kept[i] {
            keys.bytes.withUnsafeBufferPointer { raw.bind(1, utf8: UnsafeBufferPointer(rebasing: $0[keys.spans[i]])) }
            raw.bind(2, records[i].auditID); raw.bind(3, records[i].path.rawValue)
            raw.bind(4, records[i].time); raw.bind(5, records[i].timestamp); raw.bind(6, records[i].level); raw.bind(7, records[i].stage)
            groups.removeAll(keepingCapacity: true)
            for (k, group) in records[i].groups.enumerated() {
                if k > 0 { groups.append(0x0A) }
                groups.append(contentsOf: group.utf8)
            }
            raw.bind(8, records[i].user); raw.bind(9, utf8: groups); raw.bind(10, records[i].uid)
            raw.bind(11, records[i].podName); raw.bind(12, records[i].credentialID); raw.bind(13, records[i].node)
            raw.bind(14, records[i].verb); raw.bind(15, records[i].subresource); raw.bind(16, records[i].kubeletPath)
            raw.bind(17, records[i].decision.rawValue); raw.bind(18, records[i].reason); raw.bind(19, records[i].code)
            raw.bind(20, records[i].source.name); raw.bind(21, records[i].source.line)
            raw.bind(22, AuditRecord.richnessOf(hasUser: records[i].user != nil, decision: records[i].decision, stage: records[i].stage))
            raw.bind(23, records[i].cluster)
            switch records[i].source {
            case .file(_, _, let offset): raw.bind(24, offset); raw.bind(25, nil as String?)
            case .stream(_, let id): raw.bind(24, nil as Int?); raw.bind(25, id)
            }
            try raw.run()
        }
        let bad = try db.prepare("INSERT OR IGNORE INTO malformed_line (cluster, source_file, line, reason) VALUES (?, ?, ?, ?)")
        for m in batch.malformed {
            bad.bind(1, batch.cluster); bad.bind(2, m.file); bad.bind(3, m.line); bad.bind(4, m.reason)
            try bad.run()
        }
        let now = AuditTimestamp.text(Date().timeIntervalSince1970)
        switch batch.input {
        case .file(let path, let identity, let checkpoint, let continues, _):
            try record(file: path, cluster: batch.cluster, identity: identity, checkpoint: checkpoint, continues: continues,
                       counts: batch.counts, now: now)
        case .stream(let name, let id):
            let c = batch.counts
            let q = try db.prepare("""
                INSERT OR REPLACE INTO ingested_batch (cluster, stream, batch, lines, events, kubelet_reviews, node_proxy, bytes, updated)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            q.bind(1, batch.cluster); q.bind(2, name); q.bind(3, id); q.bind(4, c.lines); q.bind(5, c.events); q.bind(6, c.kubeletReviews)
            q.bind(7, c.nodeProxy); q.bind(8, c.bytes); q.bind(9, now)
            try q.run()
        }
    }

    /// A file's checkpoint and counts: counts add up from batch to batch of one read, and
    /// restart with a read from the start (or a new file under the name).
    private func record(file path: String, cluster: String, identity: String, checkpoint: FileCheckpoint, continues: Bool,
                        counts: AuditScanCounts, now: String) throws {
        var base = AuditScanCounts()
        if continues {
            let q = try db.prepare("""
                SELECT identity, lines, events, kubelet_reviews, node_proxy, malformed, bytes FROM ingested_file WHERE cluster = ? AND path = ?
                """)
            q.bind(1, cluster); q.bind(2, path)
            if try q.step(), q.text(0) == identity {
                base.lines = q.int(1) ?? 0; base.events = q.int(2) ?? 0; base.kubeletReviews = q.int(3) ?? 0
                base.nodeProxy = q.int(4) ?? 0; base.malformed = q.int(5) ?? 0; base.bytes = q.int(6) ?? 0
            }
        }
        base.add(counts)
        let q = try db.prepare("""
            INSERT INTO ingested_file (path, identity, offset, line, complete, lines, events, kubelet_reviews, node_proxy, malformed, bytes, updated,
                                       cluster)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(cluster, path) DO UPDATE SET identity = excluded.identity, offset = excluded.offset, line = excluded.line,
                complete = excluded.complete, lines = excluded.lines, events = excluded.events,
                kubelet_reviews = excluded.kubelet_reviews, node_proxy = excluded.node_proxy, malformed = excluded.malformed,
                bytes = excluded.bytes, updated = excluded.updated
            """)
        q.bind(1, path); q.bind(2, identity); q.bind(3, checkpoint.offset); q.bind(4, checkpoint.line); q.bind(5, checkpoint.complete ? 1 : 0)
        q.bind(6, base.lines); q.bind(7, base.events); q.bind(8, base.kubeletReviews); q.bind(9, base.nodeProxy)
        q.bind(10, base.malformed); q.bind(11, base.bytes); q.bind(12, now); q.bind(13, cluster)
        try q.run()
    }

    /// Every stored record at or after `since` (epoch seconds), in time order. Repeated values
    /// (users, nodes, reasons) come back as one shared string each.
    public func records(since: Double? = nil, cluster: String? = nil) throws -> [AuditRecord] {
        try lock.withLock {
            let raw = try db.prepare("""
                SELECT audit_id, path, time, timestamp, level, stage, user, groups, uid, pod_name, credential_id, node, verb,
                       subresource, kubelet_path, decision, reason, code, source_file, source_line, cluster, source_offset, source_batch
                FROM audit_record WHERE time >= ?\(cluster == nil ? "" : " AND cluster = ?")
                """)
            raw.bind(1, since ?? -Double.greatestFiniteMagnitude)
            if let cluster { raw.bind(2, cluster) }
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

    public func inputs(cluster: String?) throws -> [String] {
        try lock.withLock {
            let q = try db.prepare("""
                SELECT path FROM ingested_file WHERE ?1 IS NULL OR cluster = ?1
                UNION SELECT stream || '#' || batch FROM ingested_batch WHERE ?1 IS NULL OR cluster = ?1 ORDER BY 1
                """)
            q.bind(1, cluster)
            var out: [String] = []
            while try q.step() { if let t = q.text(0) { out.append(t) } }
            return out
        }
    }

    public func totals(cluster: String?) throws -> AuditScanCounts {
        try lock.withLock {
            var c = AuditScanCounts()
            for table in ["ingested_file", "ingested_batch"] {
                let q = try db.prepare("""
                    SELECT COALESCE(SUM(lines),0), COALESCE(SUM(events),0), COALESCE(SUM(bytes),0),
                           COALESCE(SUM(kubelet_reviews),0), COALESCE(SUM(node_proxy),0) FROM \(table) WHERE ?1 IS NULL OR cluster = ?1
                    """)
                q.bind(1, cluster)
                guard try q.step() else { continue }
                c.lines += q.int(0) ?? 0; c.events += q.int(1) ?? 0; c.bytes += q.int(2) ?? 0
                c.kubeletReviews += q.int(3) ?? 0; c.nodeProxy += q.int(4) ?? 0
            }
            let q = try db.prepare("SELECT COUNT(*) FROM malformed_line WHERE ?1 IS NULL OR cluster = ?1")
            q.bind(1, cluster)
            c.malformed = try q.step() ? q.int(0) ?? 0 : 0
            return c
        }
    }

    public func malformedLines(limit: Int, cluster: String?) throws -> [MalformedLine] {
        try lock.withLock {
            let q = try db.prepare("""
                SELECT source_file, line, reason FROM malformed_line WHERE ?2 IS NULL OR cluster = ?2 ORDER BY source_file, line, cluster LIMIT ?1
                """)
            q.bind(1, limit); q.bind(2, cluster)
            var out: [MalformedLine] = []
            while try q.step() { out.append(MalformedLine(file: q.text(0) ?? "", line: q.int(1) ?? 0, reason: q.text(2) ?? "")) }
            return out
        }
    }

    /// Per cluster: a scan of the records (no index serves it; `fleet` asks once per run).
    public func freshness(recentSince: Double) throws -> [EvidenceFreshness] {
        try lock.withLock {
            let q = try db.prepare("SELECT cluster, MAX(time), SUM(time >= ?) FROM audit_record GROUP BY cluster ORDER BY cluster")
            q.bind(1, recentSince)
            var out: [EvidenceFreshness] = []
            while try q.step() { out.append(EvidenceFreshness(cluster: q.text(0) ?? "", latest: q.double(1), recent: q.int(2) ?? 0)) }
            return out
        }
    }
}
