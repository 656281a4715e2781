import Evidence
import EvidenceStoreConformance
import Foundation
import Store
import TestSupport
import Testing

@Suite("Evidence stores conform")
struct StoreConformanceTests {
    @Test("in memory", arguments: EvidenceStoreConformance.Check.allCases)
    func memory(_ check: EvidenceStoreConformance.Check) throws {
        try EvidenceStoreConformance(make: { MemoryEvidenceStore() }).run(check)
    }

    @Test("SQLite", arguments: EvidenceStoreConformance.Check.allCases)
    func sqlite(_ check: EvidenceStoreConformance.Check) throws {
        try EvidenceStoreConformance(
            make: { try EvidenceStore(path: Fixtures.temporaryDirectory().appendingPathComponent("e.sqlite").path) },
            reopen: { try EvidenceStore(path: ($0 as! EvidenceStore).path) }
        ).run(check)
    }
}
