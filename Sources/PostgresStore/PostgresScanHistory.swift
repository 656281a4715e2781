import Foundation
import History
import Store
import PostgresNIO

/// The scan history of a fleet, in the evidence database (schema version 2): the SQLite store's
/// design (Store/SQLiteScanHistory.swift) for many clusters and many writers. Parts of a scan's
/// content are rows keyed by their SHA-256, inserted `ON CONFLICT DO NOTHING`, so two clusters
/// (or two writers) saving the same part store it once; the scan row and the findings' lifecycle
/// are one transaction, taken under an advisory lock on the cluster, so two saves of one cluster
/// at once advance its lifecycle one after the other, never both from the same previous scan.
extension PostgresEvidenceStore: ScanHistoryStore {
    private static let scanColumns = """
        id, cluster, time, release, inventory_hash, findings_hash, governance_hash, subjects, exec_capable, critical, high, medium, low, info
        """

    public func save(_ content: ScanContent, cluster: String, time: Double) throws -> SavedScan {
        let parts = content.blobs(hashedWith: .sha256).sorted { $0.hash < $1.hash }  // one order for every writer: no deadlock between them
        return try history {
            try inTransaction {
                var lock = PostgresBindings()
                lock.append("scan\u{1F}" + cluster)
                try session.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", lock)
                var row = SavedScan.row(for: content, blobs: parts, cluster: cluster, time: time)
                let previous = try latestScan(cluster: cluster)
                for b in parts {
                    var binds = PostgresBindings()
                    binds.append(b.hash); binds.append(b.kind.rawValue); try binds.append(b.body)
                    try session.query("INSERT INTO scan_content (hash, kind, body) VALUES ($1, $2, $3) ON CONFLICT (hash) DO NOTHING", binds)
                }
                var q = PostgresBindings()
                q.append(cluster); q.append(time); q.append(row.release); q.append(row.inventoryHash); q.append(row.findingsHash)
                q.append(row.governanceHash); q.append(row.subjects); q.append(row.execCapable); q.append(row.findings.critical)
                q.append(row.findings.high); q.append(row.findings.medium); q.append(row.findings.low); q.append(row.findings.info)
                row.id = try session.query("""
                    INSERT INTO scan (cluster, time, release, inventory_hash, findings_hash, governance_hash, subjects, exec_capable,
                                      critical, high, medium, low, info)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id
                    """, q).first?.makeRandomAccess()[0].decode(Int.self) ?? 0
                if previous?.findingsHash != row.findingsHash {
                    var known: [String: FindingLifecycle] = [:]
                    for l in try storedLifecycles(cluster: cluster) { known[l.fingerprint] = l }
                    try write(FindingLifecycle.advance(known: known, present: content.findings, cluster: cluster, time: time,
                                                       previousScan: previous?.time))
                }
                return row
            }
        }
    }

    public func scans(cluster: String?, since: Double?) throws -> [SavedScan] {
        var b = PostgresBindings()
        b.append(cluster); b.append(since ?? -Double.greatestFiniteMagnitude)
        return try history {
            try reading {
                try session.query("""
                    SELECT \(Self.scanColumns) FROM scan WHERE ($1::text IS NULL OR cluster = $1) AND time >= $2 ORDER BY time, id
                    """, b).map { try Self.scanRow($0.makeRandomAccess()) }
            }
        }
    }

    public func scan(id: Int) throws -> SavedScan? {
        var b = PostgresBindings()
        b.append(id)
        return try history {
            try reading {
                try session.query("SELECT \(Self.scanColumns) FROM scan WHERE id = $1", b).first.map { try Self.scanRow($0.makeRandomAccess()) }
            }
        }
    }

    public func content(of scan: SavedScan) throws -> ScanContent {
        var b = PostgresBindings()
        b.append(scan.inventoryHash); b.append(scan.findingsHash); b.append(scan.governanceHash)
        let parts: [ContentBlob.Kind: ContentBlob] = try history {
            try reading {
                var out: [ContentBlob.Kind: ContentBlob] = [:]
                for row in try session.query("SELECT hash, body FROM scan_content WHERE hash IN ($1, $2, $3)", b) {
                    let r = row.makeRandomAccess()
                    let hash = try r[0].decode(String.self)
                    for kind in scan.parts(withHash: hash) { out[kind] = ContentBlob(kind: kind, hash: hash, body: try r[1].decode(Data.self)) }
                }
                return out
            }
        }
        return try ScanContent.assemble(parts)
    }

    public func findingLifecycles(cluster: String) throws -> [FindingLifecycle] {
        try history {
            try reading {
                let latest = try latestScan(cluster: cluster)?.time
                return try storedLifecycles(cluster: cluster).map { $0.reported(latestScan: latest) }
            }
        }
    }

    public func record(_ a: RecordedAcceptance) throws {
        try history {
            try inTransaction {
                var b = PostgresBindings()
                b.append(a.cluster); b.append(a.fingerprint); b.append(a.reason); b.append(a.until); b.append(a.recordedAt)
                try session.query("""
                    INSERT INTO finding_acceptance (cluster, fingerprint, reason, until, recorded_at) VALUES ($1, $2, $3, $4, $5)
                    ON CONFLICT (cluster, fingerprint) DO UPDATE SET reason = excluded.reason, until = excluded.until,
                        recorded_at = excluded.recorded_at
                    """, b)
            }
        }
    }

    public func acceptances() throws -> [RecordedAcceptance] {
        try history {
            try reading {
                try session.query("SELECT fingerprint, cluster, reason, until, recorded_at FROM finding_acceptance ORDER BY fingerprint, cluster").map {
                    let r = $0.makeRandomAccess()
                    return RecordedAcceptance(fingerprint: try r[0].decode(String.self), cluster: try r[1].decode(String.self),
                                              reason: try r[2].decode(String.self), until: try r[3].decode(String.self),
                                              recordedAt: try r[4].decode(Double.self))
                }
            }
        }
    }

    public func contentRowCount() throws -> Int {
        try history {
            try reading {
                try session.query("SELECT ((SELECT COUNT(*) FROM scan_content) + (SELECT COUNT(*) FROM finding_lifecycle))::int8")
                    .first?.makeRandomAccess()[0].decode(Int.self) ?? 0
            }
        }
    }

    /// True when the database holds no audit evidence (Store.EvidenceStore's `holdsNothing`):
    /// a store named only to save scans into joins no evidence to the scan.
    public func holdsNothing() throws -> Bool {
        try reading {
            try session.query("""
                SELECT NOT (EXISTS (SELECT 1 FROM audit_record) OR EXISTS (SELECT 1 FROM ingested_file)
                            OR EXISTS (SELECT 1 FROM ingested_batch) OR EXISTS (SELECT 1 FROM malformed_line))
                """).first?.makeRandomAccess()[0].decode(Bool.self) ?? true
        }
    }

    // MARK: Inside the lock

    /// `body` in one transaction on a live connection, under the lock; tried again (up to
    /// `attempts`) when it lost a deadlock or its connection broke before COMMIT was sent, which
    /// left nothing behind; never when COMMIT's answer was lost.
    @discardableResult
    func inTransaction<T>(_ body: () throws -> T) throws -> T {
        try reading {
            var attempt = 1
            while true {
                do {
                    if !session.isConnected { try session.reconnect() }
                    return try session.transaction(body)
                } catch let error as PostgresStoreError where error.isRetryable && !error.outcomeUnknown && attempt < attempts {
                    attempt += 1
                    Thread.sleep(forTimeInterval: 0.1 * Double(attempt))
                }
            }
        }
    }

    private func latestScan(cluster: String) throws -> SavedScan? {
        var b = PostgresBindings()
        b.append(cluster)
        return try session.query("SELECT \(Self.scanColumns) FROM scan WHERE cluster = $1 ORDER BY time DESC, id DESC LIMIT 1", b)
            .first.map { try Self.scanRow($0.makeRandomAccess()) }
    }

    private func storedLifecycles(cluster: String) throws -> [FindingLifecycle] {
        var b = PostgresBindings()
        b.append(cluster)
        return try session.query("""
            SELECT fingerprint, rule, severity, subject_kind, subject_namespace, subject_name, message, first_seen, last_seen, fixed_at
            FROM finding_lifecycle WHERE cluster = $1 ORDER BY fingerprint
            """, b).map { row in
            let r = row.makeRandomAccess()
            let subject = try r[3].decode(String?.self).map {
                SubjectRef(kind: $0, namespace: try r[4].decode(String?.self) ?? "", name: try r[5].decode(String?.self) ?? "")
            }
            return FindingLifecycle(cluster: cluster, fingerprint: try r[0].decode(String.self), rule: try r[1].decode(String.self),
                                    severity: try r[2].decode(String.self), subject: subject, message: try r[6].decode(String.self),
                                    firstSeen: try r[7].decode(Double.self), lastSeen: try r[8].decode(Double.self),
                                    fixedAt: try r[9].decode(Double?.self))
        }
    }

    private func write(_ changed: [FindingLifecycle]) throws {
        for l in changed {
            var b = PostgresBindings()
            b.append(l.cluster); b.append(l.fingerprint); b.append(l.rule); b.append(l.severity); b.append(l.subject?.kind)
            b.append(l.subject?.namespace); b.append(l.subject?.name); b.append(l.message); b.append(l.firstSeen); b.append(l.lastSeen)
            b.append(l.fixedAt)
            try session.query("""
                INSERT INTO finding_lifecycle (cluster, fingerprint, rule, severity, subject_kind, subject_namespace, subject_name,
                    message, first_seen, last_seen, fixed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                ON CONFLICT (cluster, fingerprint) DO UPDATE SET rule = excluded.rule, severity = excluded.severity,
                    subject_kind = excluded.subject_kind, subject_namespace = excluded.subject_namespace,
                    subject_name = excluded.subject_name, message = excluded.message, first_seen = excluded.first_seen,
                    last_seen = excluded.last_seen, fixed_at = excluded.fixed_at
                """, b)
        }
    }

    private static func scanRow(_ r: PostgresRandomAccessRow) throws -> SavedScan {
        SavedScan(id: try r[0].decode(Int.self), cluster: try r[1].decode(String.self), time: try r[2].decode(Double.self),
                  release: try r[3].decode(String.self), inventoryHash: try r[4].decode(String.self),
                  findingsHash: try r[5].decode(String.self), governanceHash: try r[6].decode(String.self),
                  subjects: try r[7].decode(Int.self), execCapable: try r[8].decode(Int.self),
                  findings: SeverityCounts(critical: try r[9].decode(Int.self), high: try r[10].decode(Int.self),
                                           medium: try r[11].decode(Int.self), low: try r[12].decode(Int.self), info: try r[13].decode(Int.self)))
    }

    /// The database's failures as the history's: the store's message names the database by its
    /// location, never its password.
    private func history<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as HistoryError { throw e } catch { throw HistoryError.storage("\(error)") }
    }
}
