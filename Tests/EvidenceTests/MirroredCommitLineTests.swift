import Evidence
import Foundation
import Store
import TestSupport
import Testing

/// The commits of `MirroredEvidenceStore` run behind the ingest, in order, at most
/// `maxInFlight` of them outstanding; a failed one stops those queued behind it.
@Suite("Commits behind the copy in memory")
struct MirroredCommitLineTests {
    /// A SQLite store whose commits each wait for a pass through `gate`, and the `failing`-th of
    /// which throws instead of writing.
    final class GatedDatabase: MirrorableEvidenceDatabase, @unchecked Sendable {
        struct Refused: Error {}
        let store: EvidenceStore
        let gate = DispatchSemaphore(value: 0)
        let failing: Int?
        private let lock = NSLock()
        private var started: [Int] = []

        init(failing: Int? = nil) throws {
            store = try EvidenceStore(path: Fixtures.temporaryDirectory().appendingPathComponent("e.sqlite").path)
            self.failing = failing
        }

        /// The checkpoint offsets of the commits that reached the database, in the order they did.
        var offsetsStarted: [Int] { lock.withLock { started } }

        func prepare(_ batch: consuming EvidenceBatch) -> EvidenceBatch { batch }
        static var preparedBatchHoldsRecords: Bool { true }
        func commit(prepared batch: consuming EvidenceBatch) throws {
            guard case .file(_, _, let checkpoint, _, _) = batch.input else { return try store.commit(batch) }
            let n = lock.withLock { started.append(checkpoint.offset); return started.count }
            gate.wait()
            if n == failing { throw Refused() }
            try store.commit(batch)
        }
        func writeMark() throws -> Int { try store.writeMark() }
        func holdsNothing(cluster: String?) throws -> Bool { try store.holdsNothing(cluster: cluster) }
        func onlyOwnCommits(since mark: Int, cluster: String?, records: Int) throws -> Bool {
            try store.onlyOwnCommits(since: mark, cluster: cluster, records: records)
        }

        var isPersistent: Bool { true }
        func checkpoint(path: String, cluster: String) throws -> FileCheckpoint? { try store.checkpoint(path: path, cluster: cluster) }
        func commit(_ batch: consuming EvidenceBatch) throws { try commit(prepared: batch) }
        func records(since: Double?, cluster: String?) throws -> [AuditRecord] { try store.records(since: since, cluster: cluster) }
        func totals(cluster: String?) throws -> AuditScanCounts { try store.totals(cluster: cluster) }
        func malformedLines(limit: Int, cluster: String?) throws -> [MalformedLine] { try store.malformedLines(limit: limit, cluster: cluster) }
        func inputs(cluster: String?) throws -> [String] { try store.inputs(cluster: cluster) }
        func freshness(recentSince: Double) throws -> [EvidenceFreshness] { try store.freshness(recentSince: recentSince) }
    }

    static let path = "/var/log/audit.log"

    /// The k-th batch (from 1) of one read of `path`: each applies only over the one before.
    static func batch(_ k: Int) -> EvidenceBatch {
        func checkpoint(_ k: Int) -> FileCheckpoint { FileCheckpoint(identity: "id-1", offset: 100 * k, line: 10 * k, complete: false) }
        return EvidenceBatch(cluster: "", input: .file(path: path, identity: "id-1", checkpoint: checkpoint(k), continues: k > 1,
                                                       after: k == 1 ? .unread : .at(checkpoint(k - 1))))
    }

    /// Runs `work` on a thread of its own; the semaphore is signalled when it returns.
    static func onThread(_ work: @escaping @Sendable () -> Void) -> DispatchSemaphore {
        let done = DispatchSemaphore(value: 0)
        Thread { work(); done.signal() }.start()
        return done
    }

    @Test("two commits may be outstanding, the next waits for room, and all land in the order given")
    func overlapAndOrder() throws {
        let database = try GatedDatabase()
        let mirrored = try MirroredEvidenceStore(database: database)
        #expect(MirroredEvidenceStore<GatedDatabase>.maxInFlight == 2)
        // Both are taken while the first commit is held at the gate.
        let firstTwo = Self.onThread { try? mirrored.commit(Self.batch(1)); try? mirrored.commit(Self.batch(2)) }
        #expect(firstTwo.wait(timeout: .now() + 10) == .success, "the second commit did not wait for the first")
        let third = Self.onThread { try? mirrored.commit(Self.batch(3)) }
        // Nothing can make room while the gate is shut: the third is still waiting.
        #expect(third.wait(timeout: .now() + 0.2) == .timedOut)
        database.gate.signal()
        #expect(third.wait(timeout: .now() + 60) == .success, "the first commit made room")
        database.gate.signal()
        database.gate.signal()
        try mirrored.settle()
        #expect(database.offsetsStarted == [100, 200, 300])
        #expect(try database.store.checkpoint(path: Self.path, cluster: "")?.offset == 300)
        #expect(try mirrored.copyHolds())
    }

    @Test("a failed commit is thrown once, and the commit queued behind it never reaches the database")
    func failureStopsTheLine() throws {
        let database = try GatedDatabase(failing: 1)
        let mirrored = try MirroredEvidenceStore(database: database)
        let both = Self.onThread { try? mirrored.commit(Self.batch(1)); try? mirrored.commit(Self.batch(2)) }
        #expect(both.wait(timeout: .now() + 10) == .success, "the second commit did not wait for the first")
        for _ in 0..<2 { database.gate.signal() }
        #expect(throws: GatedDatabase.Refused.self) { try mirrored.settle() }
        try mirrored.settle()
        #expect(database.offsetsStarted == [100], "the second batch was not written over the missing first")
        #expect(try database.store.checkpoint(path: Self.path, cluster: "") == nil)
        #expect(try !mirrored.copyHolds())
        // The ingest goes on synchronously (what a conflict's re-read does) and is stored.
        database.gate.signal()
        try mirrored.commit(Self.batch(1))
        #expect(try database.store.checkpoint(path: Self.path, cluster: "")?.offset == 100)
    }
}
