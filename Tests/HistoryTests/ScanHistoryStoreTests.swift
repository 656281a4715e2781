import Foundation
import History
import ScanHistoryConformance
import Store
import TestSupport
import Testing

@Suite("Scan history stores conform")
struct ScanHistoryStoreTests {
    @Test("in memory", arguments: ScanHistoryConformance.Check.allCases)
    func memory(_ check: ScanHistoryConformance.Check) throws {
        try ScanHistoryConformance(make: { MemoryScanHistoryStore(hash: .sha256) }).run(check)
    }

    @Test("SQLite", arguments: ScanHistoryConformance.Check.allCases)
    func sqlite(_ check: ScanHistoryConformance.Check) throws {
        try ScanHistoryConformance(
            make: { try EvidenceStore(path: Fixtures.temporaryDirectory().appendingPathComponent("h.sqlite").path) },
            reopen: { try EvidenceStore(path: ($0 as! EvidenceStore).path) }
        ).run(check)
    }
}
