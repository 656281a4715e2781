import Evidence
import Foundation
import Store
import Testing
import TestSupport

/// Both decision stores add counts per key across flushes, keep the earliest first-seen and
/// the latest last-seen, and give the rows back most recently seen first.
struct DecisionStoreTests {
    static func key(_ user: String, _ verdict: AuthorizationDecision.Verdict) -> AuthorizationDecision.Key {
        AuthorizationDecision.Key(user: user, node: "gpu-node-1", subresource: "proxy", verb: "get", mode: "observe", verdict: verdict)
    }

    static let stores: [@Sendable () throws -> any DecisionWriter] = [
        { MemoryDecisionStore() },
        { try EvidenceStore(path: Fixtures.temporaryDirectory().appendingPathComponent("e.db").path) },
    ]

    @Test(arguments: 0..<2) func countsAddAcrossFlushes(store index: Int) throws {
        let store = try Self.stores[index]()
        try store.add([AuthorizationDecision(key: Self.key("a", .deny), count: 3, firstSeen: 100, lastSeen: 200),
                       AuthorizationDecision(key: Self.key("b", .noOpinion), count: 1, firstSeen: 150, lastSeen: 150)])
        try store.add([AuthorizationDecision(key: Self.key("a", .deny), count: 2, firstSeen: 90, lastSeen: 300)])
        try store.add([])
        let rows = try store.decisions()
        #expect(rows == [AuthorizationDecision(key: Self.key("a", .deny), count: 5, firstSeen: 90, lastSeen: 300),
                         AuthorizationDecision(key: Self.key("b", .noOpinion), count: 1, firstSeen: 150, lastSeen: 150)])
    }

    @Test func sqliteKeepsDecisionsAcrossReopening() throws {
        let path = Fixtures.temporaryDirectory().appendingPathComponent("e.db").path
        try EvidenceStore(path: path).add([AuthorizationDecision(key: Self.key("a", .deny), count: 7, firstSeen: 1, lastSeen: 2)])
        #expect(try EvidenceStore(path: path).decisions().map(\.count) == [7])
    }
}
