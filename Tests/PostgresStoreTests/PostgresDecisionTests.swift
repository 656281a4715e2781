import Dispatch
import Evidence
import Foundation
import PostgresStore
import PostgresTestSupport
import Testing

/// The webhook's aggregated decisions in a shared database: every flush adds its counts, first
/// and last seen widen, and replicas flushing the same keys at once lose no count.
@Suite("PostgreSQL store: aggregated decisions", .enabled(if: PostgresTestServer.enabled))
struct PostgresDecisionTests {
    static func key(_ user: String, _ node: String = "n1", verdict: AuthorizationDecision.Verdict = .noOpinion) -> AuthorizationDecision.Key {
        AuthorizationDecision.Key(user: user, node: node, subresource: "proxy", verb: "get", mode: "observe", verdict: verdict)
    }

    @Test("flushes add up as in memory: counts summed, first seen the earliest, last seen the latest, newest first")
    func flushesAddUp() throws {
        let server = try PostgresTestServer.require()
        let store = try PostgresEvidenceStore(url: try server.makeDatabase(), environment: [:])
        let memory = MemoryDecisionStore()
        let flushes: [[AuthorizationDecision]] = [
            [AuthorizationDecision(key: Self.key("system:serviceaccount:monitoring:agent"), count: 3, firstSeen: 100, lastSeen: 150),
             AuthorizationDecision(key: Self.key("alice", verdict: .deny), count: 1, firstSeen: 120, lastSeen: 120),
             // The same key twice in one flush.
             AuthorizationDecision(key: Self.key("alice", verdict: .deny), count: 2, firstSeen: 90, lastSeen: 130)],
            [AuthorizationDecision(key: Self.key("system:serviceaccount:monitoring:agent"), count: 5, firstSeen: 80, lastSeen: 140),
             AuthorizationDecision(key: Self.key("bob", "n2"), count: 7, firstSeen: 200, lastSeen: 300)],
            [],
        ]
        for f in flushes {
            try store.add(f)
            try memory.add(f)
        }
        let stored = try store.decisions()
        #expect(stored == (try memory.decisions()))
        #expect(stored.map(\.count) == [7, 8, 3])
        #expect(stored.first { $0.key.user == "system:serviceaccount:monitoring:agent" }.map { ($0.firstSeen, $0.lastSeen) } ?? (0, 0) == (80, 150))
        // A new connection reads the same.
        #expect(try PostgresEvidenceStore(store.location).decisions() == stored)
    }

    @Test("two writers flushing the same keys at once: the exact sums")
    func twoWritersSameKeys() throws {
        let server = try PostgresTestServer.require()
        let url = try server.makeDatabase()
        let stores = [try PostgresEvidenceStore(url: url, environment: [:]), try PostgresEvidenceStore(url: url, environment: [:])]
        let users = (0..<50).map { "system:serviceaccount:ns-\($0):collector" }
        final class Errors: @unchecked Sendable {
            let lock = NSLock()
            var all: [String] = []
        }
        let errors = Errors()
        DispatchQueue.concurrentPerform(iterations: 2) { w in
            for flush in 0..<40 {
                // Each writer sends the keys in its own order; counts differ per writer and flush.
                let order = w == 0 ? users : users.reversed()
                let batch = order.enumerated().map { i, user in
                    AuthorizationDecision(key: Self.key(user), count: 1 + w + flush % 3, firstSeen: Double(1_000 + flush * 10 + w),
                                          lastSeen: Double(1_000 + flush * 10 + w + i))
                }
                do { try stores[w].add(batch) } catch { errors.lock.withLock { errors.all.append("\(error)") } }
            }
        }
        #expect(errors.all.isEmpty, "\(errors.all)")
        // Per key: writer 0 sends 1 + flush % 3, writer 1 sends 2 + flush % 3, for flushes 0..<40.
        let expected = (0..<40).map { 1 + $0 % 3 }.reduce(0, +) + (0..<40).map { 2 + $0 % 3 }.reduce(0, +)
        let stored = try stores[0].decisions()
        #expect(stored.count == users.count)
        #expect(stored.allSatisfy { $0.count == expected }, "\(stored.map(\.count))")
        #expect(stored.allSatisfy { $0.firstSeen == 1_000 })
        // The last flush (39) of writer 1 sends user i at position 49 - i; of writer 0 at i.
        for d in stored {
            let i = users.firstIndex(of: d.key.user)!
            #expect(d.lastSeen == Double(1_000 + 390 + max(i, 1 + 49 - i)))
        }
    }
}
