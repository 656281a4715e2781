import Cluster
import Foundation
import Governance
import KubeletModel
import RBAC
import TestSupport
import Testing

/// The AI-workload review on clusters built for it (Tests/Fixtures/ai-review) and on the
/// bundled demo: AI nodes and their signals, escalation through exec (pinning and unmounted
/// tokens respected), cross-tenant reach found where built in and not where built out.
@Suite("AIWorkloadReview")
struct AIWorkloadReviewTests {
    static let now = Day(year: 2026, month: 11, day: 27)

    static func load(_ name: String) throws -> ClusterSnapshot {
        var s = ClusterSnapshot()
        s.merge(try ClusterDocumentDecoder.decode(Fixtures.data("ai-review/" + name), source: name))
        s.resolveDuplicates()
        return s
    }

    static func scan(_ s: ClusterSnapshot, tenantLabel: String? = nil) -> ScanReport {
        var options = ScanOptions(now: now)
        options.tenantLabel = tenantLabel
        return ClusterScanner.scan(s, options: options)
    }

    static func sa(_ namespace: String, _ name: String) -> SubjectKey { SubjectKey(kind: "ServiceAccount", name: name, namespace: namespace) }

    static func review(_ r: ScanReport, _ key: SubjectKey) -> AISubjectReview? {
        r.aiReview?.subjects.first { $0.subject == key }
    }

    static let escalation = scan(try! load("escalation.yaml"))

    @Test("AI nodes are recognised by capacity, labels, node pools, pod accelerators and images; a general-purpose node is not")
    func recognition() throws {
        let nodes = try #require(Self.escalation.aiReview).aiNodes
        #expect(nodes.map(\.name) == ["amd-1", "gpu-a", "gpu-b", "infer-1"])
        let kinds = Dictionary(uniqueKeysWithValues: nodes.map { ($0.name, Set($0.signals.map(\.kind))) })
        #expect(kinds["gpu-a"] == [.nodeCapacity])
        #expect(kinds["gpu-b"] == [.nodeLabel])
        #expect(kinds["infer-1"] == [.podImage])
        #expect(kinds["amd-1"] == [.nodeLabel, .podAccelerator])
        #expect(nodes.first { $0.name == "infer-1" }!.signals[0].description.contains("llama.cpp"))
        #expect(nodes.first { $0.name == "amd-1" }!.signals.contains { $0.description == "pod ml/train-0 requests amd.com/gpu=2" })
    }

    @Test("the readers keep what the review needs: pod accelerators and both automount settings")
    func readFields() throws {
        let s = try Self.load("escalation.yaml")
        #expect(s.workloads.first { $0.name == "train-0" }?.accelerators == ["amd.com/gpu": "2"])
        #expect(s.workloads.first { $0.name == "backup-0" }?.automountServiceAccountToken == false)
        #expect(s.workloads.first { $0.name == "operator-0" }?.automountServiceAccountToken == nil)
        #expect(s.serviceAccounts.first { $0.name == "impersonator" }?.automountServiceAccountToken == false)
    }

    @Test("exec on gpu-a reaches cluster-admin through the kube-system pod, named step by step")
    func escalationToClusterAdmin() throws {
        let agent = try #require(Self.review(Self.escalation, Self.sa("monitoring", "agent")))
        let top = try #require(agent.reachableEscalations.first)
        #expect(top.serviceAccount == Self.sa("kube-system", "operator"))
        #expect(top.strongest == .everything)
        #expect(agent.path(to: top) == [
            "ServiceAccount monitoring/agent", "ClusterRoleBinding agent", "ClusterRole node-proxy", "nodes/proxy (exec)", "node gpu-a",
            "Pod kube-system/operator-0", "ServiceAccount kube-system/operator", "ClusterRoleBinding operator-admin",
            "ClusterRole cluster-admin: do anything (every verb on every resource)",
        ])
        let finding = try #require(Self.escalation.findings.first { $0.rule == .escalationThroughExec && $0.subject == agent.subject })
        #expect(finding.severity == .critical)
        #expect(finding.message.contains("kube-system/operator-0"))
    }

    @Test("pods without a mounted token (pod or ServiceAccount setting) lead nowhere, and are named")
    func unmountedTokens() throws {
        let agent = try #require(Self.review(Self.escalation, Self.sa("monitoring", "agent")))
        let reader = try #require(agent.escalations.first { $0.serviceAccount == Self.sa("kube-system", "secret-reader") })
        #expect(!reader.reachable)
        #expect(reader.podsWithoutToken.map(\.name) == ["backup-0"])
        let impersonator = try #require(agent.escalations.first { $0.serviceAccount == Self.sa("kube-system", "impersonator") })
        #expect(!impersonator.reachable)
        #expect(impersonator.podsWithoutToken.map(\.name) == ["proxy-0"])
        #expect(agent.path(to: reader) == nil)
        #expect(agent.reachableEscalations.map(\.serviceAccount) == [Self.sa("kube-system", "operator")])
    }

    @Test("resourceNames pinning is followed: an agent pinned to gpu-b never reaches gpu-a's cluster-admin pod")
    func pinning() throws {
        let pinned = try #require(Self.review(Self.escalation, Self.sa("monitoring", "pinned-agent")))
        #expect(pinned.execNodes == 1)
        #expect(pinned.reachableEscalations.isEmpty)
        #expect(pinned.escalations.map(\.serviceAccount) == [Self.sa("kube-system", "secret-reader")])
        #expect(pinned.aiNodes.map(\.node) == ["gpu-b"])
        #expect(!Self.escalation.findings.contains { $0.rule == .escalationThroughExec && $0.subject == pinned.subject })
        // Pinned to a node with no AI workload and no powerful pod: it reaches the web tenant's
        // pod there and nothing else.
        let cpu = try #require(Self.review(Self.escalation, Self.sa("monitoring", "cpu-agent")))
        #expect(cpu.aiNodes.isEmpty && cpu.escalations.isEmpty)
        #expect(cpu.crossTenant.map(\.tenant) == ["web"])
        #expect(Self.escalation.findings.filter { $0.subject == cpu.subject && AIReviewRules.all.contains($0.rule) }.map(\.rule) == [.crossTenantReach])
    }

    @Test("exec on AI nodes is a finding naming the nodes and a signal")
    func execOnAINodes() throws {
        let f = try #require(Self.escalation.findings.first { $0.rule == .execOnAINodes && $0.subject == Self.sa("monitoring", "agent") })
        for node in ["amd-1", "gpu-a", "gpu-b", "infer-1"] { #expect(f.message.contains(node)) }
        #expect(f.message.contains("capacity nvidia.com/gpu=4"))
    }

    @Test("cross-tenant reach is found where tenants share a node", arguments: [nil, "example.com/tenant"])
    func crossTenantFound(label: String?) throws {
        let r = Self.scan(try Self.load("tenants-shared.yaml"), tenantLabel: label)
        let exporter = try #require(Self.review(r, Self.sa("team-a", "exporter")))
        // By label, team-a-batch is tenant a's own; by namespace, another tenant.
        #expect(exporter.tenant == (label == nil ? "team-a" : "a"))
        #expect(exporter.crossTenant.map(\.tenant) == (label == nil ? ["team-a-batch", "team-b"] : ["b"]))
        #expect(exporter.crossTenant.allSatisfy { $0.nodes == ["shared-1"] && $0.kinds == [.logs] })
        let f = try #require(r.findings.first { $0.rule == .crossTenantReach && $0.subject == exporter.subject })
        #expect(f.severity == .medium)
        // Metrics do not cross a tenant boundary in this sense.
        #expect(!r.findings.contains { $0.rule == .crossTenantReach && $0.subject == Self.sa("platform", "metrics") })
    }

    @Test("no cross-tenant reach where tenants are kept on their own nodes and grants pinned to them", arguments: [nil, "example.com/tenant"])
    func crossTenantNotFound(label: String?) throws {
        let r = Self.scan(try Self.load("tenants-separate.yaml"), tenantLabel: label)
        let exporter = try #require(Self.review(r, Self.sa("team-a", "exporter")))
        #expect(exporter.aiNodes.map(\.node) == ["a-1"])
        #expect(exporter.crossTenant.isEmpty)
        #expect(!r.findings.contains { $0.rule == .crossTenantReach })
    }

    @Test("the demo answers every question of the review")
    func demo() throws {
        let r = ClusterScanner.scan(ScannerTests.demo, options: ScanOptions(now: Self.now, register: ScannerTests.register))
        let review = try #require(r.aiReview)
        #expect(review.aiNodes.map(\.name) == ["gpu-node-1", "gpu-node-2"])
        #expect(review.aiNodes.allSatisfy { n in n.signals.contains { $0.kind == .nodeCapacity } && n.signals.contains { $0.kind == .podImage } })
        // What evidence: a nodes/proxy agent sees everything, a metrics scraper only metrics.
        let datadog = try #require(Self.review(r, Self.sa("datadog", "datadog")))
        #expect(datadog.aiNodes.allSatisfy { Set($0.kinds) == Set(EvidenceKind.allCases) })
        let prometheus = try #require(Self.review(r, Self.sa("monitoring", "prometheus-server")))
        #expect(prometheus.aiNodes.allSatisfy { $0.kinds == [.metrics] })
        // Pinned: the log reader sees gpu-node-1 only.
        let logReader = try #require(Self.review(r, Self.sa("ml-platform", "gpu-log-reader")))
        #expect(logReader.aiNodes.map(\.node) == ["gpu-node-1"])
        // Cross-tenant, a tenant a namespace: every nodes/proxy agent reaches both inference
        // tenants, which share gpu-node-1; the pinned log reader reaches them on gpu-node-1 only.
        #expect(datadog.crossTenant.map(\.tenant) == ["tenant-a-inference", "tenant-b-inference"])
        #expect(logReader.crossTenant.allSatisfy { $0.nodes == ["gpu-node-1"] && $0.kinds == [.logs] })
        // By the tenant label only the inference namespaces are tenants, and no subject of theirs
        // holds kubelet access.
        let byLabel = ClusterScanner.scan(ScannerTests.demo, options: {
            var o = ScanOptions(now: Self.now); o.tenantLabel = "tenant.example.com/name"; return o
        }())
        #expect(byLabel.aiReview?.subjects.allSatisfy { $0.crossTenant.isEmpty } == true)
        // Escalation: exec on gpu-node-1 reaches the GPU operator's token (escalate and bind on
        // RBAC: critical); the backup agent's token is not mounted.
        let netdata = try #require(Self.review(r, Self.sa("monitoring", "netdata")))
        let gpuOperator = try #require(netdata.reachableEscalations.first)
        #expect(gpuOperator.serviceAccount == Self.sa("kube-system", "gpu-operator"))
        #expect(Set(gpuOperator.powers.map(\.kind)).isSuperset(of: [.escalate, .bind, .createPods]))
        #expect(gpuOperator.amountsToEverything)
        #expect(r.findings.first { $0.rule == .escalationThroughExec && $0.subject == netdata.subject }?.severity == .critical)
        let datadog2 = try #require(Self.review(r, Self.sa("datadog", "datadog")))
        #expect(datadog2.escalations.contains { $0.serviceAccount == Self.sa("kube-system", "cluster-backup") && !$0.reachable })
        // netdata reads secrets itself: the backup identity is no escalation for it.
        #expect(!netdata.escalations.contains { $0.serviceAccount == Self.sa("kube-system", "cluster-backup") })
        // Powers in one namespace, through RoleBindings, rank after the cluster-wide one, kube-system
        // first: the registry mirror reads kube-system's secrets (a Role there); tenant-b's model
        // deployer reads secrets, mints tokens and creates pods in its namespace (a ClusterRole
        // bound there). netdata reads every secret itself: only what is beyond it counts.
        let oncall = try #require(Self.review(r, SubjectKey(kind: "Group", name: "ml-platform-oncall", namespace: "")))
        #expect(oncall.reachableEscalations.map(\.serviceAccount) == [
            Self.sa("kube-system", "gpu-operator"), Self.sa("kube-system", "registry-mirror"), Self.sa("tenant-b-inference", "model-deployer"),
        ])
        let mirror = try #require(oncall.reachableEscalations.first { $0.serviceAccount.name == "registry-mirror" })
        #expect(mirror.powers.map(\.name) == ["secrets in kube-system"] && mirror.powers.allSatisfy { $0.roleKind == .role })
        #expect(!mirror.amountsToEverything)
        #expect(!netdata.escalations.contains { $0.serviceAccount.name == "registry-mirror" })
        #expect(netdata.escalations.first { $0.serviceAccount.name == "model-deployer" }?.powers.map(\.name)
                == ["tokens in tenant-b-inference", "create-pods in tenant-b-inference"])
        // Neither identity holds kubelet access: the inventory is the demo's as before.
        #expect(!r.subjects.contains { $0.key.namespace == "kube-system" && ["gpu-operator", "cluster-backup"].contains($0.key.name) })
        for rule in AIReviewRules.all { #expect(r.findings.contains { $0.rule == rule }, "\(rule.id) on the demo") }
        // No evidence given here: the audit question says so.
        #expect(review.audit == .noEvidence)
    }
}

enum AIReviewRules {
    static let all: [FindingRule] = [.crossTenantReach, .execOnAINodes, .escalationThroughExec, .aiEvidenceExposure]
}
