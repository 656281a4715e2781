import AuditInput
import Evidence
import Foundation
import GRDB
@testable import Store
import TestSupport
import Testing

@Suite("Evidence database migrations")
struct StoreMigrationTests {
    @Test("a v1 database (auditID-first request keys) upgrades: the same requests ingested again count once")
    func requestKeysV2() throws {
        let dir = Fixtures.temporaryDirectory()
        let log = dir.appendingPathComponent("audit.log")
        try Fixtures.data("audit-kube-apiserver-1.36.jsonl").write(to: log)
        let memory = MemoryEvidenceStore()
        _ = try AuditIngestor().ingest([AuditSource(path: log.path)], into: memory)
        let records = memory.all
        #expect(records.count == 15)

        // What the previous release wrote: schema v1, keys auditID first.
        let path = dir.appendingPathComponent("old.sqlite").path
        do {
            let queue = try DatabaseQueue(path: path)
            try EvidenceStore.migrator.migrate(queue, upTo: "v1")
            try queue.write { db in
                for r in records {
                    let oldKey = [r.auditID, r.timestamp, r.node, r.path.rawValue].joined(separator: "\u{1F}")
                    try db.execute(sql: """
                        INSERT INTO audit_record (request_key, audit_id, path, time, timestamp, level, stage, user, groups, uid, pod_name,
                            credential_id, node, verb, subresource, kubelet_path, decision, reason, code, source_file, source_line, richness)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [oldKey, r.auditID, r.path.rawValue, r.time, r.timestamp, r.level, r.stage, r.user,
                                         r.groups.joined(separator: "\n"), r.uid, r.podName, r.credentialID, r.node, r.verb, r.subresource,
                                         r.kubeletPath, r.decision.rawValue, r.reason, r.code, r.source.name, r.source.line, r.richness])
                }
            }
        }

        // Opened by this release, and the same log ingested under a name it has not seen.
        let copy = dir.appendingPathComponent("audit-copy.log")
        try FileManager.default.copyItem(at: log, to: copy)
        let store = try EvidenceStore(path: path)
        _ = try AuditIngestor().ingest([AuditSource(path: copy.path)], into: store)
        let stored = try store.records()
        #expect(stored.count == 15, "each request once, not once per key format")
        #expect(Set(stored.map(\.requestKey)) == Set(records.map(\.requestKey)))
    }
}

@Suite("Evidence database migrations, v3")
struct StoreMigrationV3Tests {
    @Test("records written before v3 read back with no cluster and a file source at offset 0; new columns are written")
    func sourcesAndClusters() throws {
        let dir = Fixtures.temporaryDirectory()
        let path = dir.appendingPathComponent("v2.sqlite").path
        do {
            let queue = try DatabaseQueue(path: path)
            try EvidenceStore.migrator.migrate(queue, upTo: "v2")
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO audit_record (request_key, audit_id, path, time, timestamp, level, stage, user, groups, uid, pod_name,
                        credential_id, node, verb, subresource, kubelet_path, decision, reason, code, source_file, source_line, richness)
                    VALUES ('k', 'id-1', 'kubelet', 1800000000, '2027-01-15T08:00:00Z', 'RequestResponse', 'ResponseComplete', 'alice', '',
                        NULL, NULL, NULL, 'n1', 'get', 'pods', NULL, 'allow', '', 201, '/var/log/audit.log', 12, 7)
                    """)
            }
        }
        let store = try EvidenceStore(path: path)
        let old = try #require(try store.records().first)
        #expect(old.cluster == "")
        #expect(old.source == .file(path: "/var/log/audit.log", line: 12, offset: 0))
        var fresh = old
        fresh.auditID = "id-2"
        fresh.cluster = "prod"
        fresh.source = .stream(name: "webhook", batch: "9")
        try store.commit(EvidenceBatch(cluster: "prod", input: .stream(name: "webhook", batch: "9"), records: [fresh]))
        #expect(try EvidenceStore(path: path).records().contains(fresh))
    }
}
