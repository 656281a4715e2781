import History
import Testing

@Suite("Scan diff")
struct ScanDiffTests {
    static let sa = SubjectRef(kind: "ServiceAccount", namespace: "ml", name: "debugger")
    static let prom = SubjectRef(kind: "ServiceAccount", namespace: "monitoring", name: "prometheus")

    static func finding(_ fp: String, _ rule: String = "KA001") -> FindingRecord {
        FindingRecord(fingerprint: fp, rule: rule, severity: "high", subject: sa, message: fp, locations: [])
    }

    static let before = ScanContent(
        release: "1.35",
        subjects: [SubjectAccessRecord(subject: prom, execCapable: false, access: [.init(subresource: "metrics", verbs: ["get"])],
                                       grants: [.init(binding: "ClusterRoleBinding/prom", role: "ClusterRole/prom", subresources: ["metrics"])])],
        findings: [finding("v1:a"), finding("v1:b")],
        governance: [GovernanceEntryRecord(subject: prom, owner: "obs", purpose: nil, reviewed: nil, nextReview: "2026-10-01", ticket: nil, approved: nil, origin: "register r.yaml")])

    static let after = ScanContent(
        release: "1.35",
        subjects: [SubjectAccessRecord(subject: prom, execCapable: false, access: [.init(subresource: "metrics", verbs: ["get"])],
                                       grants: [.init(binding: "ClusterRoleBinding/prom", role: "ClusterRole/prom", subresources: ["metrics"])]),
                   SubjectAccessRecord(subject: sa, execCapable: true, access: [.init(subresource: "proxy", verbs: ["get"], nodes: ["n1"])],
                                       grants: [.init(binding: "ClusterRoleBinding/debug", role: "ClusterRole/proxy", subresources: ["proxy"])])],
        findings: [finding("v1:b"), finding("v1:c", "KA020")],
        governance: [GovernanceEntryRecord(subject: prom, owner: "obs", purpose: nil, reviewed: nil, nextReview: "2027-01-01", ticket: nil, approved: nil, origin: "register r.yaml")])

    @Test("access, exec, grants, register and findings, each as it changed")
    func changes() {
        let d = ScanDiff.between(Self.before, Self.after)
        #expect(d.gained == [.init(subject: Self.sa, subresource: "proxy", verb: "get", nodes: ["n1"])])
        #expect(d.gained.first?.permission == "get nodes/proxy on n1")
        #expect(d.lost.isEmpty)
        #expect(d.execGained == [Self.sa] && d.execLost.isEmpty)
        #expect(d.grantsAdded.map(\.grant.binding) == ["ClusterRoleBinding/debug"] && d.grantsRemoved.isEmpty)
        #expect(d.governance.count == 1 && d.governance.first?.fields == ["nextReview"])
        #expect(d.newFindings.map(\.fingerprint) == ["v1:c"])
        #expect(d.fixedFindings.map(\.fingerprint) == ["v1:a"])
        #expect(d.unchangedFindings.map(\.fingerprint) == ["v1:b"])
        #expect(!d.isEmpty)
    }

    @Test("the reverse diff loses what the forward one gained")
    func reverse() {
        let d = ScanDiff.between(Self.after, Self.before)
        #expect(d.lost.map(\.subject) == [Self.sa] && d.gained.isEmpty)
        #expect(d.execLost == [Self.sa])
        #expect(d.grantsRemoved.count == 1)
        #expect(d.newFindings.map(\.fingerprint) == ["v1:a"] && d.fixedFindings.map(\.fingerprint) == ["v1:c"])
    }

    @Test("a scan against itself: nothing changed")
    func same() {
        let d = ScanDiff.between(Self.after, Self.after)
        #expect(d.isEmpty)
        #expect(d.unchangedFindings.count == 2)
    }

    @Test("pinning a grant to other nodes is a loss and a gain")
    func nodes() {
        var moved = Self.after
        let i = moved.subjects.firstIndex { $0.subject == Self.sa }!
        moved.subjects[i] = SubjectAccessRecord(subject: Self.sa, execCapable: true, access: [.init(subresource: "proxy", verbs: ["get"], nodes: ["n2"])],
                                                grants: moved.subjects[i].grants)
        let d = ScanDiff.between(Self.after, moved)
        #expect(d.gained.map(\.permission) == ["get nodes/proxy on n2"])
        #expect(d.lost.map(\.permission) == ["get nodes/proxy on n1"])
        #expect(d.execGained.isEmpty && d.grantsAdded.isEmpty)
    }
}
