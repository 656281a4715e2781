import AuditInput
import Evidence
import Foundation
@testable import PostgresStore
import PostgresTestSupport
import Testing

/// A fleet database written by the previous schema (v3: decisions keyed without a cluster)
/// upgrades in place when this release connects: its decisions are kept under no cluster name,
/// and new flushes are counted per cluster beside them.
@Suite("PostgreSQL store: migrations", .enabled(if: PostgresTestServer.enabled))
struct PostgresMigrationTests {
    @Test("a v3 database upgrades to v4 in place: decisions kept under no cluster name, evidence checkpoints per cluster as before")
    func decisionsPerCluster() throws {
        let server = try PostgresTestServer.require()
        let url = try server.makeDatabase()
        let db = PostgresTestServer.database(of: url)
        let location = try PostgresLocation(url, environment: [:])
        try PostgresSchema.migrate(try PostgresSession(location), upTo: 3)
        #expect(try server.count("SELECT MAX(version) FROM kubelet_authz_schema", database: db) == 3)
        try server.sql("""
            INSERT INTO authorization_decision (user_name, node, subresource, verb, mode, verdict, count, first_seen, last_seen)
            VALUES ('system:serviceaccount:monitoring:agent', 'gpu-node-1', 'proxy', 'get', 'observe', 'deny', 4, 100, 200)
            """, database: db)
        let log = PostgresMaterial.fixture
        let store = try PostgresEvidenceStore(location)
        #expect(try server.count("SELECT MAX(version) FROM kubelet_authz_schema", database: db) == PostgresSchema.migrations.last!.version)
        let kept = try store.decisions()
        #expect(kept.map { [$0.key.cluster, $0.key.user, String($0.count)] } == [["", "system:serviceaccount:monitoring:agent", "4"]])
        var eu = kept[0].key
        eu.cluster = "prod-eu"
        try store.add([AuthorizationDecision(key: eu, count: 1, firstSeen: 300, lastSeen: 300), AuthorizationDecision(key: kept[0].key, count: 2, firstSeen: 50, lastSeen: 150)])
        #expect(try store.decisions(cluster: "").map(\.count) == [6])
        #expect(try store.decisions(cluster: "prod-eu").map(\.count) == [1])
        // The same log ingested under no name, then for prod-eu: read for each, from the start.
        #expect(try AuditIngestor().ingest([AuditSource(path: log)], into: store).skippedFiles.isEmpty)
        var forEU = AuditIngestor()
        forEU.cluster = "prod-eu"
        #expect(try forEU.ingest([AuditSource(path: log)], into: store).skippedFiles.isEmpty)
        #expect(try AuditIngestor().ingest([AuditSource(path: log)], into: store).skippedFiles.count == 1)
        #expect(try store.records(since: nil, cluster: "prod-eu").count == (try store.records(since: nil, cluster: "").count))
        #expect(try store.totals(cluster: "prod-eu") == (try store.totals(cluster: "")))
    }
}
