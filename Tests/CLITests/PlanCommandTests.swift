import CLITestSupport
import Cluster
import Evidence
import Foundation
import Governance
import KubeletAuthzApp
import KubeletModel
import RBAC
import TestSupport
import Testing
@testable import Reports

/// `plan` on the bundled demo: what it removes and keeps, the YAML applied back onto the
/// demo's files (the scan then counts fewer exec-capable subjects, as the plan said), and the
/// bundled audit log replayed against the planned cluster.
@Suite("PlanCommand", .serialized)
struct PlanCommandTests {
    static let root = Fixtures.repositoryRoot.path
    static let clusterDir = root + "/examples/ai-cluster"
    static let auditDir = root + "/examples/audit"

    static func demoJSON() async throws -> [String: Any] {
        let r = await kubeletAuthz(["plan", "--demo", "-o", "json"], environment: ["KUBELET_AUTHZ_EXAMPLES": root + "/examples"])
        #expect(r.code == 0, "\(r.err)")
        return try jsonObject(r.out)
    }

    static func subject(_ doc: [String: Any], _ kind: String, _ name: String) throws -> [String: Any] {
        let subjects = try #require(doc["subjects"] as? [[String: Any]])
        return try #require(subjects.first { ($0["subject"] as? [String: Any])?["kind"] as? String == kind && ($0["subject"] as? [String: Any])?["name"] as? String == name })
    }

    static func permissions(_ s: [String: Any], _ key: String) -> Set<String> {
        Set((s[key] as? [[String: Any]] ?? []).map { "\($0["verb"]!) \($0["resource"]!)" })
    }

    /// The YAML plan written into a fresh directory.
    static func writePlan(_ yaml: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("plan.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    @Test("the change request names each subject's owner from the register or annotations, and approvals the plan removes")
    func governance() async throws {
        let doc = try await Self.demoJSON()
        // examples/register.yaml: ml-platform-oncall is approved get and create on nodes/proxy;
        // the plan drops create, so the record must change with it.
        let oncall = try #require(try Self.subject(doc, "Group", "ml-platform-oncall")["governance"] as? [String: Any])
        #expect(oncall["owner"] as? String == "ml-platform@example.com")
        #expect((oncall["source"] as? String)?.hasPrefix("register ") == true)
        #expect(oncall["approvalRemoved"] as? [String] == ["create nodes/proxy"])
        // fluent-bit: owned by its ServiceAccount's annotations; nothing approved, nothing to change.
        let fluent = try #require(try Self.subject(doc, "ServiceAccount", "fluent-bit")["governance"] as? [String: Any])
        #expect(fluent["owner"] as? String == "team-logging@example.com")
        #expect(fluent["source"] as? String == "ServiceAccount annotations")
        #expect((fluent["approvalRemoved"] as? [String])?.isEmpty == true)
        // Nobody recorded kubecost's access.
        #expect(try Self.subject(doc, "ServiceAccount", "kubecost-prometheus-server")["governance"] is NSNull)
        // A register that does not parse is bad input, named.
        let bad = try Self.writePlan("entries: [1]\n")
        let r = await kubeletAuthz(["plan", "-f", Self.clusterDir, "--register", bad, "--min-evidence-days", "0"])
        #expect(r.code == 2, "\(r.err)")
        #expect(r.err.contains("plan.yaml"))
    }

    @Test("the demo plan drops nodes/proxy from the agents whose evidence and catalogue allow it, and keeps it with reasons elsewhere")
    func demoPlan() async throws {
        let doc = try await Self.demoJSON()
        let summary = try #require(doc["summary"] as? [String: Any])
        #expect(summary["breakingRequests"] as? Int == 0)
        #expect(summary["proofHolds"] as? Bool == true)
        #expect((summary["othersChanged"] as? [String])?.isEmpty == true)
        // Datadog and Fluent Bit used nodes/proxy only as the fallback for /pods: fine-grained grants replace it.
        for name in ["datadog", "fluent-bit"] {
            let s = try Self.subject(doc, "ServiceAccount", name)
            #expect(Self.permissions(s, "removed").contains("get nodes/proxy"), "\(name)")
            #expect(Self.permissions(s, "planned").contains("get nodes/pods"), "\(name)")
            #expect(!Self.permissions(s, "planned").contains("get nodes/proxy"), "\(name)")
            let proof = try #require(s["proof"] as? [String: Any])
            #expect(proof["execBefore"] as? Bool == true && proof["execAfter"] as? Bool == false, "\(name)")
            #expect((proof["breaking"] as? [Any])?.isEmpty == true, "\(name)")
        }
        // Kubecost's Prometheus scrapes through the API server's node proxy: kept, unprovable.
        let kubecost = try Self.subject(doc, "ServiceAccount", "kubecost-prometheus-server")
        #expect(Self.permissions(kubecost, "planned").contains("get nodes/proxy"))
        #expect((kubecost["unprovable"] as? [String])?.contains { $0.contains("configuration") } == true)
        // alice used nodes/proxy herself (path unknown): get kept and flagged, create (never used) dropped.
        let alice = try Self.subject(doc, "User", "alice@example.com")
        #expect(Self.permissions(alice, "planned") == ["get nodes/proxy"])
        #expect(Self.permissions(alice, "removed") == ["create nodes/proxy"])
        #expect((alice["review"] as? [String])?.first?.contains("exec-capable") == true)
        let before = try #require(summary["execCapableBefore"] as? Int), after = try #require(summary["execCapableAfter"] as? Int)
        #expect(after < before)
    }

    @Test("applying the YAML to the demo's files and re-scanning shows the exec-capable count the plan said")
    func applyAndRescan() async throws {
        let env = ["KUBELET_AUTHZ_EXAMPLES": Self.root + "/examples"]
        let yaml = await kubeletAuthz(["plan", "--demo"], environment: env)
        #expect(yaml.code == 0, "\(yaml.err)")
        #expect(yaml.out.contains("app.kubernetes.io/managed-by: kubelet-authz"))
        #expect(!yaml.out.contains("kind: Delete") && !yaml.out.contains("$patch"))
        let file = try Self.writePlan(yaml.out)
        defer { try? FileManager.default.removeItem(atPath: (file as NSString).deletingLastPathComponent) }
        let doc = try await Self.demoJSON()
        let summary = try #require(doc["summary"] as? [String: Any])
        let scanBefore = await kubeletAuthz(["scan", "-f", Self.clusterDir, "--now", "2026-11-27", "-o", "json"])
        let scanAfter = await kubeletAuthz(["scan", "-f", Self.clusterDir, "-f", file, "--now", "2026-11-27", "-o", "json"])
        let b = try #require(try jsonObject(scanBefore.out)["summary"] as? [String: Any])
        let a = try #require(try jsonObject(scanAfter.out)["summary"] as? [String: Any])
        #expect(b["execCapable"] as? Int == summary["execCapableBefore"] as? Int)
        #expect(a["execCapable"] as? Int == summary["execCapableAfter"] as? Int)
        #expect((a["execCapable"] as? Int ?? 99) < (b["execCapable"] as? Int ?? 0))
        // The plan read after the files replaces objects of the same name: the reader says so.
        #expect(scanAfter.err.contains("appears again; this definition replaces"))
        // Planning the planned cluster again changes nothing more that is provable to change.
        let again = await kubeletAuthz(["plan", "-f", Self.clusterDir, "-f", file, "--audit", Self.auditDir, "--now", "2026-11-27", "-o", "json"])
        let againSummary = try #require(try jsonObject(again.out)["summary"] as? [String: Any])
        #expect(againSummary["changed"] as? Int == 0, "\(again.out)")
    }

    /// Every request of the bundled audit log, replayed through the kubelet mapper and the
    /// RBAC engine: (passed before, fails after) pairs.
    static func replayBreaks(planYAML: String) throws -> (passedBefore: Int, breaks: [String]) {
        let file = try writePlan(planYAML)
        defer { try? FileManager.default.removeItem(atPath: (file as NSString).deletingLastPathComponent) }
        let before = try ClusterFileReader.read([clusterDir], stdin: { Data() })
        let after = try ClusterFileReader.read([clusterDir, file], stdin: { Data() })
        let profile = ReleaseRule.choose(before, flag: nil).profile
        let report = try EvidenceLoading(logs: [auditDir], store: .memory).load().report
        let b = ReplayAuthorizer(policy: before.policy()), a = ReplayAuthorizer(policy: after.policy())
        var passed = 0
        var breaks: [String] = []
        for use in ObservedUse.uses(from: report.usage) where use.passed {
            let r = ReplayRequest(route: use.route, user: use.user, node: use.node, method: ObservedUse.method(forVerb: use.verb),
                                  path: use.representativePath, origin: .evidence(count: use.count, passedInLog: true))
            guard b.passingCheck(r, profile: profile) != nil else { continue }
            passed += use.count
            if a.passingCheck(r, profile: profile) == nil { breaks.append("\(r.user.name): \(r.text)") }
        }
        return (passed, breaks)
    }

    @Test("the bundled audit log replayed against the planned cluster: nothing that passed fails; a wrong plan is caught")
    func auditReplay() async throws {
        let yaml = await kubeletAuthz(["plan", "--demo"], environment: ["KUBELET_AUTHZ_EXAMPLES": Self.root + "/examples"])
        let good = try Self.replayBreaks(planYAML: yaml.out)
        // prometheus 80 metrics, datadog 80 /pods (fallback) and 80 stats, fluent-bit 80 /pods (fallback), node-inspector 40 /pods,
        // kubecost 20 through the API server, alice 1: every allowed request of the log.
        #expect(good.passedBefore == 381)
        #expect(good.breaks.isEmpty, "\(good.breaks)")
        // The same plan with Datadog's nodes/pods left out: its /pods requests no longer pass.
        var lines = yaml.out.components(separatedBy: "\n")
        let at = try #require(lines.firstIndex(of: "  name: kubelet-authz:serviceaccount:datadog:datadog") ?? lines.firstIndex(of: "  name: datadog"))
        let pods = try #require(lines[at...].firstIndex(of: "  - nodes/pods"))
        lines.remove(at: pods)
        let wrong = try Self.replayBreaks(planYAML: lines.joined(separator: "\n"))
        #expect(wrong.breaks.contains { $0.contains("datadog") && $0.contains("/pods") }, "\(wrong.breaks)")
    }

    @Test("an unknown --subject is bad input naming the closest subjects; a malformed one says the forms")
    func badSubjects() async throws {
        let env = ["KUBELET_AUTHZ_EXAMPLES": Self.root + "/examples"]
        let r = await kubeletAuthz(["plan", "--demo", "--subject", "serviceaccount/datadog/datadgo"], environment: env)
        #expect(r.code == 2)
        #expect(r.err.contains("ServiceAccount datadog/datadog"), "\(r.err)")
        let m = await kubeletAuthz(["plan", "--demo", "--subject", "pod/x"], environment: env)
        #expect(m.code == 2 && m.err.contains("serviceaccount/NAMESPACE/NAME"))
    }

    @Test("--subject plans only that subject; --fail-on-unprovable exits 1 on kubecost's API-server proxy")
    func subjectAndGate() async throws {
        let env = ["KUBELET_AUTHZ_EXAMPLES": Self.root + "/examples"]
        let one = await kubeletAuthz(["plan", "--demo", "--subject", "serviceaccount/logging/fluent-bit", "-o", "json"], environment: env)
        let doc = try jsonObject(one.out)
        #expect((doc["subjects"] as? [Any])?.count == 1)
        let gate = await kubeletAuthz(["plan", "--demo", "--subject", "serviceaccount/kubecost/kubecost-prometheus-server", "--fail-on-unprovable"], environment: env)
        #expect(gate.code == 1 && gate.err.contains("--fail-on-unprovable"))
        let fine = await kubeletAuthz(["plan", "--demo", "--subject", "serviceaccount/logging/fluent-bit", "--fail-on-unprovable"], environment: env)
        #expect(fine.code == 0, "\(fine.err)")
    }
}

/// The YAML writer's scalars read back as the same strings, through the project's own reader
/// (its block parser and, for what that is unsure of, Yams).
@Suite("PlanYAML")
struct PlanYAMLTests {
    @Test("names, labels and subjects that YAML would read as something else come back unchanged",
          arguments: ["true", "no", "1.0", "0x1F", "-x", ".hidden", "a: b", "#c", "O'Brien \"ops\"", "système:ops", "tab\there", "~", "", "null"])
    func scalars(_ text: String) throws {
        let role = Role(kind: .clusterRole, name: "kubelet-authz:user:x", rules: [PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["nodes/pods"], resourceNames: [text.isEmpty ? "n" : text])],
                        labels: ["k": text], annotations: ["a": text])
        let binding = Binding(kind: .clusterRoleBinding, name: "kubelet-authz:user:x", roleRef: RoleRef(kind: "ClusterRole", name: "kubelet-authz:user:x"),
                              subjects: [Subject(kind: "User", name: text.isEmpty ? "u" : text)])
        let yaml = PlanYAML.role(role) + "---\n" + PlanYAML.binding(binding)
        var s = ClusterSnapshot()
        s.merge(try ClusterDocumentDecoder.decode(Data(yaml.utf8), source: "plan.yaml"))
        let back = try #require(s.roles.first)
        #expect(back.labels["k"] == text, "\(yaml)")
        #expect(back.rules.first?.resourceNames == [text.isEmpty ? "n" : text])
        #expect(s.bindings.first?.subjects.first?.name == (text.isEmpty ? "u" : text))
    }
}
