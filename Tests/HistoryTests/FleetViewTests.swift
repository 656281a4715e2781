import History
import Testing

@Suite("FleetView")
struct FleetViewTests {
    static let agent = SubjectRef(kind: "ServiceAccount", namespace: "monitoring", name: "agent")
    static let other = SubjectRef(kind: "User", name: "alice")

    static func latest(_ cluster: String, id: Int, _ subjects: [SubjectAccessRecord], next: String? = nil) -> FleetView.Latest {
        let governance = next.map { [GovernanceEntryRecord(subject: agent, owner: "team", purpose: nil, reviewed: nil, nextReview: $0, ticket: nil, approved: nil, origin: "register r.yaml")] } ?? []
        let content = ScanContent(release: "1.36", subjects: subjects, findings: [], governance: governance)
        return .init(scan: SavedScan.row(for: content, blobs: [], cluster: cluster, time: Double(id)), content: content)
    }

    static func record(_ s: SubjectRef, _ subresources: [String], exec: Bool = false) -> SubjectAccessRecord {
        SubjectAccessRecord(subject: s, execCapable: exec, access: subresources.map { .init(subresource: $0, verbs: ["get"]) }, grants: [])
    }

    @Test("nodes/proxy on one cluster, fine-grained on the other: flagged; the same grant everywhere: not")
    func drift() {
        let v = FleetView.of([
            Self.latest("b", id: 2, [Self.record(Self.agent, ["metrics", "stats"]), Self.record(Self.other, ["log"])]),
            Self.latest("a", id: 1, [Self.record(Self.agent, ["metrics", "proxy"], exec: true), Self.record(Self.other, ["log"])]),
        ], today: "2026-11-27")
        #expect(v.clusters.map(\.name) == ["a", "b"])
        #expect(v.clusters.map { $0.execCapable } == [[Self.agent], []])
        let agent = v.shared.first { $0.subject == Self.agent }
        #expect(agent?.proxyDrift == true && agent?.proxyOn == ["a"] && agent?.fineGrainedOn == ["b"])
        #expect(v.shared.first { $0.subject == Self.other }?.proxyDrift == false)
    }

    @Test("a subject on one cluster is not shared; reviews due before today are overdue, due today are not")
    func overdueAndSingle() {
        let v = FleetView.of([
            Self.latest("a", id: 1, [Self.record(Self.agent, ["proxy"])], next: "2026-11-26"),
            Self.latest("b", id: 2, [Self.record(Self.other, ["proxy"])], next: "2026-11-27"),
        ], today: "2026-11-27")
        #expect(v.shared.isEmpty)
        #expect(v.clusters.map { $0.overdueReviews.map(\.nextReview) } == [["2026-11-26"], []])
    }
}
