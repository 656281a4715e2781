import AuditInput
import Evidence
import Foundation
import KubeletAuthzApp
@testable import Store
import TestSupport
import Testing

/// A database this process created takes its first load in place, under a rollback journal
/// (`EvidenceStore.beginFirstLoad`), and goes back to write-ahead logging after it.
@Suite("A new evidence database's first load, written in place")
struct FirstLoadTests {
    func temporaryDatabase() -> String { Fixtures.temporaryDirectory().appendingPathComponent("e.sqlite").path }

    // The log and the ingest (many small commits) of the mirrored store's tests.
    func logFile() throws -> String { try MirroredStoreTests().logFile() }
    func ingest(_ path: String, into writer: EvidenceWriter) throws { try MirroredStoreTests().ingest(path, into: writer) }

    /// What SQLite's file header says (bytes 18 and 19): 2 for write-ahead logging, 1 for a
    /// rollback journal.
    static func headerVersions(_ path: String) throws -> [UInt8] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return data.count >= 20 ? [data[18], data[19]] : []
    }

    @Test("a new file is written in place, then goes back to write-ahead logging, holding what a load through the log holds")
    func freshFile() throws {
        let log = try logFile()
        let path = temporaryDatabase()
        let store = try EvidenceStore(path: path)
        #expect(store.createdFresh)
        #expect(try store.journalMode() == "wal")
        #expect(try store.beginFirstLoad())
        #expect(try store.journalMode() == "truncate")
        try ingest(log, into: store)
        // In place: the file alone, copied while the store is open, holds every record (through
        // the log, they would sit in the -wal file until a checkpoint).
        let copy = Fixtures.temporaryDirectory().appendingPathComponent("copy.sqlite").path
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        try store.endFirstLoad()
        #expect(try store.journalMode() == "wal")
        #expect(try Self.headerVersions(path) == [2, 2])
        #expect(!FileManager.default.fileExists(atPath: path + "-journal"))

        let throughLog = try EvidenceStore(path: temporaryDatabase())
        try ingest(log, into: throughLog)
        let expected = try throughLog.records(since: nil)
        #expect(expected.count > 100)
        #expect(try store.records(since: nil) == expected)
        #expect(try EvidenceStore(path: copy).records(since: nil) == expected)
        #expect(try store.totals() == throughLog.totals())
    }

    @Test("a file that existed is loaded through the write-ahead log")
    func existingFile() throws {
        let path = temporaryDatabase()
        _ = try EvidenceStore(path: path)
        let reopened = try EvidenceStore(path: path)
        #expect(!reopened.createdFresh)
        #expect(try !reopened.beginFirstLoad())
        #expect(try reopened.journalMode() == "wal")
        // An empty file (made by mktemp, say) is new: nothing was ever written to it.
        let empty = temporaryDatabase()
        FileManager.default.createFile(atPath: empty, contents: Data())
        #expect(try EvidenceStore(path: empty).createdFresh)
    }

    /// SQLite leaves write-ahead logging only when no other connection has the file open.
    @Test("while another connection holds the new file, the load goes through the log")
    func otherConnection() throws {
        let path = temporaryDatabase()
        let store = try EvidenceStore(path: path)
        let other = try EvidenceStore(path: path)
        _ = try other.totals()
        #expect(try !store.beginFirstLoad())
        #expect(try store.journalMode() == "wal")
        try ingest(try logFile(), into: store)
        #expect(try other.records(since: nil).count > 100)
    }

    /// A second process opening the file in the middle of the first load (`serve`, another
    /// `evidence`): its open asks for WAL, which SQLite refuses at once while the load's
    /// transaction lasts. It asks again until the transaction ends, puts the file back into
    /// WAL, and the load goes on through the log.
    @Test("another connection opening the file during the first load waits for a gap, and the load goes on through the log")
    func openedDuringTheLoad() async throws {
        let path = temporaryDatabase()
        let store = try EvidenceStore(path: path)
        #expect(try store.beginFirstLoad())
        try store.db.execute("BEGIN IMMEDIATE")  // a commit in progress
        let opened = Task.detached { () -> Result<String, Error> in
            do {
                let other = try EvidenceStore(path: path)
                return .success(try other.journalMode())
            } catch { return .failure(error) }
        }
        try await Task.sleep(nanoseconds: 300_000_000)
        try store.db.execute("COMMIT")
        switch await opened.value {
        case .success(let mode): #expect(mode == "wal")
        case .failure(let error): Issue.record("the second open failed: \(error)")
        }
        #expect(try Self.headerVersions(path) == [2, 2])
        try ingest(try logFile(), into: store)
        #expect(try store.journalMode() == "wal")  // the load's connection found the file in WAL
        try store.endFirstLoad()
        #expect(try store.records(since: nil).count > 100)
        #expect(try Self.headerVersions(path) == [2, 2])
    }

    /// `evidence --store NEW` leaves a database in write-ahead logging, as every other open does.
    @Test("after a load into a new database, the file is in write-ahead logging")
    func loadingLeavesWAL() throws {
        let path = temporaryDatabase()
        let loaded = try EvidenceLoading(logs: [try logFile()], store: .sqlite(path: path)).load()
        #expect(loaded.report.usage.count > 3)
        #expect(try Self.headerVersions(path) == [2, 2])
        #expect(!FileManager.default.fileExists(atPath: path + "-journal"))
    }
}
