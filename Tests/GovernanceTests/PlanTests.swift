import Cluster
import Collectors
import Evidence
import Foundation
import Governance
import KubeletModel
import RBAC
import Testing

/// `plan` on small clusters built for each rule: the narrowest grant, shared roles, the
/// evidence window, API-server proxy use, exec kept for review, mixed releases, and a proof
/// that catches a wrong change.
@Suite("Plan")
struct PlanTests {
    static let now = Day(year: 2026, month: 11, day: 27)
    static let agent = SubjectKey(kind: Subject.serviceAccountKind, name: "agent", namespace: "monitoring")
    static let other = SubjectKey(kind: Subject.serviceAccountKind, name: "other", namespace: "monitoring")

    /// `agent` and `other` share one binding to `node-reader`, which grants nodes/proxy among
    /// API resources. Images no catalogue entry knows: only the evidence speaks.
    static func cluster(versions: [String] = ["v1.36.0", "v1.36.0"], sharedBinding: Bool = true, verbs: String = "get, list, watch",
                        resources: String = "nodes, nodes/proxy, nodes/metrics") throws -> ClusterSnapshot {
        let others = sharedBinding ? "\n- {kind: ServiceAccount, name: other, namespace: monitoring}" : ""
        let bindings = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: node-reader}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-reader}
        subjects:
        - {kind: ServiceAccount, name: agent, namespace: monitoring}\(others)
        """
        let nodes = versions.enumerated().map { i, v in """
            apiVersion: v1
            kind: Node
            metadata: {name: node-\(i + 1)}
            status: {nodeInfo: {kubeletVersion: \(v)}}
            """ }.joined(separator: "\n---\n")
        let yaml = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: node-reader}
        rules:
        - apiGroups: [""]
          resources: [\(resources)]
          verbs: [\(verbs)]
        - apiGroups: [""]
          resources: [pods]
          verbs: [list]
        ---
        \(bindings)
        ---
        \(nodes)
        """
        var s = ClusterSnapshot()
        s.merge(try ClusterDocumentDecoder.decode(Data(yaml.utf8), source: "built.yaml"))
        s.resolveDuplicates()
        return s
    }

    /// One kubelet review record of `agent`.
    static func record(_ id: Int, day: Int, subresource: String, verb: String = "get", node: String = "node-1",
                       decision: AuditRecord.Decision, second: Double = 0, viaAPIServer: String? = nil,
                       user: String = "system:serviceaccount:monitoring:agent") -> AuditRecord {
        let time = Double(AuditTimestamp.daysFromCivil(2026, 11, 27) - day) * 86400 + 3600 + second
        return AuditRecord(auditID: "a\(id)", path: viaAPIServer == nil ? .kubelet : .apiserverProxy, time: time,
                           timestamp: AuditTimestamp.text(time), level: "RequestResponse", stage: "ResponseComplete", user: user,
                           groups: ["system:serviceaccounts", "system:serviceaccounts:monitoring", "system:authenticated"], uid: nil,
                           podName: nil, credentialID: nil, node: node, verb: verb, subresource: subresource, kubeletPath: viaAPIServer,
                           decision: decision, reason: "", code: nil, cluster: "", source: .file(path: "audit.log", line: id, offset: 0))
    }

    /// `/pods` through the fallback on node-1 and `/metrics` on node-2, every day for `days` days.
    static func fallbackEvidence(days: Int) -> ScanEvidence {
        var records: [AuditRecord] = []
        for d in 0..<days {
            records.append(record(records.count, day: d, subresource: "pods", decision: .deny))
            records.append(record(records.count, day: d, subresource: "proxy", decision: .allow, second: 0.2))
            records.append(record(records.count, day: d, subresource: "metrics", node: "node-2", decision: .allow, second: 5))
        }
        return evidence(records)
    }

    static func evidence(_ records: [AuditRecord]) -> ScanEvidence {
        ScanEvidence(report: EvidenceReport(records: records, counts: AuditScanCounts(), malformed: []), unusedDays: 30)
    }

    static func plan(_ s: ClusterSnapshot, _ e: ScanEvidence?, subjects: [SubjectKey]? = [agent], kubeVersion: KubernetesVersion? = nil,
                     pin: Bool = false, minDays: Int = 30) throws -> KubeletPlan {
        try KubeletPlanner.plan(s, evidence: e, options: PlanOptions(now: now, subjects: subjects, minEvidenceDays: minDays, pinNodes: pin,
                                                                     kubeVersion: kubeVersion, collectors: []))
    }

    static func pairs(_ ps: [PlannedPermission]) -> Set<String> { Set(ps.map(\.permission.description)) }

    @Test("proxy used only as the fallback for /pods becomes nodes/pods; the shared binding loses the subject, the role is untouched")
    func sharedRole() throws {
        let s = try Self.cluster()
        let plan = try Self.plan(s, Self.fallbackEvidence(days: 40))
        let p = try #require(plan.subjects.first)
        #expect(Self.pairs(p.held) == ["get nodes/proxy", "get nodes/metrics"])
        #expect(Self.pairs(p.planned) == ["get nodes/pods", "get nodes/metrics"])
        #expect(Self.pairs(p.removed) == ["get nodes/proxy"])
        #expect(p.fallbackUses["pods"] == 40)
        // Never an edit of the shared role; a new role and binding; the old binding without the subject.
        #expect(!plan.change.roles.contains { $0.role.name == "node-reader" })
        let own = try #require(plan.change.roles.first { $0.isNew })
        #expect(own.role.name == "kubelet-authz:serviceaccount:monitoring:agent")
        #expect(own.role.labels["app.kubernetes.io/managed-by"] == "kubelet-authz")
        // Its other access comes along: `nodes` and `pods` from the shared role's rules.
        #expect(own.role.rules.contains { $0.resources == ["nodes"] && $0.verbs == ["get", "list", "watch"] })
        #expect(own.role.rules.contains { $0.resources == ["pods"] && $0.verbs == ["list"] })
        let old = try #require(plan.change.bindings.first { $0.binding.name == "node-reader" })
        #expect(old.binding.subjects.map(\.name) == ["other"])
        // The proof: nothing breaks, the other subject keeps its access, exec is gone.
        let proof = try #require(plan.proof.subjects.first)
        #expect(plan.proof.breakingCount == 0)
        #expect(plan.proof.othersChanged.isEmpty)
        #expect(proof.stillPass == 80)
        #expect(proof.accessRemoved.map(\.description) == ["get nodes/proxy"])
        #expect(proof.execBefore && !proof.execAfter)
        #expect(proof.pathsWidened.isEmpty)
        #expect(plan.proof.holds)
    }

    @Test("a role bound to this subject alone is narrowed where it is")
    func ownRole() throws {
        let plan = try Self.plan(try Self.cluster(sharedBinding: false), Self.fallbackEvidence(days: 40))
        #expect(plan.change.bindings.isEmpty)
        let role = try #require(plan.change.roles.first)
        #expect(!role.isNew && role.role.name == "node-reader")
        #expect(role.role.rules.contains { $0.resources == ["nodes"] })
        #expect(!role.role.rules.contains { $0.resources.contains("nodes/proxy") })
        #expect(role.role.rules.contains { $0.resources.contains("nodes/pods") && $0.verbs == ["get"] })
        #expect(plan.proof.holds && plan.proof.breakingCount == 0)
    }

    @Test("a deliberately wrong change — the subject leaves the shared binding with nothing in its place — is caught by the proof")
    func wrongPlanCaught() throws {
        let s = try Self.cluster()
        let plan = try Self.plan(s, Self.fallbackEvidence(days: 40))
        var wrong = RBACChange()
        var binding = try #require(s.bindings.first { $0.name == "node-reader" })
        binding.subjects.removeAll { $0.name == "agent" }
        wrong.bindings = [.init(binding: binding, isNew: false, comments: [])]
        let (roles, bindings) = wrong.overlay(roles: s.roles, bindings: s.bindings)
        let proof = PlanProof.prove(planned: plan.subjects, allUses: plan.subjects.flatMap(\.replay), before: s.policy(),
                                    after: RBACPolicy(roles: roles, bindings: bindings), profile: plan.profile)
        #expect(proof.breakingCount == 80)
        #expect(!proof.holds)
        // And one that widens: create on nodes/proxy for the agent.
        var widen = RBACChange()
        widen.roles = [.init(role: Role(kind: .clusterRole, name: "x", rules: [PolicyRule(verbs: ["create"], apiGroups: [""], resources: ["nodes/proxy"])]), isNew: true, comments: [])]
        widen.bindings = [.init(binding: .clusterRoleBinding("x", clusterRole: "x", subjects: [Subject(kind: "ServiceAccount", name: "other", namespace: "monitoring")]), isNew: true, comments: [])]
        let (r2, b2) = widen.overlay(roles: s.roles, bindings: s.bindings)
        let p2 = PlanProof.prove(planned: plan.subjects, allUses: [], before: s.policy(), after: RBACPolicy(roles: r2, bindings: b2), profile: plan.profile)
        #expect(p2.othersChanged == [Self.other])
        #expect(!p2.holds)
    }

    @Test("evidence shorter than --min-evidence-days proves no reduction: nothing is emitted, and it says why")
    func shortEvidence() throws {
        let plan = try Self.plan(try Self.cluster(), Self.fallbackEvidence(days: 10))
        let p = try #require(plan.subjects.first)
        #expect(!p.changes && plan.change.isEmpty)
        #expect(Self.pairs(p.planned).contains("get nodes/proxy"))
        #expect(p.unprovable.contains { $0.contains("fewer than --min-evidence-days 30") })
        #expect(plan.unprovable)
        // The same evidence proves it at a shorter minimum.
        #expect(try Self.plan(try Self.cluster(), Self.fallbackEvidence(days: 10), minDays: 7).subjects[0].changes)
    }

    @Test("use through the API server's node proxy keeps nodes/proxy, unprovable, naming the exec-capable paths")
    func apiServerProxy() throws {
        var records: [AuditRecord] = []
        for d in 0..<40 {
            records.append(Self.record(records.count, day: d, subresource: "proxy", decision: .allow, viaAPIServer: "/metrics/cadvisor"))
        }
        records.append(Self.record(records.count, day: 3, subresource: "proxy", verb: "create", decision: .allow, viaAPIServer: "/exec/tenant-a/llm-0/vllm?command=id"))
        let plan = try Self.plan(try Self.cluster(verbs: "get, create"), Self.evidence(records))
        let p = try #require(plan.subjects.first)
        #expect(Self.pairs(p.planned) == ["get nodes/proxy", "create nodes/proxy"])
        #expect(p.unprovable.contains { $0.contains("configuration") })
        #expect(p.execPathsUsed == ["/exec/tenant-a/llm-0/vllm?command=id"])
        #expect(p.review.contains { $0.contains("exec-capable") })
        // nodes/metrics was never used in 40 days: dropped; the proof holds.
        #expect(Self.pairs(p.removed) == ["get nodes/metrics", "create nodes/metrics"])
        #expect(plan.proof.holds)
    }

    @Test("create nodes/proxy used on the kubelet (path unknown) is kept and flagged; `*` becomes the verbs used")
    func execKept() throws {
        var records: [AuditRecord] = []
        for d in 0..<35 { records.append(Self.record(records.count, day: d, subresource: "proxy", verb: "create", decision: .allow)) }
        let plan = try Self.plan(try Self.cluster(verbs: "\"*\""), Self.evidence(records))
        let p = try #require(plan.subjects.first)
        #expect(Self.pairs(p.held) == ["* nodes/proxy", "* nodes/metrics"])
        #expect(Self.pairs(p.planned) == ["create nodes/proxy"])
        #expect(p.planned[0].reasons.contains { $0.contains("path unknown") })
        #expect(p.review.first?.contains("keeps create nodes/proxy") == true)
        let proof = try #require(plan.proof.subjects.first)
        #expect(proof.execBefore && proof.execAfter)
        #expect(plan.proof.holds)
    }

    @Test("mixed releases: planned for the oldest kubelet, which holds nodes/proxy back; --kube-version plans past it")
    func mixedReleases() throws {
        let s = try Self.cluster(versions: ["v1.31.4", "v1.36.0"])
        let plan = try Self.plan(s, Self.fallbackEvidence(days: 40))
        #expect(plan.profile.version == .v(31))
        #expect(plan.heldBackBy == ["node-1"])
        let p = try #require(plan.subjects.first)
        #expect(Self.pairs(p.planned) == ["get nodes/proxy", "get nodes/metrics"])
        #expect(p.planned[0].reasons.contains { $0.contains("upgrade first") && $0.contains("node-1") })
        let upgraded = try Self.plan(s, Self.fallbackEvidence(days: 40), kubeVersion: .v(36))
        #expect(Self.pairs(upgraded.subjects[0].planned) == ["get nodes/pods", "get nodes/metrics"])
    }

    @Test("planned for 1.31, a held nodes/pods (which 1.31 does not check) is kept, not silently stripped: newer kubelets check it first")
    func uncheckedSubresourceKept() throws {
        // `create` was never used: the plan changes the role, and must leave nodes/pods in it.
        let s = try Self.cluster(versions: ["v1.31.4", "v1.36.0"], sharedBinding: false, verbs: "get, create",
                                 resources: "nodes, nodes/proxy, nodes/metrics, nodes/pods")
        let plan = try Self.plan(s, Self.fallbackEvidence(days: 40))
        #expect(plan.profile.version == .v(31))
        #expect(!plan.change.roles.isEmpty)
        let rules = plan.change.roles.flatMap(\.role.rules)
        #expect(rules.contains { $0.resources.contains("nodes/pods") && $0.verbs.contains("get") }, "\(rules.map(\.summary))")
        #expect(plan.proof.holds)
    }

    @Test("--pin-nodes pins each planned grant to the nodes the subject was seen on")
    func pinNodes() throws {
        let plan = try Self.plan(try Self.cluster(), Self.fallbackEvidence(days: 40), pin: true)
        let p = try #require(plan.subjects.first)
        #expect(p.planned.allSatisfy { $0.nodes == ["node-1", "node-2"] })
        let own = try #require(plan.change.roles.first { $0.isNew })
        #expect(own.role.rules.contains { $0.resourceNames == ["node-1", "node-2"] && $0.resources == ["nodes/pods", "nodes/metrics"] })
        #expect(plan.proof.holds)
    }

    @Test("an unknown --subject names the closest subjects that hold kubelet access")
    func unknownSubject() throws {
        let wrong = SubjectKey(kind: Subject.serviceAccountKind, name: "agnet", namespace: "monitoring")
        #expect(throws: PlanError.unknownSubject(wrong, closest: [Self.agent, Self.other])) {
            try Self.plan(try Self.cluster(), nil, subjects: [wrong])
        }
    }

    @Test("a subject of an aggregated role gets its own role with the aggregated rules it keeps; the aggregating role is never edited")
    func aggregatedRole() throws {
        let yaml = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: readers}
        aggregationRule:
          clusterRoleSelectors:
          - matchLabels: {aggregate-to-readers: "true"}
        rules: []
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: part, labels: {aggregate-to-readers: "true"}}
        rules:
        - {apiGroups: [""], resources: [nodes/proxy, configmaps], verbs: [get]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: readers}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: readers}
        subjects:
        - {kind: ServiceAccount, name: agent, namespace: monitoring}
        """
        var s = ClusterSnapshot()
        s.merge(try ClusterDocumentDecoder.decode(Data(yaml.utf8), source: "built.yaml"))
        s.resolveDuplicates()
        let plan = try Self.plan(s, Self.fallbackEvidence(days: 40))
        #expect(!plan.change.roles.contains { $0.role.name == "readers" || $0.role.name == "part" })
        let own = try #require(plan.change.roles.first { $0.isNew })
        #expect(own.role.rules.contains { $0.resources == ["configmaps"] && $0.verbs == ["get"] })
        #expect(own.role.rules.contains { $0.resources == ["nodes/pods"] })
        #expect(plan.change.bindings.contains { $0.binding.name == "readers" && $0.binding.subjects.isEmpty })
        #expect(plan.proof.holds)
    }

    @Test("a request the log saw denied but today's grants allow is kept working, and says so")
    func deniedThenGranted() throws {
        var records: [AuditRecord] = []
        for d in 0..<40 {
            records.append(Self.record(records.count, day: d, subresource: "pods", decision: .deny))
            records.append(Self.record(records.count, day: d, subresource: "proxy", decision: .allow, second: 0.2))
            records.append(Self.record(records.count, day: d, subresource: "metrics", node: "node-2", decision: .deny, second: 5))
        }
        let plan = try Self.plan(try Self.cluster(), Self.evidence(records))
        let p = try #require(plan.subjects.first)
        let metrics = try #require(p.planned.first { $0.permission.description == "get nodes/metrics" })
        #expect(metrics.reasons.contains { $0.contains("40 denied in the log but allowed by today's grants") })
        #expect(plan.proof.breakingCount == 0 && plan.proof.holds)
    }

    @Test("evidence that ended weeks before --now proves nothing about today")
    func staleEvidence() throws {
        let plan = try KubeletPlanner.plan(try Self.cluster(), evidence: Self.fallbackEvidence(days: 40),
                                           options: PlanOptions(now: Day(year: 2027, month: 1, day: 15), subjects: [Self.agent], collectors: []))
        #expect(!plan.evidence.sufficient)
        #expect(plan.evidence.insufficient?.contains("more than two days before --now") == true)
        #expect(!plan.subjects[0].changes)
    }

    @Test("without evidence nothing is removed, even where a firm catalogue entry says the agent never calls it: unprovable, said so")
    func catalogueOnly() throws {
        let s = try CollectorRecognitionTests.cluster(namespace: "kube-system", serviceAccount: "metrics-server",
                                                      image: "registry.k8s.io/metrics-server/metrics-server:v0.8.1",
                                                      resources: ["nodes/metrics", "nodes/proxy"])
        let key = SubjectKey(kind: Subject.serviceAccountKind, name: "metrics-server", namespace: "kube-system")
        let plan = try KubeletPlanner.plan(s, evidence: nil, options: PlanOptions(now: Self.now, subjects: [key], kubeVersion: .v(36)))
        let p = try #require(plan.subjects.first)
        #expect(p.collector?.collector.id == "metrics-server")
        #expect(Set(Self.pairs(p.planned)) == ["get nodes/metrics", "get nodes/proxy"])
        #expect(p.removed.isEmpty)
        #expect(!p.unprovable.isEmpty && plan.unprovable)
        let kept = p.planned.first { $0.isProxy }?.reasons.joined() ?? ""
        #expect(kept.contains("no audit evidence") && kept.contains("does not call it by the catalogue"), "\(kept)")
        #expect(plan.proof.holds)
    }

    @Test("the replay's subject-indexed authorizer answers every kubelet check on the demo as the RBAC engine's chain does")
    func replayAuthorizerAgrees() {
        let policy = ScannerTests.demo.policy()
        let index = ReplayAuthorizer(policy: policy)
        let chain = AuthorizerChain([PrivilegedGroupAuthorizer(), RBACAuthorizer(policy: policy)])
        var users: [UserInfo] = [UserInfo(name: "nobody", groups: ["system:authenticated"]), UserInfo(name: "root", groups: ["system:masters"])]
        var seen = Set<String>()
        policy.forEachBinding { b in
            for s in b.subjects where seen.insert(s.kind + "/" + s.namespace + "/" + s.name).inserted {
                switch s.kind {
                case Subject.serviceAccountKind:
                    users.append(UserInfo.asAuthenticated(name: UserInfo.serviceAccountPrefix + (s.namespace.isEmpty ? b.namespace : s.namespace) + ":" + s.name))
                case Subject.groupKind: users.append(UserInfo(name: "member-of-" + s.name, groups: [s.name]))
                default: users.append(UserInfo.asAuthenticated(name: s.name))
                }
            }
        }
        var allowed = 0, checked = 0
        for user in users {
            for sub in KubeletPermissions.subresources {
                for verb in KubeletPermissions.verbs {
                    for node in ["gpu-node-1", "gpu-node-2", "cpu-node-1"] {
                        let check = KubeletCheck(verb: verb, subresource: sub)
                        let want = chain.decide(AuthorizationAttributes(user: user, verb: verb, resource: "nodes", subresource: sub, name: node)).decision == .allow
                        #expect(index.allows(user, check, node: node) == want, "\(user.name) \(verb) nodes/\(sub) on \(node)")
                        checked += 1
                        if want { allowed += 1 }
                    }
                }
            }
        }
        #expect(allowed > 100 && allowed < checked)
    }
}
