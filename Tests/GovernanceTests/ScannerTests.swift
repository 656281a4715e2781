import Cluster
import Foundation
import Governance
import KubeletModel
import RBAC
import TestSupport
import Testing

@Suite("Scanner")
struct ScannerTests {
    static func load(_ dir: String) throws -> ClusterSnapshot {
        let url = Fixtures.repositoryRoot.appendingPathComponent(dir)
        var s = ClusterSnapshot()
        for name in try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() where name.hasSuffix(".yaml") {
            s.merge(try ClusterDocumentDecoder.decode(try Data(contentsOf: url.appendingPathComponent(name)), source: name))
        }
        s.resolveDuplicates()
        return s
    }

    static let demo = try! load("examples/ai-cluster")
    static let register = try! GovernanceRegister.decode(try! Data(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("examples/register.yaml")), source: "register.yaml")
    static let report = ClusterScanner.scan(demo, options: ScanOptions(now: Day(year: 2026, month: 11, day: 27), register: register))

    func has(_ rule: FindingRule, _ subject: String? = nil, _ severity: Severity? = nil) -> Bool {
        Self.report.findings.contains { f in
            f.rule == rule && (subject == nil || f.subject?.description == subject) && (severity == nil || f.severity == severity)
        }
    }

    @Test("the release is the oldest kubelet's, and mixed versions are reported")
    func release() {
        #expect(Self.report.profile.version == .v(35))
        #expect(Self.report.versionSource == .nodes)
        #expect(has(.mixedKubeletVersions))
        let forced = ClusterScanner.scan(Self.demo, options: ScanOptions(kubeVersion: .v(31), now: Day(year: 2026, month: 1, day: 1)))
        #expect(forced.profile.version == .v(31))
        #expect(forced.findings.contains { $0.rule == .clusterTooOldForFineGrained })
        #expect(!Self.report.findings.contains { $0.rule == .clusterTooOldForFineGrained })
    }

    @Test("exec through nodes/proxy, with get alone, for every collector that holds it")
    func exec() {
        for s in ["ServiceAccount datadog/datadog", "ServiceAccount monitoring/netdata", "ServiceAccount logging/fluent-bit",
                  "ServiceAccount kubecost/kubecost-prometheus-server", "Group ml-platform-oncall", "User alice@example.com"] {
            #expect(has(.execViaNodesProxy, s, .high), "\(s)")
        }
        #expect(!has(.execViaNodesProxy, "ServiceAccount monitoring/prometheus-server"))
        #expect(!has(.execViaNodesProxy, "Group system:masters"))
        let datadog = Self.report.subjects.first { $0.key.description == "ServiceAccount datadog/datadog" }!
        #expect(datadog.inventory.execCapable)
        #expect(datadog.inventory.workloads == ["DaemonSet datadog/datadog"])
    }

    @Test("broad group, aggregation, pinned nodes, ineffective grants")
    func shapes() {
        #expect(has(.broadGroupAccess, "Group system:authenticated", .high))
        let inspector = Self.report.subjects.first { $0.key.description == "ServiceAccount ml-platform/node-inspector" }!
        #expect(Set(inspector.inventory.access.keys) == ["pods", "healthz"])
        let logs = Self.report.subjects.first { $0.key.description == "ServiceAccount ml-platform/gpu-log-reader" }!
        #expect(logs.inventory.access["log"]?.nodes == ["gpu-node-1"])
        #expect(has(.roleBindingGrantsNothing))
        #expect(has(.unknownNodeSubresource))
        #expect(has(.literalWildcardSubresource))
        #expect(has(.bindingToMissingRole))
        #expect(has(.verbsKubeletNeverSends))
        #expect(!Self.report.subjects.contains { $0.key.description == "ServiceAccount logging/log-shipper" })
        #expect(!Self.report.subjects.contains { $0.key.description == "ServiceAccount tenant-a-inference/default" })
    }

    @Test("governance: register first, then annotations; overdue, beyond approved, stale, ungoverned")
    func governance() {
        let oncall = Self.report.subjects.first { $0.key.description == "Group ml-platform-oncall" }!
        #expect(oncall.governance?.owner == "ml-platform@example.com")
        #expect(has(.reviewOverdue, "Group ml-platform-oncall", .high))
        #expect(has(.accessBeyondApproved, "Group ml-platform-oncall"))
        #expect(has(.accessBeyondApproved, "ServiceAccount monitoring/netdata"))
        #expect(!has(.accessBeyondApproved, "ServiceAccount ml-platform/node-inspector"))
        #expect(!has(.accessBeyondApproved, "User kube-apiserver-kubelet-client"))
        #expect(has(.staleRegisterEntry, "ServiceAccount monitoring/legacy-node-exporter"))
        #expect(has(.reviewOverdue, "ServiceAccount datadog/datadog"))
        #expect(has(.ungovernedAccess, "ServiceAccount kubecost/kubecost-prometheus-server", .high))
        #expect(has(.ungovernedAccess, "Group system:authenticated", .medium))
        let fluent = Self.report.subjects.first { $0.key.description == "ServiceAccount logging/fluent-bit" }!
        #expect(fluent.governance?.owner == "team-logging@example.com")
        #expect(fluent.governance?.nextReview == nil)
    }

    @Test("findings point at the binding and role by file and line")
    func locations() {
        let f = Self.report.findings.first { $0.rule == .execViaNodesProxy && $0.subject?.name == "netdata" }!
        #expect(f.locations.map(\.kind) == ["ClusterRoleBinding", "ClusterRole"])
        #expect(f.locations.allSatisfy { $0.source?.file == "collectors-rbac.yaml" && $0.source?.line != nil })
    }

    @Test("a ServiceAccount that does not exist but holds access")
    func missingServiceAccount() throws {
        var s = ClusterSnapshot()
        s.roles = [.clusterRole("r", rules: [PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["nodes/stats"])])]
        s.bindings = [.clusterRoleBinding("b", clusterRole: "r", subjects: [Subject(kind: "ServiceAccount", name: "ghost", namespace: "x")])]
        s.serviceAccounts = [ServiceAccount(namespace: "x", name: "real")]
        let r = ClusterScanner.scan(s, options: ScanOptions(now: Day(year: 2026, month: 1, day: 1)))
        #expect(r.findings.contains { $0.rule == .bindingToMissingServiceAccount })
        s.serviceAccounts = []  // no ServiceAccounts in the input: existence is unknown, not false
        #expect(!ClusterScanner.scan(s, options: ScanOptions(now: Day(year: 2026, month: 1, day: 1))).findings.contains { $0.rule == .bindingToMissingServiceAccount })
    }

    @Test("checkpoint access is its own finding")
    func checkpoint() {
        var s = ClusterSnapshot()
        s.roles = [.clusterRole("r", rules: [PolicyRule(verbs: ["create"], apiGroups: [""], resources: ["nodes/checkpoint"])])]
        s.bindings = [.clusterRoleBinding("b", clusterRole: "r", subjects: [Subject(kind: "User", name: "backup")])]
        let r = ClusterScanner.scan(s, options: ScanOptions(now: Day(year: 2026, month: 1, day: 1)))
        #expect(r.findings.contains { $0.rule == .checkpointAccess && $0.subject?.name == "backup" })
        #expect(r.subjects.first?.inventory.capabilities == [.memoryDump])
    }
}

@Suite("Governance register")
struct GovernanceRegisterTests {
    func decode(_ text: String) throws -> GovernanceRegister {
        try GovernanceRegister.decode(Data(text.utf8), source: "reg.yaml")
    }

    @Test("a valid register")
    func valid() throws {
        let r = try decode("""
        apiVersion: kubelet-authz.io/v1alpha1
        kind: KubeletAccessRegister
        entries:
        - subject: {kind: ServiceAccount, name: prom, namespace: monitoring}
          owner: obs
          purpose: metrics
          access: [{subresources: [metrics, stats], verbs: [get], nodes: [n1]}]
          reviewed: 2026-01-02
          nextReview: 2026-07-02
          expires: 2026-05-01
        """)
        #expect(r.entries.count == 1)
        #expect(r.entries[0].record.nextReview == Day(year: 2026, month: 5, day: 1))  // the earlier of nextReview and expires
        #expect(r.entries[0].record.approved == [ApprovedAccess(subresources: ["metrics", "stats"], verbs: ["get"], nodes: ["n1"])])
        #expect(r.entries[0].location.line == 4)
    }

    @Test("roles: approved ClusterRoles, with the earlier of nextReview and expires")
    func roles() throws {
        let r = try decode("""
        kind: KubeletAccessRegister
        roles:
        - role: {kind: ClusterRole, name: debug-exec}
          owner: sre@example.com
          purpose: break-glass debugging
          reviewed: 2026-10-01
          nextReview: 2027-04-01
          expires: 2027-01-31
          ticket: SEC-1
        - role: {kind: ClusterRole, name: "system:kubelet-api-admin"}
        """)
        #expect(r.roles.map(\.description) == ["ClusterRole/debug-exec", "ClusterRole/system:kubelet-api-admin"])
        #expect(r.roles[0].expires == Day(year: 2027, month: 1, day: 31))
        #expect(r.roles[0].owner == "sre@example.com" && r.roles[0].ticket == "SEC-1")
        #expect(r.roles[1].expires == nil)
        #expect(r.roles[0].location.line == 3)
        #expect(r.entries.isEmpty)
    }

    @Test("errors name the line", arguments: [
        ("kind: Other\n", 1, "kind must be KubeletAccessRegister"),
        ("kind: KubeletAccessRegister\nentries:\n- subject: {kind: User, name: u}\n  nextreview: 2026-01-01\n", 4, "unknown key \"nextreview\""),
        ("kind: KubeletAccessRegister\nentries:\n- subject: {kind: ServiceAccount, name: u}\n", 3, "namespace is required"),
        ("kind: KubeletAccessRegister\nentries:\n- subject: {kind: User, name: u}\n  reviewed: last week\n", 4, "is not a date"),
        ("kind: KubeletAccessRegister\nentries:\n- subject: {kind: User, name: u}\n  access: [{subresources: [logs], verbs: [get]}]\n", 4, "\"logs\" is not a kubelet subresource"),
        ("kind: KubeletAccessRegister\nentries:\n- subject: {kind: user, name: u}\n", 3, "must be ServiceAccount, User or Group"),
        ("kind: KubeletAccessRegister\nentries: [\n", 3, "invalid YAML"),
        ("kind: KubeletAccessRegister\nentries:\n- subject: {kind: User, name: u}\n  access:\n  - {subresources: [log], verbs: [get], node: [n1]}\n", 5, "unknown key \"node\""),
        ("kind: KubeletAccessRegister\nentries:\n- subject: {kind: User, name: u, namspace: x}\n", 3, "unknown key \"namspace\""),
        ("kind: KubeletAccessRegister\nentries:\n- subject: {kind: User, name: u}\n- subject: {kind: User, name: u}\n", 4, "already has an entry at line 3"),
        ("kind: KubeletAccessRegister\nentries:\n- subject: {kind: User, name: u}\n  reviewed: 2027-02-30\n", 4, "is not a date"),
        ("kind: KubeletAccessRegister\nrole:\n- role: {kind: ClusterRole, name: r}\n", 2, "unknown key \"role\" (known: apiVersion, entries, kind, roles)"),
        ("kind: KubeletAccessRegister\nroles:\n- role: {kind: Role, name: r, namespace: n}\n", 3, "a Role cannot grant nodes/proxy"),
        ("kind: KubeletAccessRegister\nroles:\n- role: {kind: clusterrole, name: r}\n", 3, "must be ClusterRole, not \"clusterrole\""),
        ("kind: KubeletAccessRegister\nroles:\n- role: {kind: ClusterRole}\n", 3, "role.name is required"),
        ("kind: KubeletAccessRegister\nroles:\n- role: {kind: ClusterRole, name: r}\n  expire: 2027-01-01\n", 4, "unknown key \"expire\""),
        ("kind: KubeletAccessRegister\nroles:\n- role: {kind: ClusterRole, name: r}\n  expires: next year\n", 4, "roles[0].expires: \"next year\" is not a date"),
        ("kind: KubeletAccessRegister\nroles:\n- role: {kind: ClusterRole, name: r}\n- role: {kind: ClusterRole, name: r}\n", 4, "ClusterRole/r already has an entry at line 3"),
        ("kind: KubeletAccessRegister\nroles: {kind: ClusterRole, name: r}\n", 2, "roles must be a list"),
    ])
    func errors(_ c: (String, Int, String)) {
        #expect {
            try decode(c.0)
        } throws: { error in
            let e = error as! GovernanceRegister.DecodeError
            return e.line == c.1 && e.message.contains(c.2) && e.file == "reg.yaml"
        }
    }

    @Test("annotations: dates, approved access, and unreadable values")
    func annotations() {
        let r = GovernanceRecord.fromAnnotations([
            "kubelet-authz.io/owner": "obs", "kubelet-authz.io/reviewed": "2026-01-01",
            "kubelet-authz.io/next-review": "soon", "kubelet-authz.io/approved-access": "metrics,stats=get;proxy=get",
        ], origin: .serviceAccountAnnotations(nil))!
        #expect(r.reviewed == Day(year: 2026, month: 1, day: 1))
        #expect(r.nextReview == nil)
        #expect(r.problems.count == 1)
        #expect(r.approved == [ApprovedAccess(subresources: ["metrics", "stats"], verbs: ["get"]), ApprovedAccess(subresources: ["proxy"], verbs: ["get"])])
        #expect(GovernanceRecord.fromAnnotations(["helm.sh/chart": "x"], origin: .serviceAccountAnnotations(nil)) == nil)
    }
}

@Suite("Access beyond approved")
struct BeyondApprovedTests {
    func findings(_ rules: [PolicyRule], approved: [ApprovedAccess]) -> [Finding] {
        var s = ClusterSnapshot()
        s.roles = [.clusterRole("r", rules: rules)]
        s.bindings = [.clusterRoleBinding("b", clusterRole: "r", subjects: [Subject(kind: "User", name: "u")])]
        var reg = GovernanceRegister(source: "reg.yaml")
        var record = GovernanceRecord(owner: "o", purpose: "p", origin: .register(SourceLocation(file: "reg.yaml", line: 1)))
        record.approved = approved
        reg.entries = [.init(subject: SubjectKey(kind: "User", name: "u"), record: record, location: SourceLocation(file: "reg.yaml", line: 1))]
        return ClusterScanner.scan(s, options: ScanOptions(now: Day(year: 2026, month: 1, day: 1), register: reg)).findings.filter { $0.rule == .accessBeyondApproved }
    }

    @Test("verbs pinned to approved nodes are within approval")
    func pinnedWithin() {
        let rules = [PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["nodes/proxy"]),
                     PolicyRule(verbs: ["create"], apiGroups: [""], resources: ["nodes/proxy"], resourceNames: ["n1"])]
        #expect(findings(rules, approved: [ApprovedAccess(subresources: ["proxy"], verbs: ["get"]),
                                           ApprovedAccess(subresources: ["proxy"], verbs: ["create"], nodes: ["n1"])]).isEmpty)
    }

    @Test("an extra verb, an extra node, and all nodes where some were approved")
    func outside() {
        let extraVerb = findings([PolicyRule(verbs: ["get", "create"], apiGroups: [""], resources: ["nodes/proxy"])],
                                 approved: [ApprovedAccess(subresources: ["proxy"], verbs: ["get"])])
        #expect(extraVerb.first?.message.contains("create on nodes/proxy") == true)
        let extraNode = findings([PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["nodes/log"], resourceNames: ["n1", "n2"])],
                                 approved: [ApprovedAccess(subresources: ["log"], verbs: ["get"], nodes: ["n1"])])
        #expect(extraNode.first?.message.contains("get on n2") == true)
        let allNodes = findings([PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["nodes/log"])],
                                approved: [ApprovedAccess(subresources: ["log"], verbs: ["get"], nodes: ["n1"])])
        #expect(allNodes.first?.message.contains("get on every node") == true)
        let star = findings([PolicyRule(verbs: ["*"], apiGroups: [""], resources: ["nodes/metrics"])],
                            approved: [ApprovedAccess(subresources: ["metrics"], verbs: ["get"])])
        #expect(star.count == 1)
    }
}
