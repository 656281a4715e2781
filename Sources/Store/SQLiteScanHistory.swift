import Foundation
import History
import VaporCSQLite

/// The scan history in the evidence database: one file holds the evidence and the scans. Parts
/// of a scan's content are rows keyed by their SHA-256 (`scan_content`), written only when no
/// row has that hash; a scan is a row of counts pointing at three of them. Findings' lifecycle
/// rows change only when a scan's findings differ from the cluster's previous scan's.
extension EvidenceStore: ScanHistoryStore {
    static func scanHistorySchema(_ db: SQLiteConnection) throws {
        try db.execute("""
            CREATE TABLE scan_content (hash TEXT NOT NULL PRIMARY KEY, kind TEXT NOT NULL, body BLOB NOT NULL);
            CREATE TABLE scan (
                id INTEGER PRIMARY KEY AUTOINCREMENT, cluster TEXT NOT NULL, time DOUBLE NOT NULL, release TEXT NOT NULL,
                inventory_hash TEXT NOT NULL REFERENCES scan_content(hash), findings_hash TEXT NOT NULL REFERENCES scan_content(hash),
                governance_hash TEXT NOT NULL REFERENCES scan_content(hash), subjects INTEGER NOT NULL, exec_capable INTEGER NOT NULL,
                critical INTEGER NOT NULL, high INTEGER NOT NULL, medium INTEGER NOT NULL, low INTEGER NOT NULL, info INTEGER NOT NULL);
            CREATE INDEX scan_cluster_time ON scan(cluster, time);
            CREATE TABLE finding_lifecycle (
                cluster TEXT NOT NULL, fingerprint TEXT NOT NULL, rule TEXT NOT NULL, severity TEXT NOT NULL,
                subject_kind TEXT, subject_namespace TEXT, subject_name TEXT, message TEXT NOT NULL,
                first_seen DOUBLE NOT NULL, last_seen DOUBLE NOT NULL, fixed_at DOUBLE, PRIMARY KEY (cluster, fingerprint));
            CREATE TABLE finding_acceptance (
                cluster TEXT NOT NULL, fingerprint TEXT NOT NULL, reason TEXT NOT NULL, until TEXT NOT NULL, recorded_at DOUBLE NOT NULL,
                PRIMARY KEY (cluster, fingerprint));
            """)
    }

    private static let scanColumns = """
        id, cluster, time, release, inventory_hash, findings_hash, governance_hash, subjects, exec_capable, critical, high, medium, low, info
        """

    public func save(_ content: ScanContent, cluster: String, time: Double) throws -> SavedScan {
        let parts = content.blobs(hashedWith: .sha256)
        return try history {
            try lock.withLock {
                try db.transaction {
                    var row = SavedScan.row(for: content, blobs: parts, cluster: cluster, time: time)
                    let previous = try latestScan(cluster: cluster)
                    let exists = try db.prepare("SELECT 1 FROM scan_content WHERE hash = ?")
                    let insert = try db.prepare("INSERT INTO scan_content (hash, kind, body) VALUES (?, ?, ?)")
                    for b in parts {
                        exists.bind(1, b.hash)
                        if try exists.step() { _ = try exists.step(); continue }
                        insert.bind(1, b.hash); insert.bind(2, b.kind.rawValue); insert.bind(3, b.body)
                        try insert.run()
                    }
                    let q = try db.prepare("""
                        INSERT INTO scan (cluster, time, release, inventory_hash, findings_hash, governance_hash, subjects, exec_capable,
                                          critical, high, medium, low, info) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                    q.bind(1, cluster); q.bind(2, time); q.bind(3, row.release); q.bind(4, row.inventoryHash); q.bind(5, row.findingsHash)
                    q.bind(6, row.governanceHash); q.bind(7, row.subjects); q.bind(8, row.execCapable)
                    q.bind(9, row.findings.critical); q.bind(10, row.findings.high); q.bind(11, row.findings.medium)
                    q.bind(12, row.findings.low); q.bind(13, row.findings.info)
                    try q.run()
                    row.id = Int(sqlite_nio_sqlite3_last_insert_rowid(db.handle))
                    if previous?.findingsHash != row.findingsHash {
                        var known: [String: FindingLifecycle] = [:]
                        for l in try storedLifecycles(cluster: cluster) { known[l.fingerprint] = l }
                        let changed = FindingLifecycle.advance(known: known, present: content.findings, cluster: cluster, time: time,
                                                               previousScan: previous?.time)
                        try write(changed)
                    }
                    return row
                }
            }
        }
    }

    public func scans(cluster: String?, since: Double?) throws -> [SavedScan] {
        try history {
            try lock.withLock {
                let q = try db.prepare("""
                    SELECT \(Self.scanColumns) FROM scan WHERE (?1 IS NULL OR cluster = ?1) AND time >= ?2 ORDER BY time, id
                    """)
                q.bind(1, cluster); q.bind(2, since ?? -Double.greatestFiniteMagnitude)
                var out: [SavedScan] = []
                while try q.step() { out.append(Self.scanRow(q)) }
                return out
            }
        }
    }

    public func scan(id: Int) throws -> SavedScan? {
        try history {
            try lock.withLock {
                let q = try db.prepare("SELECT \(Self.scanColumns) FROM scan WHERE id = ?")
                q.bind(1, id)
                guard try q.step() else { return nil }
                defer { _ = try? q.step() }
                return Self.scanRow(q)
            }
        }
    }

    public func content(of scan: SavedScan) throws -> ScanContent {
        let parts: [ContentBlob.Kind: ContentBlob] = try history {
            try lock.withLock {
                let q = try db.prepare("SELECT hash, body FROM scan_content WHERE hash IN (?, ?, ?)")
                q.bind(1, scan.inventoryHash); q.bind(2, scan.findingsHash); q.bind(3, scan.governanceHash)
                var out: [ContentBlob.Kind: ContentBlob] = [:]
                while try q.step() {
                    guard let hash = q.text(0) else { continue }
                    for kind in scan.parts(withHash: hash) { out[kind] = ContentBlob(kind: kind, hash: hash, body: q.data(1)) }
                }
                return out
            }
        }
        return try ScanContent.assemble(parts)
    }

    public func findingLifecycles(cluster: String) throws -> [FindingLifecycle] {
        try history {
            try lock.withLock {
                let latest = try latestScan(cluster: cluster)?.time
                return try storedLifecycles(cluster: cluster).map { $0.reported(latestScan: latest) }
            }
        }
    }

    public func record(_ a: RecordedAcceptance) throws {
        try history {
            try lock.withLock {
                let q = try db.prepare("""
                    INSERT OR REPLACE INTO finding_acceptance (cluster, fingerprint, reason, until, recorded_at) VALUES (?, ?, ?, ?, ?)
                    """)
                q.bind(1, a.cluster); q.bind(2, a.fingerprint); q.bind(3, a.reason); q.bind(4, a.until); q.bind(5, a.recordedAt)
                try q.run()
            }
        }
    }

    public func acceptances() throws -> [RecordedAcceptance] {
        try history {
            try lock.withLock {
                let q = try db.prepare("SELECT fingerprint, cluster, reason, until, recorded_at FROM finding_acceptance ORDER BY fingerprint, cluster")
                var out: [RecordedAcceptance] = []
                while try q.step() {
                    out.append(RecordedAcceptance(fingerprint: q.text(0) ?? "", cluster: q.text(1) ?? "", reason: q.text(2) ?? "",
                                                  until: q.text(3) ?? "", recordedAt: q.double(4)))
                }
                return out
            }
        }
    }

    public func contentRowCount() throws -> Int {
        try history {
            try lock.withLock {
                let q = try db.prepare("SELECT (SELECT COUNT(*) FROM scan_content) + (SELECT COUNT(*) FROM finding_lifecycle)")
                return try q.step() ? q.int(0) ?? 0 : 0
            }
        }
    }

    // MARK: Inside the lock

    private func latestScan(cluster: String) throws -> SavedScan? {
        let q = try db.prepare("SELECT \(Self.scanColumns) FROM scan WHERE cluster = ? ORDER BY time DESC, id DESC LIMIT 1")
        q.bind(1, cluster)
        guard try q.step() else { return nil }
        defer { _ = try? q.step() }
        return Self.scanRow(q)
    }

    private func storedLifecycles(cluster: String) throws -> [FindingLifecycle] {
        let q = try db.prepare("""
            SELECT fingerprint, rule, severity, subject_kind, subject_namespace, subject_name, message, first_seen, last_seen, fixed_at
            FROM finding_lifecycle WHERE cluster = ? ORDER BY fingerprint
            """)
        q.bind(1, cluster)
        var out: [FindingLifecycle] = []
        while try q.step() {
            let subject = q.text(3).map { SubjectRef(kind: $0, namespace: q.text(4) ?? "", name: q.text(5) ?? "") }
            out.append(FindingLifecycle(cluster: cluster, fingerprint: q.text(0) ?? "", rule: q.text(1) ?? "", severity: q.text(2) ?? "",
                                        subject: subject, message: q.text(6) ?? "", firstSeen: q.double(7), lastSeen: q.double(8),
                                        fixedAt: q.int(9) == nil ? nil : q.double(9)))
        }
        return out
    }

    private func write(_ changed: [FindingLifecycle]) throws {
        let q = try db.prepare("""
            INSERT OR REPLACE INTO finding_lifecycle (cluster, fingerprint, rule, severity, subject_kind, subject_namespace, subject_name,
                message, first_seen, last_seen, fixed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for l in changed {
            q.bind(1, l.cluster); q.bind(2, l.fingerprint); q.bind(3, l.rule); q.bind(4, l.severity)
            q.bind(5, l.subject?.kind); q.bind(6, l.subject?.namespace); q.bind(7, l.subject?.name); q.bind(8, l.message)
            q.bind(9, l.firstSeen); q.bind(10, l.lastSeen)
            if let fixed = l.fixedAt { q.bind(11, fixed) } else { q.bind(11, nil as Int?) }
            try q.run()
        }
    }

    private static func scanRow(_ q: RawStatement) -> SavedScan {
        SavedScan(id: q.int(0) ?? 0, cluster: q.text(1) ?? "", time: q.double(2), release: q.text(3) ?? "",
                  inventoryHash: q.text(4) ?? "", findingsHash: q.text(5) ?? "", governanceHash: q.text(6) ?? "",
                  subjects: q.int(7) ?? 0, execCapable: q.int(8) ?? 0,
                  findings: SeverityCounts(critical: q.int(9) ?? 0, high: q.int(10) ?? 0, medium: q.int(11) ?? 0,
                                           low: q.int(12) ?? 0, info: q.int(13) ?? 0))
    }

    /// The database's failures as the history's, naming the file (SQLite's message, not our SQL).
    private func history<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as HistoryError { throw e } catch { throw HistoryError.storage("\(error)") }
    }
}

extension RawStatement {
    func bind(_ i: Int32, _ data: Data) {
        data.withUnsafeBytes { b in
            // An empty blob still needs a pointer, or SQLite stores NULL.
            _ = sqlite_nio_sqlite3_bind_blob(stmt, i, b.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(b.count),
                                             unsafeBitCast(-1, to: sqlite3_destructor_type.self))
        }
    }

    func data(_ i: Int32) -> Data {
        guard let p = sqlite_nio_sqlite3_column_blob(stmt, i) else { return Data() }
        return Data(bytes: p, count: Int(sqlite_nio_sqlite3_column_bytes(stmt, i)))
    }
}
