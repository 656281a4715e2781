import CLITestSupport
import Foundation
import TestSupport
import Testing

/// `scan --fail-on high` as a CI gate on a normal kubeadm cluster: the control plane's own
/// kubelet access is reported (KA070), not failed on; what the register approves is governed;
/// an unapproved subject gaining nodes/proxy fails the gate.
@Suite("scan as a CI gate")
struct CIGateTests {
    static let cluster = Fixtures.url("kubeadm-cluster.yaml").path
    static let register = Fixtures.url("kubeadm-register.yaml").path
    static let day = ["--now", "2026-12-01"]

    /// An unapproved ServiceAccount that gains get on nodes/proxy.
    static let rogue = """
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata: {name: node-debugger}
    rules: [{apiGroups: [""], resources: [nodes/proxy], verbs: [get]}]
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRoleBinding
    metadata: {name: node-debugger}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-debugger}
    subjects: [{kind: ServiceAccount, name: debugger, namespace: tools}]
    """

    func ids(_ out: String) throws -> [String: [String]] {
        let findings = try #require(try jsonObject(out)["findings"] as? [[String: Any]])
        var byID: [String: [String]] = [:]
        for f in findings {
            let s = f["subject"] as? [String: Any]
            let ns = (s?["namespace"] as? String).flatMap { $0.isEmpty ? nil : $0 + "/" } ?? ""
            byID[f["id"] as! String, default: []].append(s.map { "\($0["kind"] as? String ?? "") \(ns)\($0["name"] as? String ?? "")" } ?? "")
        }
        return byID
    }

    @Test("a kubeadm cluster whose register approves its collectors passes --fail-on high")
    func passes() async throws {
        let r = await kubeletAuthz(["scan", "-f", Self.cluster, "--register", Self.register, "--fail-on", "high", "-o", "json"] + Self.day)
        #expect(r.code == 0, "\(r.err)")
        let found = try ids(r.out)
        #expect(Set(found["KA070"] ?? []).count == 3, "\(found)")  // the client and both admin groups
        for rule in ["KA001", "KA002", "KA004", "KA020", "KA030"] { #expect(found[rule] == nil, "\(rule): \(found[rule] ?? [])") }
        // Without the register, the collector is ungoverned (medium): still no high.
        let bare = await kubeletAuthz(["scan", "-f", Self.cluster, "--fail-on", "high"] + Self.day)
        #expect(bare.code == 0, "\(bare.out)")
    }

    @Test("the gate fails when an unapproved subject gains get nodes/proxy")
    func failsOnNewProxy() async throws {
        let rogue = try Fixtures.temporaryFile("rogue-\(UUID().uuidString).yaml", Self.rogue)
        let r = await kubeletAuthz(["scan", "-f", Self.cluster, "-f", rogue, "--register", Self.register, "--fail-on", "high", "-o", "json"] + Self.day)
        #expect(r.code == 1)
        #expect(try ids(r.out)["KA001"] == ["ServiceAccount tools/debugger"])
        #expect(r.err.contains("at or above high"))
    }

    @Test("--severity keeps only those findings, and --fail-on judges what is kept; info is a threshold")
    func severityFilter() async throws {
        let all = try ids(await kubeletAuthz(["scan", "-f", Self.cluster, "-o", "json"] + Self.day).out)
        let onlyInfo = await kubeletAuthz(["scan", "-f", Self.cluster, "-o", "json", "--severity", "INFO"] + Self.day)
        let kept = try ids(onlyInfo.out)
        #expect(!kept.isEmpty)
        #expect(Set(kept.keys).isSubset(of: Set(all.keys)))
        #expect(kept["KA020"] == nil, "KA020 is medium")
        #expect(await kubeletAuthz(["scan", "-f", Self.cluster, "--fail-on", "info"] + Self.day).code == 1)
        #expect(await kubeletAuthz(["scan", "-f", Self.cluster, "--severity", "critical", "--fail-on", "info"] + Self.day).code == 0)
        let bad = await kubeletAuthz(["scan", "-f", Self.cluster, "--severity", "urgent"])
        #expect(bad.code == 2)
        #expect(bad.err.contains("--severity \"urgent\""))
    }
}

extension CIGateTests {
    static func register(expiring: String) throws -> String {
        try register(replacing: "nextReview: 2027-02-20", with: "nextReview: \(expiring)")
    }

    /// examples/register.yaml with one piece of netdata's entry changed.
    static func register(replacing old: String, with new: String) throws -> String {
        let text = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("examples/register.yaml"), encoding: .utf8)
        let entry = try #require(text.range(of: "- subject: {kind: ServiceAccount, name: netdata, namespace: monitoring}"))
        let changed = text.replacingOccurrences(of: old, with: new, range: entry.lowerBound..<text.endIndex)
        try #require(old == new || changed != text, "examples/register.yaml: netdata's entry has no \(old)")
        return try Fixtures.temporaryFile("register-\(UUID().uuidString).yaml", changed)
    }

    func unusedMessage(_ register: String) async throws -> String? {
        let r = await kubeletAuthz(["scan", "--demo", "--register", register, "-o", "json"])
        let findings = try #require(try jsonObject(r.out)["findings"] as? [[String: Any]])
        return findings.first { $0["id"] as? String == "KA030" && ($0["message"] as? String ?? "").contains("monitoring/netdata") }?["message"] as? String
    }

    /// The demo's register approves netdata's nodes/metrics until 2027-02-20; the evidence shows
    /// no use of it. Approved and unexpired, it is not advised away; expired, it is.
    @Test("a register approval suppresses the unused finding for what it approves, until it expires")
    func approvalUntilExpiry() async throws {
        let current = try #require(try await unusedMessage(try Self.register(expiring: "2027-02-20")))
        #expect(current.contains("nodes/proxy"))
        #expect(!current.contains("nodes/metrics"), "\(current)")
        let expired = try #require(try await unusedMessage(try Self.register(expiring: "2026-11-01")))
        #expect(expired.contains("nodes/metrics"), "\(expired)")
    }

    /// Suppression vouches only for what the approval says, and only while it has an end date.
    @Test("an approval without an expiry, or of another verb, does not suppress the unused finding",
          arguments: [("  nextReview: 2027-02-20\n", ""), ("    verbs: [get]\n  reviewed: 2026-08-20", "    verbs: [list]\n  reviewed: 2026-08-20")])
    func approvalMustCoverAndExpire(change: (old: String, new: String)) async throws {
        let message = try #require(try await unusedMessage(try Self.register(replacing: change.old, with: change.new)))
        #expect(message.contains("nodes/metrics"), "\(message)")
    }

    @Test("an exec-capable subject with an owner but no review date is a finding")
    func neverReviewed() async throws {
        let r = await kubeletAuthz(["scan", "--demo", "-o", "json"])
        let findings = try #require(try jsonObject(r.out)["findings"] as? [[String: Any]])
        let never = findings.filter { $0["id"] as? String == "KA071" }.compactMap { $0["message"] as? String }
        // fluent-bit's annotations name an owner and no reviewed date (examples/ai-cluster/serviceaccounts.yaml).
        #expect(never.contains { $0.hasPrefix("ServiceAccount logging/fluent-bit can execute commands in pods") }, "\(never)")
        #expect(findings.first { $0["id"] as? String == "KA071" }?["severity"] as? String == "high")
    }

    /// docs/FINDINGS.md (generated from the catalogue) lists each rule's default severity and
    /// when it is raised: every finding the demo raises must be one of those.
    @Test("every reported severity is the rule's default or one its documentation names")
    func severitiesAsDocumented() async throws {
        let doc = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("docs/FINDINGS.md"), encoding: .utf8)
        let r = await kubeletAuthz(["scan", "--demo", "-o", "json"])
        let findings = try #require(try jsonObject(r.out)["findings"] as? [[String: Any]])
        #expect(findings.count > 20)
        for f in findings {
            let id = try #require(f["id"] as? String), severity = try #require(f["severity"] as? String)
            let heading = try #require(doc.components(separatedBy: "\n## \(id)\n").dropFirst().first?.split(separator: "\n").first,
                                       "\(id) is not in docs/FINDINGS.md")
            #expect(heading.contains(", \(severity)") || heading.contains("(\(severity) when"), "\(id) \(severity): \(heading)")
        }
    }
}
