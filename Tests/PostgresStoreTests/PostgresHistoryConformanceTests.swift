import History
import PostgresStore
import PostgresTestSupport
import ScanHistoryConformance
import Testing

/// Every check of the scan history's conformance suite (Tests/ScanHistoryConformance), which the
/// memory and SQLite stores pass, against a real PostgreSQL server, each in a database of its own;
/// `reopened` on a new connection to the same database.
@Suite("PostgreSQL scan history conforms", .enabled(if: PostgresTestServer.enabled))
struct PostgresHistoryConformanceTests {
    @Test("PostgreSQL", arguments: ScanHistoryConformance.Check.allCases)
    func postgres(_ check: ScanHistoryConformance.Check) throws {
        let server = try PostgresTestServer.require()
        try ScanHistoryConformance(
            make: { try PostgresEvidenceStore(url: try server.makeDatabase(), environment: [:]) },
            reopen: { try PostgresEvidenceStore(($0 as! PostgresEvidenceStore).location) }
        ).run(check)
    }
}
