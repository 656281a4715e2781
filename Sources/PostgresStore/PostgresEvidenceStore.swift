import Evidence
import Foundation
import PostgresNIO

/// The evidence store of a fleet: PostgreSQL, shared by many clusters and by writers running at
/// once (several `evidence` ingests, webhook replicas). The schema follows the SQLite store's
/// (`Store.EvidenceStore`): records keyed by request (the key names the cluster), the richer
/// copy kept, ties to the earlier source; checkpoints and counts per cluster and file. Each
/// batch is one transaction with its checkpoint, taken under an advisory lock on its file (or
/// stream batch), so two writers never both apply a batch over the same checkpoint.
public final class PostgresEvidenceStore: EvidenceWriter, EvidenceReader, @unchecked Sendable {
    public let location: PostgresLocation
    let session: PostgresSession
    /// One caller at a time on the connection.
    let lock = NSLock()
    /// Tries at a batch whose connection broke, or that lost a deadlock, before it is reported.
    var attempts = 4
    /// Fault tests: runs inside a batch's transaction once everything is written, before COMMIT.
    var beforeCommit: ((_ backendPID: Int) throws -> Void)?
    /// Rows per INSERT: a batch of 256 MB of log holds tens of thousands of records.
    static let rowsPerStatement = 10_000
    /// The transaction ids (as a row's `xmin` shows them) of the batches this store committed
    /// since `writeMark` was first asked for, under `lock`: what `onlyOwnCommits` tells apart
    /// from other writers' rows. Kept only once asked for: a long-running `serve` commits a
    /// batch every few seconds and would otherwise hold every id it ever committed.
    var committedTransactions: [Int] = []
    var recordsTransactions = false

    /// Connects and brings the schema up to date.
    public init(_ location: PostgresLocation) throws(PostgresStoreError) {
        self.location = location
        session = try PostgresSession(location)
        do { try PostgresSchema.migrate(session) } catch { throw Self.storeError(error) }
    }

    /// - Parameter environment: where the password may come from (`PGPASSWORD`, `PGPASSFILE`, `HOME`).
    public convenience init(url: String, environment: [String: String]) throws(PostgresStoreError) {
        let location: PostgresLocation
        do { location = try PostgresLocation(url, environment: environment) } catch {
            throw PostgresStoreError(.cannotConnect, "\(error)")
        }
        try self.init(location)
    }

    /// A read under the lock, on a new connection when the last one broke, and once more on a
    /// new one when it breaks during the read: a read changes nothing, so running it twice is
    /// harmless. A long-running `serve` otherwise answered every read with the lost connection
    /// until its next write reconnected.
    func reading<T>(_ body: () throws -> T) throws -> T {
        try lock.withLock {
            if !session.isConnected { try session.reconnect() }
            do {
                return try body()
            } catch let e as PostgresStoreError where e.kind == .connectionLost {
                try session.reconnect()
                return try body()
            }
        }
    }

    static func storeError(_ error: Error) -> PostgresStoreError {
        error as? PostgresStoreError ?? PostgresStoreError(.statement(retryable: false), "\(error)")
    }

    public var isPersistent: Bool { true }

    public func checkpoint(path: String, cluster: String) throws -> FileCheckpoint? {
        try reading { try stored(cluster: cluster, path: path)?.checkpoint }
    }

    /// A file's stored checkpoint and counts.
    private func stored(cluster: String, path: String) throws -> (checkpoint: FileCheckpoint, counts: AuditScanCounts)? {
        var binds = PostgresBindings()
        binds.append(cluster)
        binds.append(path)
        guard let row = try session.query("""
            SELECT identity, file_offset, line, complete, lines, events, kubelet_reviews, node_proxy, malformed, bytes
            FROM ingested_file WHERE cluster = $1 AND path = $2
            """, binds).first?.makeRandomAccess() else { return nil }
        var c = AuditScanCounts()
        c.lines = try row[4].decode(Int.self); c.events = try row[5].decode(Int.self); c.kubeletReviews = try row[6].decode(Int.self)
        c.nodeProxy = try row[7].decode(Int.self); c.malformed = try row[8].decode(Int.self); c.bytes = try row[9].decode(Int.self)
        return (FileCheckpoint(identity: try row[0].decode(String.self), offset: try row[1].decode(Int.self), line: try row[2].decode(Int.self),
                               complete: try row[3].decode(Bool.self)), c)
    }

    public func commit(_ batch: consuming EvidenceBatch) throws {
        try commit(prepared: prepare(batch))
    }

    /// A batch with its records already encoded as the statements' parameters (one set per
    /// `rowsPerStatement` records): the work done before the transaction, which an ingest
    /// does on its own thread while the commit before is still in flight.
    public struct PreparedBatch: @unchecked Sendable {
        /// The batch without its records.
        let batch: EvidenceBatch
        let recordStatements: [PostgresBindings]
    }

    /// The records, one per request in key order (`keyOrder`), encoded, each read in place.
    public func prepare(_ batch: consuming EvidenceBatch) -> PreparedBatch {
        var batch = batch
        var records: [AuditRecord] = []
        swap(&records, &batch.records)
        let (order, keys) = Self.keyOrder(records)
        var statements: [PostgresBindings] = []
        records.withUnsafeBufferPointer { rs in
            var start = 0
            while start < order.count {
                let end = min(start + Self.rowsPerStatement, order.count)
                statements.append(Self.columns(rs, order[start..<end], keys: keys[start..<end]))
                start = end
            }
        }
        return PreparedBatch(batch: batch, recordStatements: statements)
    }

    public func commit(prepared: consuming PreparedBatch) throws {
        let ready = prepared
        try lock.withLock { try commitRetrying(ready) }
    }

    /// The batch in one transaction, tried again on a new connection when the connection broke
    /// (or the server chose it as a deadlock's victim). A transaction that broke before its
    /// COMMIT left nothing behind; one whose COMMIT's answer was lost may have been applied, so
    /// it is tried again only when that is harmless: a file batch with a checkpoint to check (if
    /// applied, the retry finds the checkpoint moved and reports `EvidenceWriteConflict`, and the
    /// ingest carries on from there) or a stream batch (a resend replaces it).
    private func commitRetrying(_ prepared: PreparedBatch) throws {
        let batch = prepared.batch
        var attempt = 1
        while true {
            do {
                if !session.isConnected { try session.reconnect() }
                var transaction = 0
                try session.transaction {
                    transaction = try write(prepared)
                    try beforeCommit?(session.backendPID)
                }
                if recordsTransactions { committedTransactions.append(transaction) }
                return
            } catch let error as PostgresStoreError {
                let retry = switch error.kind {
                case .connectionLost, .statement(retryable: true): !error.outcomeUnknown || Self.isIdempotent(batch)
                case .cannotConnect: attempt > 1  // reconnecting after a break: the server may be restarting
                default: false
                }
                guard retry, attempt < attempts else {
                    throw PostgresStoreError(error.kind, error.description + "; the batch from \(Self.name(batch.input)) was not stored" +
                                             (attempt > 1 ? " (tried \(attempt) times)" : ""))
                }
                attempt += 1
                Thread.sleep(forTimeInterval: 0.2 * Double(attempt))
            }
        }
    }

    static func isIdempotent(_ batch: EvidenceBatch) -> Bool {
        switch batch.input {
        case .file(_, _, _, _, let after): after != .unchecked
        case .stream: true
        }
    }

    static func name(_ input: EvidenceBatch.Input) -> String {
        switch input {
        case .file(let path, _, _, _, _): path
        case .stream(let name, let batch): "\(name)#\(batch)"
        }
    }

    /// The batch's records, one per request (its winning copy), as indices into `records` in
    /// request-key order, with their keys: PostgreSQL's upsert takes each key once per
    /// statement, and writers that insert keys in one order do not deadlock on each other. Keys
    /// are written into one buffer (`RequestKeyBatch`) and compared as bytes (the order of
    /// `String.utf8`), the records read in place: a key string per record, and a copy of every
    /// record in a new array, cost a fifth of a second per gigabyte of log on the ingest's thread.
    static func keyOrder(_ records: [AuditRecord]) -> (order: [Int], keys: [String]) {
        let batch = RequestKeyBatch(records)
        var byKey = records.indices.filter { batch.kept[$0] }
        var keys: [String] = []
        batch.bytes.withUnsafeBufferPointer { a in
            guard let base = a.baseAddress else { return }
            let spans = batch.spans
            byKey.sort { x, y in
                let l = spans[x], r = spans[y]
                let c = memcmp(base + l.lowerBound, base + r.lowerBound, min(l.count, r.count))
                return c != 0 ? c < 0 : l.count < r.count
            }
            keys = byKey.map { String(decoding: UnsafeBufferPointer(rebasing: a[spans[$0]]), as: UTF8.self) }
        }
        return (byKey, keys)
    }

    /// Takes the lock and returns the transaction's id as the rows it writes show it in `xmin`
    /// (the 32-bit id, without `txid_current`'s epoch).
    private func advisoryLock(_ parts: String...) throws -> Int {
        var binds = PostgresBindings()
        binds.append(parts.joined(separator: "\u{1F}"))
        let row = try session.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0)), txid_current() % 4294967296", binds)
        return try row.first?.makeRandomAccess()[1].decode(Int.self) ?? -1
    }

    /// Returns the transaction's id (`advisoryLock`).
    private func write(_ prepared: PreparedBatch) throws -> Int {
        let batch = prepared.batch
        switch batch.input {
        case .file(let path, let identity, let checkpoint, let continues, let after):
            // Under the file's lock until COMMIT: no other writer moves the checkpoint between
            // this check and the commit (a row lock cannot guard a row not there yet).
            let transaction = try advisoryLock("file", batch.cluster, path)
            let stored = try stored(cluster: batch.cluster, path: path)
            guard after.holds(for: stored?.checkpoint) else {
                throw EvidenceWriteConflict(path: path, expected: after, found: stored?.checkpoint)
            }
            for statement in prepared.recordStatements { try session.query(Self.upsert, statement) }
            try insert(batch.malformed, cluster: batch.cluster)
            var counts = continues && stored?.checkpoint.identity == identity ? stored?.counts ?? AuditScanCounts() : AuditScanCounts()
            counts.add(batch.counts)
            var b = PostgresBindings()
            b.append(batch.cluster); b.append(path); b.append(identity); b.append(checkpoint.offset); b.append(checkpoint.line)
            b.append(checkpoint.complete); b.append(counts.lines); b.append(counts.events); b.append(counts.kubeletReviews)
            b.append(counts.nodeProxy); b.append(counts.malformed); b.append(counts.bytes)
            try session.query("""
                INSERT INTO ingested_file (cluster, path, identity, file_offset, line, complete, lines, events, kubelet_reviews,
                                           node_proxy, malformed, bytes)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                ON CONFLICT (cluster, path) DO UPDATE SET identity = excluded.identity, file_offset = excluded.file_offset,
                    line = excluded.line, complete = excluded.complete, lines = excluded.lines, events = excluded.events,
                    kubelet_reviews = excluded.kubelet_reviews, node_proxy = excluded.node_proxy, malformed = excluded.malformed,
                    bytes = excluded.bytes, updated = now()
                """, b)
            return transaction
        case .stream(let name, let id):
            let transaction = try advisoryLock("stream", batch.cluster, name, id)
            // A resend replaces what the earlier send of the batch wrote.
            var d = PostgresBindings()
            d.append(batch.cluster); d.append(name); d.append(id)
            try session.query("DELETE FROM audit_record WHERE cluster = $1 AND source_name = $2 AND source_batch = $3", d)
            var m = PostgresBindings()
            m.append(batch.cluster); m.append(EvidenceSource.malformedName(stream: name, batch: id))
            try session.query("DELETE FROM malformed_line WHERE cluster = $1 AND source_name = $2", m)
            for statement in prepared.recordStatements { try session.query(Self.upsert, statement) }
            try insert(batch.malformed, cluster: batch.cluster)
            let c = batch.counts
            var b = PostgresBindings()
            b.append(batch.cluster); b.append(name); b.append(id); b.append(c.lines); b.append(c.events); b.append(c.kubeletReviews)
            b.append(c.nodeProxy); b.append(c.bytes)
            try session.query("""
                INSERT INTO ingested_batch (cluster, stream, batch, lines, events, kubelet_reviews, node_proxy, bytes)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                ON CONFLICT (cluster, stream, batch) DO UPDATE SET lines = excluded.lines, events = excluded.events,
                    kubelet_reviews = excluded.kubelet_reviews, node_proxy = excluded.node_proxy, bytes = excluded.bytes, updated = now()
                """, b)
            return transaction
        }
    }

    static let recordColumns = ["request_key", "cluster", "audit_id", "path", "time", "timestamp", "level", "stage", "user_name", "groups",
                                "uid", "pod_name", "credential_id", "node", "verb", "subresource", "kubelet_path", "decision", "reason",
                                "code", "source_name", "source_line", "source_offset", "source_batch", "richness"]
    static let recordTypes = ["text", "text", "text", "text", "float8", "text", "text", "text", "text", "text", "text", "text", "text",
                              "text", "text", "text", "text", "text", "text", "int8", "text", "int8", "int8", "text", "int8"]

    /// Records as one statement per `rowsPerStatement`, each column one array parameter. Same
    /// rule as the SQLite store's upsert (Store/EvidenceStore.swift): a stored copy is replaced
    /// by a richer one, or an equally rich one from an earlier source (name, line, batch).
    static let upsert: String = {
        let params = zip(recordColumns.indices, recordTypes).map { "$\($0 + 1)::\($1)[]" }.joined(separator: ", ")
        let set = recordColumns.dropFirst().map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        return """
            INSERT INTO audit_record AS r (\(recordColumns.joined(separator: ", ")))
            SELECT * FROM unnest(\(params))
            ON CONFLICT (request_key) DO UPDATE SET \(set)
            WHERE excluded.richness > r.richness
               OR (excluded.richness = r.richness
                   AND (excluded.source_name, excluded.source_line, COALESCE(excluded.source_batch, ''))
                     < (r.source_name, r.source_line, COALESCE(r.source_batch, '')))
            """
    }()

    /// The records at `order` (with their `keys`) as one statement's array parameters, each
    /// field read in place (handing a record to a closure copies all of it).
    static func columns(_ rs: UnsafeBufferPointer<AuditRecord>, _ order: ArraySlice<Int>, keys: ArraySlice<String>) -> PostgresBindings {
        func text(_ f: (Int) -> String) -> [String] { order.map(f) }
        func optional(_ f: (Int) -> String?) -> NullableArray { NullableArray(values: .text(order.map(f))) }
        var b = PostgresBindings(capacity: recordColumns.count)
        b.append(Array(keys)); b.append(text { rs[$0].cluster }); b.append(text { rs[$0].auditID }); b.append(text { rs[$0].path.rawValue })
        b.append(order.map { rs[$0].time }); b.append(text { rs[$0].timestamp }); b.append(text { rs[$0].level })
        b.append(text { rs[$0].stage }); b.append(optional { rs[$0].user }); b.append(text { rs[$0].groups.joined(separator: "\n") })
        b.append(optional { rs[$0].uid }); b.append(optional { rs[$0].podName }); b.append(optional { rs[$0].credentialID })
        b.append(text { rs[$0].node }); b.append(text { rs[$0].verb }); b.append(text { rs[$0].subresource })
        b.append(optional { rs[$0].kubeletPath }); b.append(text { rs[$0].decision.rawValue }); b.append(text { rs[$0].reason })
        b.append(NullableArray(values: .int8(order.map { rs[$0].code }))); b.append(text { rs[$0].source.name })
        b.append(order.map { rs[$0].source.line })
        b.append(NullableArray(values: .int8(order.map { i -> Int? in
            if case .file(_, _, let offset) = rs[i].source { return offset }
            return nil
        })))
        b.append(optional { i in
            if case .stream(_, let batch) = rs[i].source { return batch }
            return nil
        })
        b.append(order.map { AuditRecord.richnessOf(hasUser: rs[$0].user != nil, decision: rs[$0].decision, stage: rs[$0].stage) })
        return b
    }

    private func insert(_ lines: [MalformedLine], cluster: String) throws {
        guard !lines.isEmpty else { return }
        var b = PostgresBindings()
        b.append(cluster); b.append(lines.map(\.file)); b.append(lines.map(\.line)); b.append(lines.map(\.reason))
        try session.query("""
            INSERT INTO malformed_line (cluster, source_name, line, reason)
            SELECT $1, * FROM unnest($2::text[], $3::int8[], $4::text[]) ON CONFLICT DO NOTHING
            """, b)
    }

    // MARK: Reading

    public func records(since: Double?, cluster: String?) throws -> [AuditRecord] {
        final class Collected: @unchecked Sendable { var records: [AuditRecord] = [] }  // filled on the session's one thread
        let collected = Collected()
        var b = PostgresBindings()
        b.append(since ?? -Double.greatestFiniteMagnitude)
        b.append(cluster)
        try reading {
            collected.records = []  // a read tried again starts afresh
            try session.forEachRow("""
                SELECT audit_id, path, time, timestamp, level, stage, user_name, groups, uid, pod_name, credential_id, node, verb,
                       subresource, kubelet_path, decision, reason, code, source_name, source_line, cluster, source_offset, source_batch
                FROM audit_record WHERE time >= $1 AND ($2::text IS NULL OR cluster = $2)
                """, b) { row in
                collected.records.append(try Self.record(row.makeRandomAccess()))
            }
        }
        // Sorted here, as the SQLite store does: the order of records kept in memory.
        return collected.records.sorted(by: AuditRecord.precedes)
    }

    static func record(_ r: PostgresRandomAccessRow) throws -> AuditRecord {
        let name = try r[18].decode(String.self)
        let source: EvidenceSource
        if let batch = try r[22].decode(String?.self) {
            source = .stream(name: name, batch: batch)
        } else {
            source = .file(path: name, line: try r[19].decode(Int.self), offset: try r[21].decode(Int?.self) ?? 0)
        }
        let groups = try r[7].decode(String.self)
        return AuditRecord(
            auditID: try r[0].decode(String.self), path: AuditRecord.Path(rawValue: try r[1].decode(String.self)) ?? .kubelet,
            time: try r[2].decode(Double.self), timestamp: try r[3].decode(String.self), level: try r[4].decode(String.self),
            stage: try r[5].decode(String.self), user: try r[6].decode(String?.self),
            groups: Self.groups(groups),
            uid: try r[8].decode(String?.self), podName: try r[9].decode(String?.self), credentialID: try r[10].decode(String?.self),
            node: try r[11].decode(String.self), verb: try r[12].decode(String.self), subresource: try r[13].decode(String.self),
            kubeletPath: try r[14].decode(String?.self), decision: AuditRecord.Decision(rawValue: try r[15].decode(String.self)) ?? .unknown,
            reason: try r[16].decode(String.self), code: try r[17].decode(Int?.self), cluster: try r[20].decode(String.self), source: source)
    }

    /// Groups as stored, joined by newlines: split on the byte, as the SQLite store does
    /// (`EvidenceStore.asStored`), where a `Character` split keeps "\r\n" whole.
    static func groups(_ joined: String) -> [String] {
        joined.isEmpty ? [] : joined.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    public func totals(cluster: String?) throws -> AuditScanCounts {
        var b = PostgresBindings()
        b.append(cluster)
        return try reading {
            let row = try session.query("""
                SELECT f.lines + b.lines, f.events + b.events, f.bytes + b.bytes, f.reviews + b.reviews, f.proxy + b.proxy, m.n
                FROM (SELECT COALESCE(SUM(lines), 0)::int8 AS lines, COALESCE(SUM(events), 0)::int8 AS events,
                             COALESCE(SUM(bytes), 0)::int8 AS bytes, COALESCE(SUM(kubelet_reviews), 0)::int8 AS reviews,
                             COALESCE(SUM(node_proxy), 0)::int8 AS proxy FROM ingested_file WHERE $1::text IS NULL OR cluster = $1) f,
                     (SELECT COALESCE(SUM(lines), 0)::int8 AS lines, COALESCE(SUM(events), 0)::int8 AS events,
                             COALESCE(SUM(bytes), 0)::int8 AS bytes, COALESCE(SUM(kubelet_reviews), 0)::int8 AS reviews,
                             COALESCE(SUM(node_proxy), 0)::int8 AS proxy FROM ingested_batch WHERE $1::text IS NULL OR cluster = $1) b,
                     (SELECT COUNT(*)::int8 AS n FROM malformed_line WHERE $1::text IS NULL OR cluster = $1) m
                """, b).first?.makeRandomAccess()
            var c = AuditScanCounts()
            guard let row else { return c }
            c.lines = try row[0].decode(Int.self); c.events = try row[1].decode(Int.self); c.bytes = try row[2].decode(Int.self)
            c.kubeletReviews = try row[3].decode(Int.self); c.nodeProxy = try row[4].decode(Int.self); c.malformed = try row[5].decode(Int.self)
            return c
        }
    }

    public func malformedLines(limit: Int, cluster: String?) throws -> [MalformedLine] {
        var b = PostgresBindings()
        b.append(limit)
        b.append(cluster)
        return try reading {
            try session.query("""
                SELECT source_name, line, reason FROM malformed_line WHERE $2::text IS NULL OR cluster = $2
                ORDER BY source_name, line, cluster LIMIT $1
                """, b).map {
                let r = $0.makeRandomAccess()
                return MalformedLine(file: try r[0].decode(String.self), line: try r[1].decode(Int.self), reason: try r[2].decode(String.self))
            }
        }
    }

    public func inputs(cluster: String?) throws -> [String] {
        var b = PostgresBindings()
        b.append(cluster)
        return try reading {
            try session.query("""
                SELECT path FROM ingested_file WHERE $1::text IS NULL OR cluster = $1
                UNION SELECT stream || '#' || batch FROM ingested_batch WHERE $1::text IS NULL OR cluster = $1 ORDER BY 1
                """, b).map {
                try $0.makeRandomAccess()[0].decode(String.self)
            }
        }
    }

    /// Per cluster, one pass over the records (no index serves it; `fleet` asks once per run).
    public func freshness(recentSince: Double) throws -> [EvidenceFreshness] {
        var b = PostgresBindings()
        b.append(recentSince)
        return try reading {
            try session.query("""
                SELECT cluster, MAX(time), COUNT(*) FILTER (WHERE time >= $1)::int8 FROM audit_record GROUP BY cluster ORDER BY cluster
                """, b).map {
                let r = $0.makeRandomAccess()
                return EvidenceFreshness(cluster: try r[0].decode(String.self), latest: try r[1].decode(Double.self), recent: try r[2].decode(Int.self))
            }
        }
    }
}
