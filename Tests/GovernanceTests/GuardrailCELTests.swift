import Cluster
import Foundation
@testable import Governance
import KubeJSON
import RBAC
import TestSupport
import Testing

/// The guardrail's CEL, evaluated by a real CEL implementation (cel-python, through
/// Tests/Fixtures/cel_eval.py) over roles and bindings, and held to the project's RBAC engine:
/// a ClusterRole is refused exactly when `RuleMatcher` says its rules grant get or create on
/// nodes/proxy (or the aggregation controller would carry such rules into or out of it), a
/// ClusterRoleBinding exactly when the RBAC authorizer says it grants nodes/proxy to a subject
/// the register does not approve.
@Suite("Guardrail CEL against the RBAC engine")
struct GuardrailCELTests {
    static let now = Day(year: 2026, month: 11, day: 27)
    static let alice = "alice"

    // MARK: The cluster and register the guardrail is generated from

    static func rule(_ verbs: [String], _ groups: [String], _ resources: [String], names: [String] = []) -> PolicyRule {
        PolicyRule(verbs: verbs, apiGroups: groups, resources: resources, resourceNames: names)
    }

    static let bootstrap = ["kubernetes.io/bootstrapping": "rbac-defaults"]
    static let monitoringSelector = LabelSelector(matchLabels: ["rbac.example.com/aggregate-to-monitoring": "true"])

    /// Bootstrap roles as the API server makes them, the admin/edit/view aggregators, an
    /// approved and an expired exec role, a metrics reader, and a custom aggregator.
    static let cluster: ClusterSnapshot = {
        var s = ClusterSnapshot()
        s.roles = [
            .clusterRole("cluster-admin", rules: [rule(["*"], ["*"], ["*"]), PolicyRule(verbs: ["*"], nonResourceURLs: ["*"])], labels: bootstrap),
            .clusterRole("system:kubelet-api-admin", rules: [rule(["*"], [""], ["nodes/proxy", "nodes/log", "nodes/stats", "nodes/metrics"]),
                                                             rule(["get", "list", "watch"], [""], ["nodes"])], labels: bootstrap),
            .clusterRole("debug-exec", rules: [rule(["get", "create"], [""], ["nodes/proxy"])], labels: ["team": "sre"]),
            .clusterRole("legacy-exec", rules: [rule(["get"], ["*"], ["*/proxy"])]),
            .clusterRole("metrics-reader", rules: [rule(["get"], [""], ["nodes/metrics", "nodes/stats"])],
                         labels: ["rbac.example.com/aggregate-to-monitoring": "true"]),
            .clusterRole("monitoring", rules: [], aggregationRule: [monitoringSelector]),
            // Selects roles without the label, unlabelled ones included: the case where a role
            // with no labels at all still feeds an aggregator.
            .clusterRole("untagged", rules: [], aggregationRule: [LabelSelector(matchExpressions: [.init(key: "team", operator: "DoesNotExist")])]),
        ] + ["admin", "edit", "view"].map {
            .clusterRole($0, rules: [], labels: bootstrap,
                         aggregationRule: [LabelSelector(matchLabels: ["rbac.authorization.k8s.io/aggregate-to-\($0)": "true"])])
        }
        return s
    }()

    static let registerText = """
        kind: KubeletAccessRegister
        roles:
        - role: {kind: ClusterRole, name: debug-exec}
          expires: 2027-01-31
        - role: {kind: ClusterRole, name: legacy-exec}
          expires: 2026-10-01
        entries:
        - subject: {kind: Group, name: sre-oncall}
          access: [{subresources: [proxy], verbs: [get, create]}]
          nextReview: 2027-02-01
        - subject: {kind: ServiceAccount, name: debugger, namespace: tools}
          access: [{subresources: ["*"], verbs: [get]}]
          nextReview: 2027-03-01
        - subject: {kind: User, name: old-admin}
          access: [{subresources: [proxy], verbs: [get]}]
          nextReview: 2026-06-01
        - subject: {kind: ServiceAccount, name: prom, namespace: monitoring}
          access: [{subresources: [metrics], verbs: [get]}]
          nextReview: 2027-06-01
        """

    /// What the test's register approves for nodes/proxy and has not expired: its own data.
    static let approvedRoleNames: Set<String> = ["debug-exec"]
    static let approvedSubjects: Set<String> = ["Group/sre-oncall", "ServiceAccount/tools/debugger",
                                                "User/kube-apiserver-kubelet-client", "Group/system:masters", "Group/kubeadm:cluster-admins"]

    static func guardrail() throws -> NodesProxyGuardrail {
        let register = try GovernanceRegister.decode(Data(registerText.utf8), source: "register.yaml")
        return NodesProxyGuardrail.build(snapshot: cluster, register: register, now: now, action: .deny,
                                         apiServerKubeletClient: "kube-apiserver-kubelet-client")
    }

    // MARK: Objects as the API server hands them to admission

    /// An object without its nil members (an absent list stays absent, as the API server stores it).
    static func obj(_ members: [(String, JSONValue?)]) -> JSONValue {
        .object(members.compactMap { key, value in value.map { (key, $0) } })
    }

    static func json(_ role: Role) -> JSONValue {
        var metadata: [(String, JSONValue)] = [("name", .string(role.name))]
        if !role.labels.isEmpty { metadata.append(("labels", .object(role.labels.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))) }
        var members: [(String, JSONValue)] = [("apiVersion", .string("rbac.authorization.k8s.io/v1")), ("kind", .string(role.kind.rawValue)),
                                              ("metadata", .object(metadata))]
        // The API server stores an absent list as absent: optional fields are left out when empty.
        members.append(("rules", .array(role.rules.map { r in
            obj([("verbs", .strings(r.verbs)), ("apiGroups", r.apiGroups.isEmpty ? nil : .strings(r.apiGroups)),
                     ("resources", r.resources.isEmpty ? nil : .strings(r.resources)),
                     ("resourceNames", r.resourceNames.isEmpty ? nil : .strings(r.resourceNames)),
                     ("nonResourceURLs", r.nonResourceURLs.isEmpty ? nil : .strings(r.nonResourceURLs))])
        })))
        if let selectors = role.aggregationRule {
            members.append(("aggregationRule", .object([("clusterRoleSelectors", .array(selectors.map { s in
                obj([("matchLabels", s.matchLabels.isEmpty ? nil : .object(s.matchLabels.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
                         ("matchExpressions", s.matchExpressions.isEmpty ? nil : .array(s.matchExpressions.map { e in
                             obj([("key", .string(e.key)), ("operator", .string(e.operator)), ("values", e.values.isEmpty ? nil : .strings(e.values))])
                         }))])
            }))])))
        }
        return .object(members)
    }

    static func json(_ b: Binding) -> JSONValue {
        var metadata: [(String, JSONValue)] = [("name", .string(b.name))]
        if !b.namespace.isEmpty { metadata.append(("namespace", .string(b.namespace))) }
        return .object([
            ("apiVersion", .string("rbac.authorization.k8s.io/v1")), ("kind", .string(b.kind.rawValue)), ("metadata", .object(metadata)),
            ("roleRef", .object([("apiGroup", .string(b.roleRef.apiGroup)), ("kind", .string(b.roleRef.kind)), ("name", .string(b.roleRef.name))])),
            ("subjects", .array(b.subjects.map { s in
                obj([("kind", .string(s.kind)), ("name", .string(s.name)), ("namespace", s.namespace.isEmpty ? nil : .string(s.namespace))])
            })),
        ])
    }

    static func request(kind: String, resource: String, operation: String, user: String) -> JSONValue {
        .object([
            ("kind", .object([("group", .string("rbac.authorization.k8s.io")), ("version", .string("v1")), ("kind", .string(kind))])),
            ("resource", .object([("group", .string("rbac.authorization.k8s.io")), ("version", .string("v1")), ("resource", .string(resource))])),
            ("operation", .string(operation)),
            ("userInfo", .object([("username", .string(user)), ("groups", .strings(["system:authenticated"]))])),
        ])
    }

    struct Case {
        let id: String
        let policy: String
        let operation: String
        let request: JSONValue
        let object: JSONValue
        /// The object as stored, for updates (`oldObject`).
        var oldObject: JSONValue? = nil

        static func role(_ id: String, _ role: Role, user: String = alice, operation: String = "CREATE") -> Case {
            let resource = role.kind == .clusterRole ? "clusterroles" : "roles"
            return Case(id: id, policy: GuardrailManifest.rolesPolicyName, operation: operation,
                        request: GuardrailCELTests.request(kind: role.kind.rawValue, resource: resource, operation: operation, user: user),
                        object: GuardrailCELTests.json(role))
        }

        static func binding(_ id: String, _ b: Binding, user: String = alice) -> Case {
            let resource = b.kind == .clusterRoleBinding ? "clusterrolebindings" : "rolebindings"
            return Case(id: id, policy: GuardrailManifest.bindingsPolicyName, operation: "CREATE",
                        request: GuardrailCELTests.request(kind: b.kind.rawValue, resource: resource, operation: "CREATE", user: user),
                        object: GuardrailCELTests.json(b))
        }

        var json: JSONValue {
            .object([("id", .string(id)), ("policy", .string(policy)), ("operation", .string(operation)), ("request", request), ("object", object)]
                    + (oldObject.map { [("oldObject", $0)] } ?? []))
        }
    }

    struct Outcome: Decodable {
        let id: String
        let applies: Bool
        let matched: Bool
        let allowed: Bool
        let failed: [Int]
        let messages: [String]
        let error: String?
    }

    // MARK: The evaluator

    static let script = Fixtures.url("cel_eval.py").path

    static func evaluatorOrSkip() -> Bool { PythonCEL.evaluatorOrSkip("the guardrail's CEL") }

    static func evaluate(_ guardrail: NodesProxyGuardrail, _ cases: [Case]) throws -> [String: Outcome] {
        let policies = GuardrailManifest.objects(guardrail).filter { $0["kind"]?.stringValue == "ValidatingAdmissionPolicy" }
        let document = JSONValue.object([("policies", .array(policies)), ("cases", .array(cases.map(\.json)))])
        let r = ChildProcess.run(["python3", script], stdin: Data(JSONWriter.compact(document).utf8))
        guard r.status == 0 else { throw EvaluatorFailed(message: "cel_eval.py exited \(r.status): \(r.stderr)") }
        let outcomes = try JSONDecoder().decode([Outcome].self, from: r.stdout)
        return Dictionary(uniqueKeysWithValues: outcomes.map { ($0.id, $0) })
    }

    struct EvaluatorFailed: Error, CustomStringConvertible { let message: String; var description: String { message } }

    // MARK: The engine's answer

    /// What the RBAC engine says of `role` joining the cluster: its own rules reach
    /// nodes/proxy; the aggregation controller copies it into another role; it is an
    /// aggregating role whose aggregated rules reach nodes/proxy.
    static func engine(_ role: Role) -> (reaches: Bool, feeds: Bool, pulls: Bool) {
        var s = cluster
        s.roles.removeAll { $0.kind == role.kind && $0.name == role.name }
        s.roles.append(role)
        let policy = s.policy()
        let reaches = role.kind == .clusterRole && NodesProxyReach.reaches(role.rules)
        let feeds = policy.aggregation.sources.contains { $0.key != role.name && $0.value.contains(role.name) }
        let pulls = role.aggregationRule != nil && (policy.aggregation.sources[role.name] ?? []).contains {
            NodesProxyReach.reaches(policy.clusterRoles[$0]?.rules ?? [])
        }
        return (reaches, feeds, pulls)
    }

    /// The corpus is judged as created by alice: a bootstrap label on a new object exempts
    /// nothing (anyone may set it); only an update of an object stored with it is exempt
    /// (controlPlaneWriters).
    static func expectedRefusal(_ role: Role) -> Bool {
        guard role.kind == .clusterRole else { return false }
        let e = engine(role)
        let approved = approvedRoleNames.contains(role.name)
        return (e.reaches && !approved) || (e.reaches && e.feeds) || (e.pulls && !approved)
    }

    // MARK: The corpus

    /// Every way a rule can or cannot reach nodes/proxy, with labels that feed aggregators or not.
    static func generatedRoles() -> [Role] {
        let forms: [([String], [String])] = [
            (["nodes/proxy"], [""]), (["*/proxy"], [""]), (["*"], [""]), (["nodes/proxy"], ["*"]), (["*"], ["*"]), (["*/proxy"], ["*"]),
            (["nodes/metrics"], [""]), (["nodes/stats", "nodes/log"], [""]), (["nodes/pods", "nodes/healthz", "nodes/configz"], [""]),
            (["*/metrics"], [""]), (["nodes/*"], [""]), (["*/*"], [""]), (["nodes"], [""]), (["nodes/proxy"], ["apps"]),
            (["pods", "nodes/proxy"], ["", "apps"]), (["nodes/proxy"], []), ([], [""]),
        ]
        let verbs: [[String]] = [["get"], ["create"], ["*"], ["list", "watch"], ["update", "patch", "delete"], []]
        let labels: [[String: String]] = [[:], ["rbac.authorization.k8s.io/aggregate-to-admin": "true"],
                                          ["rbac.example.com/aggregate-to-monitoring": "true"], ["team": "sre"]]
        var out: [Role] = []
        var n = 0
        for (resources, groups) in forms {
            for v in verbs {
                for names in [[], ["gpu-node-1"]] {
                    let l = labels[n % labels.count]
                    out.append(.clusterRole("generated-\(n)", rules: [rule(v, groups, resources, names: names)], labels: l))
                    n += 1
                }
            }
        }
        // Approved by name, with and without labels that aggregate it elsewhere; the expired one.
        out.append(.clusterRole("debug-exec", rules: [rule(["get", "create"], [""], ["nodes/proxy"])]))
        out.append(.clusterRole("debug-exec", rules: [rule(["get"], [""], ["nodes/proxy"])], labels: ["rbac.authorization.k8s.io/aggregate-to-view": "true"]))
        out.append(.clusterRole("legacy-exec", rules: [rule(["get"], ["*"], ["*/proxy"])]))
        // Aggregating roles: selecting the bootstrap label (cluster-admin), an exec role's label,
        // a metrics reader's label, everything, and nothing that exists.
        let selectors: [[LabelSelector]] = [
            [LabelSelector(matchLabels: bootstrap)], [LabelSelector(matchLabels: ["team": "sre"])], [monitoringSelector], [LabelSelector()],
            [LabelSelector(matchLabels: ["team": "nobody"])],
            [LabelSelector(matchExpressions: [.init(key: "team", operator: "In", values: ["sre", "ml"])])],
            [LabelSelector(matchExpressions: [.init(key: "team", operator: "Exists")])],
            [LabelSelector(matchExpressions: [.init(key: "kubernetes.io/bootstrapping", operator: "DoesNotExist"), .init(key: "team", operator: "NotIn", values: ["sre"])])],
        ]
        for (i, s) in selectors.enumerated() {
            out.append(.clusterRole("aggregator-\(i)", rules: [], aggregationRule: s))
        }
        out.append(.clusterRole("debug-exec", rules: [], aggregationRule: [LabelSelector(matchLabels: bootstrap)]))
        return out
    }

    /// The project's own roles (the demo cluster, deploy/) and the real-world manifests, in place.
    static func projectRoles() throws -> (roles: [Role], note: String) {
        var files = [Fixtures.repositoryRoot.appendingPathComponent("examples/ai-cluster").path,
                     Fixtures.repositoryRoot.appendingPathComponent("deploy/kubelet-authz-reader.yaml").path]
        let realWorld = Fixtures.repositoryRoot.appendingPathComponent("../shared/realworld/manifests").standardized
        var note = "real-world manifests read from \(realWorld.path)"
        if let names = try? FileManager.default.contentsOfDirectory(atPath: realWorld.path) {
            files += names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { realWorld.appendingPathComponent($0).path }
        } else {
            note = "no real-world manifests at \(realWorld.path): only the project's own roles"
        }
        var roles: [Role] = []
        for path in files {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            let paths = isDirectory.boolValue
                ? try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".yaml") }.sorted().map { path + "/" + $0 }
                : [path]
            for p in paths {
                let data = try #require(FileManager.default.contents(atPath: p))
                roles += try ClusterDocumentDecoder.decode(data, source: p).roles
            }
        }
        return (roles, note)
    }

    // MARK: Tests

    @Test("generation: what the register approves, what expired, the earliest expiry")
    func generation() throws {
        let g = try Self.guardrail()
        #expect(g.approvedRoles == ["debug-exec"])
        #expect(Set(g.approvedSubjects) == Self.approvedSubjects)
        #expect(g.expired == ["ClusterRole/legacy-exec (expired 2026-10-01)", "User/old-admin (expired 2026-06-01)"])
        #expect(g.earliestExpiry == Day(year: 2027, month: 1, day: 31))
        for name in ["cluster-admin", "system:kubelet-api-admin", "debug-exec", "legacy-exec"] {
            #expect(g.reachingClusterRoles.contains(name), "\(name)")
        }
        #expect(!g.reachingClusterRoles.contains("metrics-reader") && !g.reachingClusterRoles.contains("monitoring"))
        // The stamp scan reads back, and the action the bindings carry.
        let objects = GuardrailManifest.objects(g)
        #expect(objects.map { $0["kind"]?.stringValue ?? "" } == ["ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
                                                                  "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"])
        #expect(objects[0]["metadata"]?["annotations"]?[GuardrailManifest.expiresAnnotation]?.stringValue == "2027-01-31")
        #expect(objects[1]["spec"]?["validationActions"] == .strings(["Deny"]))
        let warn = NodesProxyGuardrail.build(snapshot: Self.cluster, register: nil, now: Self.now, action: .warn, apiServerKubeletClient: "x")
        #expect(GuardrailManifest.objects(warn)[3]["spec"]?["validationActions"] == .strings(["Warn"]))
        #expect(GuardrailManifest.objects(warn)[0]["metadata"]?["annotations"]?[GuardrailManifest.expiresAnnotation] == nil)
        // The API server allows at most 64 matchConditions per policy.
        #expect(GuardrailCEL.matchConditions.count <= 64)
    }

    @Test("refuses each form that reaches nodes/proxy: nodes/proxy, */proxy, * and apiGroup *")
    func fourForms() throws {
        guard Self.evaluatorOrSkip() else { return }
        let forms: [(String, PolicyRule)] = [
            ("literal", Self.rule(["get"], [""], ["nodes/proxy"])), ("star-proxy", Self.rule(["create"], [""], ["*/proxy"])),
            ("star", Self.rule(["*"], [""], ["*"])), ("group-star", Self.rule(["get"], ["*"], ["nodes/proxy"])),
        ]
        let cases = forms.map { Case.role($0.0, .clusterRole("exec-\($0.0)", rules: [$0.1])) }
            + [Case.role("fine-grained", .clusterRole("metrics", rules: [Self.rule(["get"], [""], ["nodes/metrics", "nodes/stats", "nodes/log", "nodes/pods"])]))]
        let outcomes = try Self.evaluate(try Self.guardrail(), cases)
        for (id, _) in forms {
            let o = try #require(outcomes[id])
            #expect(o.matched && !o.allowed && o.failed.first == 0 && o.error == nil, "\(id): \(o)")
            #expect(o.messages.first?.contains("grants get or create on nodes/proxy") == true, "\(id): \(o.messages)")
        }
        #expect(outcomes["fine-grained"]?.allowed == true)
    }

    @Test("ClusterRoles: the CEL refuses exactly what the RBAC engine says reaches nodes/proxy")
    func rolesAgree() throws {
        guard Self.evaluatorOrSkip() else { return }
        let (project, note) = try Self.projectRoles()
        print(note)
        let roles = Self.generatedRoles() + project
        let cases = roles.enumerated().map { Case.role("\($0.offset)", $0.element) }
        let outcomes = try Self.evaluate(try Self.guardrail(), cases)
        var refused = 0
        for (i, role) in roles.enumerated() {
            let o = try #require(outcomes["\(i)"])
            #expect(o.error == nil, "\(role.kind.rawValue) \(role.name): \(o.error ?? "")")
            let expected = Self.expectedRefusal(role)
            // A Role is never matched: it cannot grant nodes/proxy, and the engine agrees.
            #expect(o.applies == (role.kind == .clusterRole), "\(role.name)")
            #expect(o.matched == (role.kind == .clusterRole), "\(role.name)")
            #expect(o.allowed == !expected, "\(role.kind.rawValue) \(role.name) \(role.rules.map(\.summary)) labels \(role.labels): CEL \(o.allowed ? "allows" : "refuses \(o.messages)"), the engine \(Self.engine(role))")
            if !o.allowed { refused += 1 }
        }
        // The corpus has both answers in quantity, so the agreement means something.
        #expect(refused > 20 && refused < roles.count - 20, "\(refused) of \(roles.count) refused")
    }

    @Test("never judges the API server, the aggregation controller, or bootstrap objects")
    func controlPlaneWriters() throws {
        guard Self.evaluatorOrSkip() else { return }
        let (project, _) = try Self.projectRoles()
        let all = Self.cluster.roles + Self.generatedRoles() + project
        // Roles are not matched at all (the rolesAgree test): only ClusterRoles are judged here.
        var cases = all.enumerated().filter { $0.element.kind == .clusterRole }
            .map { Case.role("apiserver-\($0.offset)", $0.element, user: NodesProxyGuardrail.apiServerUser, operation: "UPDATE") }
        // Bootstrap roles updated by someone else are not judged either: the label on the
        // object as stored exempts them.
        var labelled: [Case] = []
        for (i, r) in Self.cluster.roles.enumerated() where r.labels == Self.bootstrap {
            var c = Case.role("bootstrap-\(i)", r, operation: "UPDATE")
            c.oldObject = c.object
            cases.append(c)
            // The same label on a new object, or added by an update, exempts nothing: anyone
            // who may write ClusterRoles can set it.
            if NodesProxyReach.reaches(r.rules) {
                var copy = r
                copy.name = "not-really-\(r.name)"
                labelled.append(.role("labelled-create-\(i)", copy))
                var added = Case.role("labelled-update-\(i)", copy, operation: "UPDATE")
                added.oldObject = Self.json(Role.clusterRole(copy.name, rules: []))
                labelled.append(added)
            }
        }
        // The controller writes the aggregated rules into the aggregating role.
        let aggregated = Role.clusterRole("monitoring", rules: [Self.rule(["get"], [""], ["nodes/proxy"])], aggregationRule: [Self.monitoringSelector])
        cases.append(.role("controller", aggregated, user: NodesProxyGuardrail.aggregationControllerUser, operation: "UPDATE"))
        cases.append(.role("controller-as-alice", aggregated, operation: "UPDATE"))
        // An aggregating role created without rules arrives with "rules": null (no omitempty in
        // rbac/v1): judged, not an error that failurePolicy Fail would turn into a refusal.
        let nullRules = Case(id: "null-rules", policy: GuardrailManifest.rolesPolicyName, operation: "CREATE",
                             request: Self.request(kind: "ClusterRole", resource: "clusterroles", operation: "CREATE", user: Self.alice),
                             object: .object([("apiVersion", .string("rbac.authorization.k8s.io/v1")), ("kind", .string("ClusterRole")),
                                              ("metadata", .object([("name", .string("team-view"))])), ("rules", .null),
                                              ("aggregationRule", .object([("clusterRoleSelectors", .array([.object([("matchLabels", .object([("team", .string("view"))]))])]))]))]))
        let outcomes = try Self.evaluate(try Self.guardrail(), cases + labelled + [nullRules])
        #expect(!labelled.isEmpty)
        for c in labelled {
            let o = try #require(outcomes[c.id])
            #expect(o.matched && !o.allowed, "\(c.id): \(o)")
        }
        let null = try #require(outcomes["null-rules"])
        #expect(null.matched && null.allowed && null.error == nil, "\(null.error ?? "") \(null.messages) matched \(null.matched)")
        for c in cases where c.id != "controller-as-alice" {
            let o = try #require(outcomes[c.id])
            #expect(o.applies && !o.matched && o.allowed, "\(c.id): \(o)")
        }
        #expect(outcomes["controller-as-alice"]?.allowed == false)
        // Bootstrap roles reaching nodes/proxy are in the corpus, so the exemption is what lets them through.
        #expect(all.contains { $0.labels == Self.bootstrap && NodesProxyReach.reaches($0.rules) })
    }

    @Test("ClusterRoleBindings: refused exactly when the authorizer says they grant nodes/proxy to an unapproved subject")
    func bindingsAgree() throws {
        guard Self.evaluatorOrSkip() else { return }
        let subjects: [[Subject]] = [
            [Subject(kind: "User", name: "alice")], [Subject(kind: "Group", name: "sre-oncall")],
            [Subject(kind: "ServiceAccount", name: "debugger", namespace: "tools")], [Subject(kind: "ServiceAccount", name: "debugger", namespace: "other")],
            [Subject(kind: "User", name: "old-admin")], [Subject(kind: "ServiceAccount", name: "prom", namespace: "monitoring")],
            [Subject(kind: "Group", name: "sre-oncall"), Subject(kind: "User", name: "alice")],
            [Subject(kind: "User", name: "kube-apiserver-kubelet-client")], [],
        ]
        var bindings: [Binding] = []
        for role in Self.cluster.roles {
            for (j, s) in subjects.enumerated() {
                bindings.append(.clusterRoleBinding("crb-\(role.name)-\(j)", clusterRole: role.name, subjects: s))
                bindings.append(.roleBinding("rb-\(role.name)-\(j)", namespace: "tools", roleRef: RoleRef(kind: "ClusterRole", name: role.name), subjects: s))
            }
        }
        let outcomes = try Self.evaluate(try Self.guardrail(), bindings.map { Case.binding($0.name, $0) })
        var refused = 0
        for b in bindings {
            let o = try #require(outcomes[b.name])
            var s = Self.cluster
            s.bindings = [b]
            let authorizer = RBACAuthorizer(policy: s.policy())
            let expected = b.subjects.contains { subject in
                let key = NodesProxyGuardrail.key(kind: subject.kind, namespace: subject.namespace, name: subject.name)
                guard !Self.approvedSubjects.contains(key) else { return false }
                let user = subject.kind == "User" ? UserInfo(name: subject.name)
                    : subject.kind == "Group" ? UserInfo(name: "member", groups: [subject.name])
                    : UserInfo(name: UserInfo.serviceAccountPrefix + subject.namespace + ":" + subject.name)
                return NodesProxyReach.execVerbs.contains { verb in
                    authorizer.authorize(AuthorizationAttributes(user: user, verb: verb, resource: "nodes", subresource: "proxy", name: "gpu-node-1")).allowed
                }
            }
            #expect(o.error == nil, "\(b.name): \(o.error ?? "")")
            #expect(o.allowed == !expected, "\(b.kind.rawValue) \(b.name): CEL \(o.allowed ? "allows" : "refuses \(o.messages)")")
            if !o.allowed { refused += 1 }
        }
        #expect(refused > 5, "\(refused) refused")
    }

    @Test("scan raises KA049 for a ClusterRole granting nodes/proxy that the installed guardrail does not know")
    func unknownReachingRole() throws {
        let g = try Self.guardrail()
        let list = JSONValue.object([("apiVersion", .string("v1")), ("kind", .string("List")), ("items", .array(GuardrailManifest.objects(g)))])
        var cluster = Self.cluster
        cluster.merge(try ClusterDocumentDecoder.decode(Data(JSONWriter.pretty(list).utf8), source: "guardrail.json"))
        func ka049(_ s: ClusterSnapshot) -> [String] {
            ClusterScanner.scan(s, options: ScanOptions(now: Self.now)).findings.filter { $0.rule == .guardrailMissesReachingRole }
                .compactMap { $0.locations.first?.name }
        }
        #expect(ka049(cluster).isEmpty)
        // Created after the guardrail (by an exempt writer, or before it was installed), and one
        // that reaches only through aggregation: the engine sees both, the policy knew neither.
        var later = cluster
        later.roles.append(.clusterRole("new-exec", rules: [Self.rule(["create"], [""], ["*/proxy"])]))
        later.roles.append(.clusterRole("sre-rollup", rules: [], aggregationRule: [LabelSelector(matchLabels: ["team": "sre"])]))
        later.roles.append(.clusterRole("new-metrics", rules: [Self.rule(["get"], [""], ["nodes/metrics"])]))
        #expect(ka049(later) == ["new-exec", "sre-rollup"])
    }

    @Test("scan raises KA048 for an installed guardrail past its earliest expiry, read back from the policy itself")
    func expiredGuardrail() throws {
        let g = try Self.guardrail()
        let list = JSONValue.object([("apiVersion", .string("v1")), ("kind", .string("List")), ("items", .array(GuardrailManifest.objects(g)))])
        let installed = try ClusterDocumentDecoder.decode(Data(JSONWriter.pretty(list).utf8), source: "guardrail.json")
        #expect(installed.admissionPolicies.map(\.name) == [GuardrailManifest.rolesPolicyName, GuardrailManifest.bindingsPolicyName])
        var cluster = Self.cluster
        cluster.merge(installed)
        func ka048(at day: Day) -> [Finding] {
            ClusterScanner.scan(cluster, options: ScanOptions(now: day)).findings.filter { $0.rule == .guardrailExceptionsExpired }
        }
        #expect(ka048(at: Day(year: 2027, month: 1, day: 31)).isEmpty)
        let late = ka048(at: Day(year: 2027, month: 2, day: 1))
        #expect(late.count == 2)
        #expect(late.first?.message.contains("expired on 2027-01-31") == true)
        #expect(late.first?.locations.first?.source?.file == "guardrail.json")
        #expect(ka048(at: Day(year: 2027, month: 2, day: 1)).allSatisfy { $0.rule == .guardrailExceptionsExpired })
        // A policy someone else wrote, with the same annotation, is not ours to judge.
        var foreign = cluster
        foreign.admissionPolicies = installed.admissionPolicies.map { var p = $0; p.labels = [:]; return p }
        #expect(ClusterScanner.scan(foreign, options: ScanOptions(now: Day(year: 2028, month: 1, day: 1))).findings.allSatisfy { $0.rule != .guardrailExceptionsExpired })
    }
}
