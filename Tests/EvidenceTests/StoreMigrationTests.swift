import AuditInput
import Evidence
import Foundation
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
            let db = try SQLiteConnection(path: path)
            try EvidenceStore.migrator.migrate(db, upTo: "v1")
            let insert = try db.prepare("""
                INSERT INTO audit_record (request_key, audit_id, path, time, timestamp, level, stage, user, groups, uid, pod_name,
                    credential_id, node, verb, subresource, kubelet_path, decision, reason, code, source_file, source_line, richness)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for r in records {
                let oldKey = [r.auditID, r.timestamp, r.node, r.path.rawValue].joined(separator: "\u{1F}")
                for (i, text) in [oldKey, r.auditID, r.path.rawValue].enumerated() { insert.bind(Int32(i + 1), text) }
                insert.bind(4, r.time)
                let texts: [String?] = [r.timestamp, r.level, r.stage, r.user, r.groups.joined(separator: "\n"), r.uid, r.podName, r.credentialID,
                                        r.node, r.verb, r.subresource, r.kubeletPath, r.decision.rawValue, r.reason]
                for (i, text) in texts.enumerated() {
                    insert.bind(Int32(i + 5), text)
                }
                insert.bind(19, r.code); insert.bind(20, r.source.name); insert.bind(21, r.source.line); insert.bind(22, r.richness)
                try insert.run()
            }
            // A database the store's tables came from (GRDB's migrator, before v3) lists them here.
            let applied = try db.prepare("SELECT identifier FROM grdb_migrations")
            var ids: [String] = []
            while try applied.step() { ids.append(applied.text(0) ?? "") }
            #expect(ids == ["v1"])
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
            let db = try SQLiteConnection(path: path)
            try EvidenceStore.migrator.migrate(db, upTo: "v2")
            try db.execute("""
                INSERT INTO audit_record (request_key, audit_id, path, time, timestamp, level, stage, user, groups, uid, pod_name,
                    credential_id, node, verb, subresource, kubelet_path, decision, reason, code, source_file, source_line, richness)
                VALUES ('k', 'id-1', 'kubelet', 1800000000, '2027-01-15T08:00:00Z', 'RequestResponse', 'ResponseComplete', 'alice', '',
                    NULL, NULL, NULL, 'n1', 'get', 'pods', NULL, 'allow', '', 201, '/var/log/audit.log', 12, 7)
                """)
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

@Suite("Evidence database migrations, v7")
struct StoreMigrationV7Tests {
    /// A database written by the previous schema (v6: one checkpoint per path, decisions without
    /// a cluster) opened by this release: what it held stays under no cluster name, and the same
    /// log ingested for a named cluster is read for it from the start.
    @Test("a v6 database upgrades in place: its checkpoints, counts, batches and decisions are kept under no cluster name")
    func perCluster() throws {
        let dir = Fixtures.temporaryDirectory()
        let log = dir.appendingPathComponent("audit.log")
        try Fixtures.data("audit-kube-apiserver-1.36.jsonl").write(to: log)
        let source = AuditSource(path: log.path)
        // What the previous release stored for this log: its checkpoint and counts.
        let memory = MemoryEvidenceStore()
        _ = try AuditIngestor().ingest([source], into: memory)
        let checkpoint = try #require(try memory.checkpoint(path: source.canonicalPath))
        let counts = try memory.totals()

        let path = dir.appendingPathComponent("v6.sqlite").path
        do {
            let db = try SQLiteConnection(path: path)
            try EvidenceStore.migrator.migrate(db, upTo: "v6")
            let file = try db.prepare("""
                INSERT INTO ingested_file (path, identity, offset, line, complete, lines, events, kubelet_reviews, node_proxy, malformed, bytes, updated)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '2026-12-01T00:00:00Z')
                """)
            file.bind(1, source.canonicalPath); file.bind(2, checkpoint.identity); file.bind(3, checkpoint.offset); file.bind(4, checkpoint.line)
            file.bind(5, checkpoint.complete ? 1 : 0); file.bind(6, counts.lines); file.bind(7, counts.events); file.bind(8, counts.kubeletReviews)
            file.bind(9, counts.nodeProxy); file.bind(10, counts.malformed); file.bind(11, counts.bytes)
            try file.run()
            try db.execute("""
                INSERT INTO ingested_batch (stream, batch, lines, events, kubelet_reviews, node_proxy, bytes, updated)
                    VALUES ('webhook', '7', 1, 2, 2, 0, 900, '2026-12-01T00:00:00Z');
                INSERT INTO malformed_line (source_file, line, reason) VALUES ('webhook batch 7', 1, 'truncated');
                INSERT INTO authorization_decision (user, node, subresource, verb, mode, verdict, count, first_seen, last_seen)
                    VALUES ('system:serviceaccount:monitoring:agent', 'gpu-node-1', 'proxy', 'get', 'observe', 'deny', 4, 100, 200);
                """)
        }
        let store = try EvidenceStore(path: path)
        #expect(try store.checkpoint(path: source.canonicalPath) == checkpoint)
        #expect(try store.checkpoint(path: source.canonicalPath, cluster: "prod-eu") == nil)
        #expect(try store.inputs(cluster: "") == [source.canonicalPath, "webhook#7"])
        #expect(try store.totals(cluster: "").events == counts.events + 2)
        #expect(try store.totals(cluster: "").malformed == 1)
        #expect(try store.decisions().map { [$0.key.cluster, $0.key.user, String($0.count)] } == [["", "system:serviceaccount:monitoring:agent", "4"]])
        // Under no name the log was read already; for prod-eu it is read whole.
        #expect(try AuditIngestor().ingest([source], into: store).skippedFiles == [source.displayName])
        var forEU = AuditIngestor()
        forEU.cluster = "prod-eu"
        let read = try forEU.ingest([source], into: store)
        #expect(read.skippedFiles.isEmpty)
        #expect(try store.records(since: nil, cluster: "prod-eu").count == memory.all.count)
        #expect(try store.checkpoint(path: source.canonicalPath, cluster: "prod-eu") == checkpoint)
        #expect(try store.totals(cluster: "prod-eu").events == counts.events)
        let applied = try SQLiteConnection(path: path).prepare("SELECT identifier FROM grdb_migrations ORDER BY identifier")
        var ids: [String] = []
        while try applied.step() { ids.append(applied.text(0) ?? "") }
        #expect(ids == ["v1", "v2", "v3", "v4", "v5", "v6", "v7"])
    }
}
