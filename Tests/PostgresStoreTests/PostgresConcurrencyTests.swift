import AuditInput
import Dispatch
import Evidence
import Foundation
import PostgresStore
import PostgresTestSupport
import Testing

/// Several writers into one database at once: each file's batches apply once (the checkpoint
/// is checked under the file's lock in the batch's transaction), each request is stored once.
@Suite("PostgreSQL store: concurrent writers", .enabled(if: PostgresTestServer.enabled))
struct PostgresConcurrencyTests {
    @Test("two ingests of the same log at once: the counts of one ingest, no duplicate", arguments: ["fixture", "generated"])
    func twoIngestsAtOnce(_ which: String) throws {
        let server = try PostgresTestServer.require()
        let log = which == "fixture" ? PostgresMaterial.fixture : try PostgresMaterial.generated(copies: 150)
        let blockSize = which == "fixture" ? 4096 : 64 << 10
        let reference = try PostgresMaterial.reference([log])
        let url = try server.makeDatabase()
        let db = PostgresTestServer.database(of: url)
        let stores = [try PostgresEvidenceStore(url: url, environment: [:]), try PostgresEvidenceStore(url: url, environment: [:])]
        final class Outcomes: @unchecked Sendable {
            let lock = NSLock()
            var errors: [String] = []
        }
        let outcomes = Outcomes()
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            do { try PostgresMaterial.ingest([log], into: stores[i], blockSize: blockSize) } catch {
                outcomes.lock.withLock { outcomes.errors.append("\(error)") }
            }
        }
        #expect(outcomes.errors.isEmpty)
        let expected = try reference.records(since: nil)
        #expect(expected.count > (which == "fixture" ? 5 : 1000))
        #expect(try server.count("SELECT COUNT(*) FROM audit_record", database: db) == expected.count)
        #expect(try PostgresMaterial.duplicates(server, db) == 0)
        #expect(try server.count("SELECT COUNT(*) FROM ingested_file", database: db) == 1)
        #expect(try stores[0].totals() == reference.totals())
        #expect(try stores[1].records(since: nil).map(\.auditID) == expected.map(\.auditID))
        #expect(try stores[0].checkpoint(path: URL(fileURLWithPath: log).resolvingSymlinksInPath().path)?.complete == true)
    }

    /// Two clusters' logs under one path are two files: each its own checkpoint and counts,
    /// and the records of both (the request key names the cluster).
    @Test("one database, two clusters, the same path")
    func clustersShareADatabase() throws {
        let server = try PostgresTestServer.require()
        let url = try server.makeDatabase()
        let store = try PostgresEvidenceStore(url: url, environment: [:])
        let reference = try PostgresMaterial.reference([PostgresMaterial.fixture])
        for cluster in ["east", "west"] {
            var ingestor = AuditIngestor()
            ingestor.cluster = cluster
            ingestor.blockSize = 4096
            ingestor.commitBytes = 4096
            _ = try ingestor.ingest(try AuditSource.resolve([PostgresMaterial.fixture]), into: store)
        }
        let db = PostgresTestServer.database(of: url)
        let perCluster = try reference.records(since: nil).count
        #expect(try server.count("SELECT COUNT(*) FROM audit_record WHERE cluster = 'east'", database: db) == perCluster)
        #expect(try server.count("SELECT COUNT(*) FROM audit_record WHERE cluster = 'west'", database: db) == perCluster)
        #expect(try server.count("SELECT COUNT(*) FROM ingested_file", database: db) == 2)
        var twice = try reference.totals()
        twice.add(twice)
        #expect(try store.totals() == twice)
    }
}
