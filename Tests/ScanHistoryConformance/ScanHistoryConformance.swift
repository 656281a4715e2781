import History
import Testing

/// What every store of saved scans must do, written once and run against each implementation:
/// memory, SQLite, and any later one (a PostgreSQL store passes a `make` that returns a store on
/// a fresh schema). Each check is a test case of its own:
///
///     @Test(arguments: ScanHistoryConformance.Check.allCases)
///     func conformance(_ check: ScanHistoryConformance.Check) throws {
///         try ScanHistoryConformance(make: { MyStore() }).run(check)
///     }
public struct ScanHistoryConformance: Sendable {
    public enum Check: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case contentRoundTrip, unchangedAddsNoContent, sharedPartsStoredOnce, listedInOrder, clustersAreSeparate, since,
             unknownScan, lifecycleOpenFixReopen, lifecycleUntouchedWhenFindingsUnchanged, acceptancesReplace, reopened,
             emptyParts
        public var testDescription: String { rawValue }
    }

    let make: @Sendable () throws -> any ScanHistoryStore
    /// The same store opened again (a database reopened from its file); nil where nothing
    /// outlives the object, and the `reopened` check then checks nothing.
    let reopen: (@Sendable (any ScanHistoryStore) throws -> any ScanHistoryStore)?

    public init(make: @escaping @Sendable () throws -> any ScanHistoryStore,
                reopen: (@Sendable (any ScanHistoryStore) throws -> any ScanHistoryStore)? = nil) {
        self.make = make
        self.reopen = reopen
    }

    public func run(_ check: Check) throws {
        switch check {
        case .contentRoundTrip: try contentRoundTrip()
        case .unchangedAddsNoContent: try unchangedAddsNoContent()
        case .sharedPartsStoredOnce: try sharedPartsStoredOnce()
        case .listedInOrder: try listedInOrder()
        case .clustersAreSeparate: try clustersAreSeparate()
        case .since: try since()
        case .unknownScan: try unknownScan()
        case .lifecycleOpenFixReopen: try lifecycleOpenFixReopen()
        case .lifecycleUntouchedWhenFindingsUnchanged: try lifecycleUntouchedWhenFindingsUnchanged()
        case .acceptancesReplace: try acceptancesReplace()
        case .reopened: try reopened()
        case .emptyParts: try emptyParts()
        }
    }

    // MARK: Material

    static let sa = SubjectRef(kind: "ServiceAccount", namespace: "monitoring", name: "agent-é")
    static let group = SubjectRef(kind: "Group", name: "oncall")

    static func finding(_ n: Int, severity: String = "high", subject: SubjectRef? = sa) -> FindingRecord {
        FindingRecord(fingerprint: "v1:\(String(repeating: "0", count: 15))\(n)", rule: "KA00\(n % 10)", severity: severity, subject: subject,
                      message: "finding \(n) | with \"quotes\"\nand a line break",
                      locations: [.init(kind: "ClusterRoleBinding", namespace: "", name: "b\(n)", file: "rbac.yaml", line: 10 + n),
                                  .init(kind: "ClusterRole", namespace: "", name: "r\(n)", file: nil, line: nil)])
    }

    static func content(release: String = "1.35", proxy: Bool = false, findings: [FindingRecord] = [finding(1)], owner: String = "team-a") -> ScanContent {
        var access: [SubjectAccessRecord.Access] = [.init(subresource: "metrics", verbs: ["get"])]
        if proxy { access.append(.init(subresource: "proxy", verbs: ["get", "create"], nodes: ["n2", "n1"])) }
        return ScanContent(
            release: release,
            subjects: [SubjectAccessRecord(subject: sa, execCapable: proxy, access: access,
                                           grants: [.init(binding: "ClusterRoleBinding/agent", role: "ClusterRole/agent", subresources: proxy ? ["proxy", "metrics"] : ["metrics"])]),
                       SubjectAccessRecord(subject: group, execCapable: false, access: [.init(subresource: "log", verbs: ["get"], nodes: ["n1"])],
                                           grants: [.init(binding: "ClusterRoleBinding/oncall", role: "ClusterRole/logs", subresources: ["log"])])],
            findings: findings,
            governance: [GovernanceEntryRecord(subject: sa, owner: owner, purpose: "metrics", reviewed: "2026-01-02", nextReview: "2026-07-02",
                                               ticket: nil, approved: ["metrics=get"], origin: "register register.yaml")])
    }

    // MARK: Checks

    func contentRoundTrip() throws {
        let store = try make()
        let c = Self.content(proxy: true, findings: [Self.finding(1), Self.finding(2, severity: "critical"), Self.finding(3, severity: "info", subject: nil)])
        let saved = try store.save(c, cluster: "c1", time: 1_000)
        #expect(saved.id > 0)
        #expect(saved.cluster == "c1" && saved.time == 1_000 && saved.release == "1.35")
        #expect(saved.subjects == 2 && saved.execCapable == 1)
        #expect(saved.findings == SeverityCounts(critical: 1, high: 1, info: 1))
        #expect(try store.scan(id: saved.id) == saved)
        #expect(try store.content(of: saved) == c)
    }

    func unchangedAddsNoContent() throws {
        let store = try make()
        let first = try store.save(Self.content(), cluster: "c1", time: 1_000)
        let rows = try store.contentRowCount()
        #expect(rows == 3 + 1, "three parts and one finding's lifecycle")
        let second = try store.save(Self.content(), cluster: "c1", time: 2_000)
        #expect(try store.contentRowCount() == rows)
        #expect(second.id != first.id)
        #expect((second.inventoryHash, second.findingsHash, second.governanceHash) == (first.inventoryHash, first.findingsHash, first.governanceHash))
        #expect(try store.scans(cluster: "c1", since: nil).count == 2)
    }

    func sharedPartsStoredOnce() throws {
        let store = try make()
        _ = try store.save(Self.content(), cluster: "c1", time: 1_000)
        let rows = try store.contentRowCount()
        // Only the governance part changes: one new part, no new lifecycle row.
        let next = try store.save(Self.content(owner: "team-b"), cluster: "c1", time: 2_000)
        #expect(try store.contentRowCount() == rows + 1)
        #expect(try store.content(of: next).governance.first?.owner == "team-b")
        // Another cluster with the same content stores no part again (only its lifecycle row).
        _ = try store.save(Self.content(), cluster: "c2", time: 3_000)
        #expect(try store.contentRowCount() == rows + 2)
    }

    func listedInOrder() throws {
        let store = try make()
        let late = try store.save(Self.content(proxy: true), cluster: "c1", time: 5_000)
        let early = try store.save(Self.content(), cluster: "c1", time: 1_000)
        let tie = try store.save(Self.content(), cluster: "c1", time: 5_000)
        #expect(try store.scans(cluster: "c1", since: nil).map(\.id) == [early.id, late.id, tie.id])
    }

    func clustersAreSeparate() throws {
        let store = try make()
        _ = try store.save(Self.content(), cluster: "c1", time: 1_000)
        _ = try store.save(Self.content(findings: [Self.finding(2)]), cluster: "c2", time: 2_000)
        #expect(try store.scans(cluster: "c1", since: nil).map(\.cluster) == ["c1"])
        #expect(try store.scans(cluster: nil, since: nil).map(\.cluster) == ["c1", "c2"])
        #expect(try store.findingLifecycles(cluster: "c1").map(\.fingerprint) == [Self.finding(1).fingerprint])
        #expect(try store.findingLifecycles(cluster: "c2").map(\.fingerprint) == [Self.finding(2).fingerprint])
        #expect(try store.findingLifecycles(cluster: "c3").isEmpty)
    }

    func since() throws {
        let store = try make()
        for t in [1_000.0, 2_000, 3_000] { _ = try store.save(Self.content(), cluster: "c1", time: t) }
        #expect(try store.scans(cluster: nil, since: 2_000).map(\.time) == [2_000, 3_000])
        #expect(try store.scans(cluster: "c1", since: 3_001).isEmpty)
    }

    func unknownScan() throws {
        let store = try make()
        #expect(try store.scan(id: 1) == nil)
        #expect(try store.scans(cluster: nil, since: nil).isEmpty)
        let s = try store.save(Self.content(), cluster: "c1", time: 1_000)
        #expect(try store.scan(id: s.id + 1) == nil)
    }

    func lifecycleOpenFixReopen() throws {
        let store = try make()
        let f1 = Self.finding(1), f2 = Self.finding(2)
        _ = try store.save(Self.content(findings: [f1]), cluster: "c1", time: 1_000)
        _ = try store.save(Self.content(findings: [f1, f2]), cluster: "c1", time: 2_000)
        var states = Dictionary(uniqueKeysWithValues: try store.findingLifecycles(cluster: "c1").map { ($0.fingerprint, $0) })
        #expect(states[f1.fingerprint]?.firstSeen == 1_000 && states[f1.fingerprint]?.lastSeen == 2_000 && states[f1.fingerprint]?.isOpen == true)
        #expect(states[f2.fingerprint]?.firstSeen == 2_000)
        #expect(states[f2.fingerprint]?.subject == Self.sa && states[f2.fingerprint]?.rule == "KA002")
        // f1 fixed at the third scan, last seen at the second.
        _ = try store.save(Self.content(findings: [f2]), cluster: "c1", time: 3_000)
        states = Dictionary(uniqueKeysWithValues: try store.findingLifecycles(cluster: "c1").map { ($0.fingerprint, $0) })
        #expect(states[f1.fingerprint]?.fixedAt == 3_000 && states[f1.fingerprint]?.lastSeen == 2_000)
        #expect(states[f2.fingerprint]?.lastSeen == 3_000 && states[f2.fingerprint]?.isOpen == true)
        // f1 back: open again, first seen kept.
        _ = try store.save(Self.content(findings: [f1, f2]), cluster: "c1", time: 4_000)
        states = Dictionary(uniqueKeysWithValues: try store.findingLifecycles(cluster: "c1").map { ($0.fingerprint, $0) })
        #expect(states[f1.fingerprint]?.isOpen == true && states[f1.fingerprint]?.firstSeen == 1_000 && states[f1.fingerprint]?.lastSeen == 4_000)
    }

    func lifecycleUntouchedWhenFindingsUnchanged() throws {
        let store = try make()
        _ = try store.save(Self.content(), cluster: "c1", time: 1_000)
        let before = try store.findingLifecycles(cluster: "c1")
        _ = try store.save(Self.content(owner: "team-b"), cluster: "c1", time: 2_000)
        let after = try store.findingLifecycles(cluster: "c1")
        #expect(after.map(\.firstSeen) == before.map(\.firstSeen))
        #expect(after.map(\.lastSeen) == [2_000], "open findings were last seen at the latest scan")
    }

    func acceptancesReplace() throws {
        let store = try make()
        #expect(try store.acceptances().isEmpty)
        let a = RecordedAcceptance(fingerprint: "v1:0000000000000001", cluster: "c1", reason: "ticket 1", until: "2027-01-31", recordedAt: 1_000)
        try store.record(a)
        try store.record(RecordedAcceptance(fingerprint: "v1:0000000000000001", cluster: "", reason: "everywhere", until: "2027-02-01", recordedAt: 1_001))
        var renewed = a
        renewed.until = "2027-06-30"; renewed.reason = "renewed"
        try store.record(renewed)
        let all = try store.acceptances()
        #expect(all.count == 2)
        #expect(all.first { $0.cluster == "c1" } == renewed)
        #expect(all.first { $0.cluster.isEmpty }?.reason == "everywhere")
    }

    /// No findings and no governance: two empty lists, stored as two parts all the same.
    func emptyParts() throws {
        let store = try make()
        let empty = ScanContent(release: "1.36", subjects: [], findings: [], governance: [])
        let saved = try store.save(empty, cluster: "c1", time: 1_000)
        #expect(Set([saved.inventoryHash, saved.findingsHash, saved.governanceHash]).count == 3)
        #expect(try store.content(of: saved) == empty)
        #expect(try store.contentRowCount() == 3)
    }

    func reopened() throws {
        guard let reopen else { return }
        let store = try make()
        let c = Self.content(proxy: true)
        let saved = try store.save(c, cluster: "c1", time: 1_000)
        try store.record(RecordedAcceptance(fingerprint: Self.finding(1).fingerprint, cluster: "", reason: "r", until: "2027-01-01", recordedAt: 1))
        let again = try reopen(store)
        #expect(try again.scans(cluster: nil, since: nil) == [saved])
        #expect(try again.content(of: saved) == c)
        #expect(try again.acceptances().count == 1)
        #expect(try again.findingLifecycles(cluster: "c1").count == 1)
        let rows = try again.contentRowCount()
        _ = try again.save(c, cluster: "c1", time: 2_000)
        #expect(try again.contentRowCount() == rows)
    }
}
