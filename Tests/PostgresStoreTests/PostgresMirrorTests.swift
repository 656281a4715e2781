import Evidence
import EvidenceStoreConformance
import Foundation
import KubeletAuthzApp
@testable import PostgresStore
import PostgresTestSupport
import Store
import TestSupport
import Testing

/// An ingest into PostgreSQL builds its report from a copy in memory (`MirroredEvidenceStore`)
/// when the database held nothing of the cluster: held here to what reading back gives, and to
/// noticing every other writer that changed the cluster's rows (by their transaction ids).
@Suite("PostgreSQL store with its copy in memory", .enabled(if: PostgresTestServer.enabled))
struct PostgresMirrorTests {
    typealias Mirror = MirroredEvidenceStore<PostgresEvidenceStore>

    @Test("conforms as a store", arguments: EvidenceStoreConformance.Check.allCases)
    func conformance(_ check: EvidenceStoreConformance.Check) throws {
        let server = try PostgresTestServer.require()
        try EvidenceStoreConformance(
            make: { try Mirror(database: PostgresEvidenceStore(url: try server.makeDatabase(), environment: [:])) },
            reopen: { try PostgresEvidenceStore(($0 as! Mirror).database.location) }
        ).run(check)
    }

    /// `RepeatedAuditLog.withOddGroups()` (groups the database keeps joined by newlines, malformed
    /// lines) in a fresh directory, under `name`; returns its path.
    func logFile(_ name: String = "audit.log", in dir: URL = Fixtures.temporaryDirectory()) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(RepeatedAuditLog.withOddGroups().utf8).write(to: url)
        return url.path
    }

    func store(_ url: String) throws -> PostgresEvidenceStore { try PostgresEvidenceStore(url: url, environment: [:]) }

    /// With a cluster named, another cluster's evidence is already there: the copy stands for
    /// the named cluster's only, and reads of every cluster still come from the database.
    @Test("into a database holding nothing of the cluster, the copy's records are those read back", arguments: ["", "c1"])
    func copyEqualsDatabase(cluster: String) throws {
        let url = try PostgresTestServer.require().makeDatabase()
        let scope: String? = cluster.isEmpty ? nil : cluster
        if scope != nil { try PostgresMaterial.ingest([PostgresMaterial.fixture], into: store(url), cluster: "other") }
        let mirror = try Mirror(database: store(url), cluster: scope)
        #expect(mirror.startedEmpty)
        try PostgresMaterial.ingest([try logFile()], into: mirror, blockSize: 16 << 10, cluster: cluster)
        let copy = try #require(try mirror.takeRecordsFromCopy())
        #expect(try mirror.copyHolds())
        let database = try store(url)
        let stored = try database.records(since: nil, cluster: scope)
        #expect(stored.count > 100)
        #expect(stored.contains { $0.groups == [] } && stored.contains { $0.groups.contains("c\r") })  // split on the byte, as SQLite does
        #expect(copy == stored)
        let all = try database.records(since: nil)
        #expect(try mirror.records(since: nil, cluster: nil) == all)
        #expect(all.contains { $0.cluster == "other" } == (scope != nil))
    }

    @Test("the report from the copy is the report read back from the database")
    func reportEqualsDatabase() throws {
        let url = try PostgresTestServer.require().makeDatabase()
        var loading = EvidenceLoading(logs: [try logFile()], store: .postgres(url: url, environment: [:]))
        loading.cluster = "c1"
        loading.blockSize = 16 << 10
        let loaded = try loading.load()
        let database = try store(url)
        let readBack = EvidenceReport(records: try database.records(since: nil, cluster: "c1"), counts: try database.totals(cluster: "c1"),
                                      malformed: try database.malformedLines(limit: 100, cluster: "c1"))
        #expect(loaded.report.usage.count > 3)
        #expect(loaded.report.usage == readBack.usage)
        #expect(loaded.report.counts == readBack.counts)
        #expect(loaded.report.malformed.count > 0 && loaded.report.malformed == readBack.malformed)
        #expect(loaded.report.blindSpots == readBack.blindSpots)
        #expect(loaded.report.uniqueKubeletReviews == readBack.uniqueKubeletReviews)
        #expect(loaded.report.window?.first == readBack.window?.first && loaded.report.window?.last == readBack.window?.last)
    }

    /// After the copy's ingest, another writer ingests into the same cluster: new requests
    /// ("added"), or the same log under a path that sorts first, whose equally rich copies
    /// replace every row without changing their number ("replaced"). Either way the copy no
    /// longer stands for the database. The same log under a path that sorts last replaces
    /// nothing ("kept"): the rows are the copy's, and the copy still holds.
    @Test("another writer in the same cluster", arguments: ["added", "replaced", "kept"])
    func otherWriter(_ how: String) throws {
        let server = try PostgresTestServer.require()
        let url = try server.makeDatabase()
        let dir = Fixtures.temporaryDirectory()
        let mirror = try Mirror(database: store(url), cluster: "c1")
        try PostgresMaterial.ingest([try logFile(in: dir)], into: mirror, blockSize: 16 << 10, cluster: "c1")
        #expect(try mirror.copyHolds())
        let before = try server.count("SELECT COUNT(*) FROM audit_record", database: PostgresTestServer.database(of: url))
        let other = switch how {
        case "added": PostgresMaterial.fixture
        case "replaced": try logFile("0-copy.log", in: dir)
        default: try logFile("z-copy.log", in: dir)
        }
        try PostgresMaterial.ingest([other], into: store(url), cluster: "c1")
        let after = try server.count("SELECT COUNT(*) FROM audit_record", database: PostgresTestServer.database(of: url))
        #expect((after > before) == (how == "added"))
        #expect(try mirror.copyHolds() == (how == "kept"))
        let stored = try store(url).records(since: nil, cluster: "c1")
        #expect(try mirror.records(since: nil, cluster: "c1") == stored)
        #expect(stored.contains { $0.source.name.hasSuffix("0-copy.log") } == (how == "replaced"))
    }

    /// A store no copy asked about (the webhook's, in a long-running `serve`) keeps no
    /// transaction ids: otherwise every batch it ever committed would stay in memory.
    @Test("transaction ids are kept only once a copy asked for a mark")
    func idsKeptOnlyForACopy() throws {
        let url = try PostgresTestServer.require().makeDatabase()
        let plain = try store(url)
        try PostgresMaterial.ingest([PostgresMaterial.fixture], into: plain, blockSize: 4096, cluster: "c1")
        #expect(plain.committedTransactions.isEmpty)
        let marked = try store(url)
        let mark = try marked.writeMark()
        try PostgresMaterial.ingest([try logFile()], into: marked, blockSize: 16 << 10, cluster: "c2")
        #expect(mark == 0 && marked.committedTransactions.count > 1)
    }

    @Test("a database that held the cluster's evidence is read back, not copied")
    func notFresh() throws {
        let url = try PostgresTestServer.require().makeDatabase()
        try PostgresMaterial.ingest([PostgresMaterial.fixture], into: store(url), cluster: "c1")
        let mirror = try Mirror(database: store(url), cluster: "c1")
        #expect(!mirror.startedEmpty)
        try PostgresMaterial.ingest([try logFile()], into: mirror, cluster: "c1")
        #expect(try mirror.recordsFromCopy() == nil)
        #expect(try !mirror.copyHolds())
        #expect(try mirror.records(since: nil, cluster: "c1") == (try store(url).records(since: nil, cluster: "c1")))
    }
}
