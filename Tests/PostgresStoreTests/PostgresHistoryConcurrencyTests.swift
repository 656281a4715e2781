import Dispatch
import Foundation
import History
import PostgresStore
import PostgresTestSupport
import Store
import Testing

/// Writers saving scans into one database at once (the hourly `scan --save` of every cluster of
/// a fleet, two of them for one cluster): parts shared by clusters are stored once, every scan
/// row is there, and a cluster's finding lifecycle is what saving the same scans one after
/// the other in memory gives.
@Suite("PostgreSQL scan history: concurrent writers", .enabled(if: PostgresTestServer.enabled))
struct PostgresHistoryConcurrencyTests {
    static let subject = SubjectRef(kind: "ServiceAccount", namespace: "monitoring", name: "agent")

    /// A scan whose findings are `findings` (by number), the rest the same in every scan.
    static func content(_ findings: [Int]) -> ScanContent {
        ScanContent(
            release: "1.35",
            subjects: [SubjectAccessRecord(subject: subject, execCapable: true, access: [.init(subresource: "proxy", verbs: ["get"])],
                                           grants: [.init(binding: "ClusterRoleBinding/agent", role: "ClusterRole/agent", subresources: ["proxy"])])],
            findings: findings.map {
                FindingRecord(fingerprint: "v1:finding-\($0)", rule: "KA06\($0)", severity: $0 == 1 ? "high" : "medium", subject: subject,
                              message: "finding \($0)", locations: [.init(kind: "ClusterRoleBinding", namespace: "", name: "agent", file: nil, line: nil)])
            },
            governance: [])
    }

    final class Errors: @unchecked Sendable {
        let lock = NSLock()
        var all: [String] = []
        func add(_ e: Error) { lock.withLock { all.append("\(e)") } }
    }

    @Test("eight clusters saving the same content at once: each part stored once, every scan row kept")
    func clustersShareParts() throws {
        let server = try PostgresTestServer.require()
        let url = try server.makeDatabase()
        let db = PostgresTestServer.database(of: url)
        let stores = try (0..<4).map { _ in try PostgresEvidenceStore(url: url, environment: [:]) }
        let errors = Errors()
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            for n in 0..<5 {
                do { _ = try stores[i % 4].save(Self.content([1, 2]), cluster: "cluster-\(i)", time: Double(1_000 + n)) } catch { errors.add(error) }
            }
        }
        #expect(errors.all.isEmpty, "\(errors.all)")
        #expect(try server.count("SELECT COUNT(*) FROM scan_content", database: db) == 3)
        #expect(try server.count("SELECT COUNT(*) FROM scan", database: db) == 40)
        #expect(try server.count("SELECT COUNT(*) FROM finding_lifecycle", database: db) == 16)
        for i in 0..<8 {
            let scans = try stores[0].scans(cluster: "cluster-\(i)", since: nil)
            #expect(scans.count == 5)
            #expect(try stores[1].content(of: scans[4]) == Self.content([1, 2]))
        }
    }

    @Test("two writers saving changing findings of one cluster at once: the lifecycle of the same saves made one by one")
    func oneClusterTwoWriters() throws {
        let server = try PostgresTestServer.require()
        let url = try server.makeDatabase()
        let stores = [try PostgresEvidenceStore(url: url, environment: [:]), try PostgresEvidenceStore(url: url, environment: [:])]
        // Findings come, go and come back, so each save's lifecycle depends on the one before it.
        let sequences: [[[Int]]] = [[[1], [1, 2], [], [2, 3], [1]], [[3], [], [1, 3], [2], [1, 2, 3]]]
        let errors = Errors()
        DispatchQueue.concurrentPerform(iterations: 2) { w in
            for (n, findings) in sequences[w].enumerated() {
                do { _ = try stores[w].save(Self.content(findings), cluster: "east", time: Double(2_000 + 10 * n + w)) } catch { errors.add(error) }
            }
        }
        #expect(errors.all.isEmpty, "\(errors.all)")
        // The same saves, in the order the database numbered them (the order their transactions
        // took the cluster's lock), one by one in memory.
        let saved = try stores[0].scans(cluster: "east", since: nil).sorted { $0.id < $1.id }
        #expect(saved.map(\.id) == Array(1...10))
        let memory = MemoryScanHistoryStore(hash: .sha256)
        for s in saved { _ = try memory.save(try stores[0].content(of: s), cluster: "east", time: s.time) }
        let expected = try memory.findingLifecycles(cluster: "east")
        #expect(expected.count == 3)
        #expect(try stores[1].findingLifecycles(cluster: "east") == expected)
    }
}
