import AuditInput
import Evidence
import EvidenceStoreConformance
import Foundation
import KubeletAuthzApp
import Store
import TestSupport
import Testing

/// `MirroredEvidenceStore` builds the report from a copy in memory instead of reading the
/// database back: held here to what reading back gives, record for record.
@Suite("The evidence database with its copy in memory")
struct MirroredStoreTests {
    func temporaryDatabase() -> String { Fixtures.temporaryDirectory().appendingPathComponent("e.sqlite").path }

    @Test("conforms as a store", arguments: EvidenceStoreConformance.Check.allCases)
    func conformance(_ check: EvidenceStoreConformance.Check) throws {
        try EvidenceStoreConformance(
            make: { try MirroredEvidenceStore(database: EvidenceStore(path: Fixtures.temporaryDirectory().appendingPathComponent("e.sqlite").path)) },
            reopen: { try EvidenceStore(path: ($0 as! MirroredEvidenceStore<EvidenceStore>).database.path) }
        ).run(check)
    }

    /// The real sample repeated, with callers' groups as the database cannot keep them as they
    /// are and malformed lines.
    static func log() -> String { RepeatedAuditLog.withOddGroups() }

    /// `log()` written to a fresh directory; returns its path.
    func logFile() throws -> String {
        let path = Fixtures.temporaryDirectory().appendingPathComponent("audit.log").path
        try Data(Self.log().utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func ingest(_ path: String, into writer: EvidenceWriter) throws {
        var ingestor = AuditIngestor()
        ingestor.blockSize = 16 << 10  // many commits, so that some are in flight while others are read
        ingestor.commitBytes = 16 << 10
        _ = try ingestor.ingest(try AuditSource.resolve([path]), into: writer)
    }

    /// The log ingested into a fresh database through a copy.
    func mirroredIngest() throws -> (EvidenceStore, MirroredEvidenceStore<EvidenceStore>) {
        let database = try EvidenceStore(path: temporaryDatabase())
        let mirrored = try MirroredEvidenceStore(database: database)
        try ingest(try logFile(), into: mirrored)
        return (database, mirrored)
    }

    /// Copied out (`recordsFromCopy`) or moved out (`takeRecordsFromCopy`, which the report
    /// uses): the records read back, in the same order. Once taken, reads come from the
    /// database (the copy is empty, and a second take finds nothing).
    @Test("into a fresh database, the copy's records are those read back, in the same order", arguments: [false, true])
    func copyEqualsDatabase(taken: Bool) throws {
        let (database, mirrored) = try mirroredIngest()
        let copy = try #require(taken ? try mirrored.takeRecordsFromCopy() : try mirrored.recordsFromCopy())
        #expect(try mirrored.copyHolds())
        let stored = try database.records(since: nil)
        #expect(stored.count > 100)
        #expect(stored.contains { $0.groups == [] } && stored.contains { $0.groups.contains("a") })  // the odd groups made it
        #expect(copy == stored)
        if taken {
            #expect(try mirrored.takeRecordsFromCopy() == nil)
            #expect(try mirrored.records(since: nil) == stored)
        }
        #expect(try mirrored.records(since: 1_800_000_000) == (try database.records(since: 1_800_000_000)))
    }

    @Test("the report from the copy is the report read back from the database")
    func reportEqualsDatabase() throws {
        let log = try logFile()
        let db = temporaryDatabase()
        let loaded = try EvidenceLoading(logs: [log], store: .sqlite(path: db)).load()
        let database = try EvidenceStore(path: db)
        let readBack = EvidenceReport(records: try database.records(since: nil), counts: try database.totals(),
                                      malformed: try database.malformedLines(limit: 100))
        #expect(loaded.report.usage.count > 3)
        #expect(loaded.report.usage == readBack.usage)
        #expect(loaded.report.counts == readBack.counts)
        #expect(loaded.report.malformed == readBack.malformed)
        #expect(loaded.report.blindSpots == readBack.blindSpots)
        #expect(loaded.report.uniqueKubeletReviews == readBack.uniqueKubeletReviews)
        #expect(loaded.report.window?.first == readBack.window?.first && loaded.report.window?.last == readBack.window?.last)
    }

    @Test("a database that held evidence before is read back, not copied")
    func notFresh() throws {
        let log = try logFile()
        let db = temporaryDatabase()
        try ingest(log, into: try EvidenceStore(path: db))
        let mirrored = try MirroredEvidenceStore(database: try EvidenceStore(path: db))
        #expect(!mirrored.startedEmpty)
        #expect(try mirrored.recordsFromCopy() == nil)
        #expect(try !mirrored.copyHolds())
    }

    @Test("another connection's commit: the copy no longer stands for the database, which is read")
    func otherWriter() throws {
        let log = try logFile()
        let other = Fixtures.temporaryDirectory().appendingPathComponent("other.log").path
        try IngestTests.sample.write(to: URL(fileURLWithPath: other))
        let db = temporaryDatabase()
        let mirrored = try MirroredEvidenceStore(database: try EvidenceStore(path: db))
        try ingest(log, into: mirrored)
        #expect(try mirrored.copyHolds())
        try ingest(other, into: try EvidenceStore(path: db))
        #expect(try !mirrored.copyHolds())
        let all = try EvidenceStore(path: db).records(since: nil)
        #expect(try mirrored.records(since: nil) == all)
        #expect(all.contains { $0.source.name.hasSuffix("other.log") })
    }
}
