import Evidence
import EvidenceStoreConformance
import PostgresStore
import PostgresTestSupport
import Testing

/// Every storage check the memory and SQLite stores pass (Tests/EvidenceStoreConformance),
/// against a real PostgreSQL server, each in a database of its own.
@Suite("PostgreSQL store conforms", .enabled(if: PostgresTestServer.enabled))
struct PostgresConformanceTests {
    @Test("PostgreSQL", arguments: EvidenceStoreConformance.Check.allCases)
    func postgres(_ check: EvidenceStoreConformance.Check) throws {
        let server = try PostgresTestServer.require()
        try EvidenceStoreConformance(
            make: { try PostgresEvidenceStore(url: try server.makeDatabase(), environment: [:]) },
            reopen: { try PostgresEvidenceStore(($0 as! PostgresEvidenceStore).location) }
        ).run(check)
    }
}
