import AuditInput
import Evidence
import Foundation
import PostgresStore
import PostgresTestSupport
import TestSupport

/// Logs, ingests and reference results shared by the PostgreSQL suites.
enum PostgresMaterial {
    static let fixture = Fixtures.url("audit-kube-apiserver-1.36.jsonl").path

    /// The real fixture repeated `copies` times with fresh auditIDs (about 2 kB a line), in a
    /// file of its own: a log big enough for many commits.
    static func generated(copies: Int, name: String = "bigger.jsonl") throws -> String {
        let (text, _) = RepeatedAuditLog.text(copies: copies) { _ in false }
        let url = Fixtures.temporaryDirectory().appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// Ingests in small blocks, committed one by one, so that writers interleave.
    @discardableResult
    static func ingest(_ paths: [String], into writer: EvidenceWriter, blockSize: Int = 64 << 10, cluster: String = "") throws -> AuditIngestor.Summary {
        var ingestor = AuditIngestor()
        ingestor.cluster = cluster
        ingestor.blockSize = blockSize
        ingestor.commitBytes = blockSize
        return try ingestor.ingest(try AuditSource.resolve(paths), into: writer)
    }

    /// What one ingest alone stores: the reference a shared store must match.
    static func reference(_ paths: [String]) throws -> MemoryEvidenceStore {
        let memory = MemoryEvidenceStore()
        try ingest(paths, into: memory)
        return memory
    }

    /// Request keys stored more than once (the key is the table's primary key; this also counts
    /// requests stored under two keys).
    static func duplicates(_ server: PostgresTestServer, _ db: String) throws -> Int {
        try server.count("""
            SELECT COUNT(*) - (SELECT COUNT(*) FROM (SELECT DISTINCT timestamp, audit_id, node, path, cluster FROM audit_record) d)
            FROM audit_record
            """, database: db)
    }
}
