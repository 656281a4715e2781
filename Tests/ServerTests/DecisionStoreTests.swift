import Evidence
import Foundation
import PostgresStore
import PostgresTestSupport
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

    /// Two clusters' webhooks sharing a store: the same check counts per cluster, each read
    /// back by its cluster, and all of them with none named.
    @Test(arguments: 0..<2) func decisionsPerCluster(store index: Int) throws {
        try Self.perCluster(try Self.stores[index]())
    }

    @Test(.enabled(if: PostgresTestServer.enabled)) func decisionsPerClusterOnPostgres() throws {
        try Self.perCluster(try PostgresEvidenceStore(url: try PostgresTestServer.require().makeDatabase(), environment: [:]))
    }

    static func perCluster(_ store: any DecisionWriter) throws {
        var eu = Self.key("a", .deny), us = Self.key("a", .deny)
        eu.cluster = "prod-eu"
        us.cluster = "prod-us"
        try store.add([AuthorizationDecision(key: eu, count: 3, firstSeen: 100, lastSeen: 200),
                       AuthorizationDecision(key: us, count: 1, firstSeen: 150, lastSeen: 300)])
        try store.add([AuthorizationDecision(key: eu, count: 2, firstSeen: 90, lastSeen: 210)])
        #expect(try store.decisions(cluster: "prod-eu") == [AuthorizationDecision(key: eu, count: 5, firstSeen: 90, lastSeen: 210)])
        #expect(try store.decisions(cluster: "prod-us") == [AuthorizationDecision(key: us, count: 1, firstSeen: 150, lastSeen: 300)])
        #expect(try store.decisions().map(\.key.cluster) == ["prod-us", "prod-eu"])
        #expect(try store.decisions(cluster: "").isEmpty)
    }

    @Test func sqliteKeepsDecisionsAcrossReopening() throws {
        let path = Fixtures.temporaryDirectory().appendingPathComponent("e.db").path
        try EvidenceStore(path: path).add([AuthorizationDecision(key: Self.key("a", .deny), count: 7, firstSeen: 1, lastSeen: 2)])
        #expect(try EvidenceStore(path: path).decisions().map(\.count) == [7])
    }
}
