import Governance
import KubeletModel
import RBAC
import TestSupport
import Testing

/// The inventory must say exactly what the authorizer decides, subject by subject.
@Suite("Inventory agrees with the authorizer")
struct InventoryTests {
    static let verbs = ["get", "create", "list", "watch", "*", "update", "delete", "patch", "proxy"]
    static let resources = ["nodes/proxy", "nodes/stats", "nodes/pods", "nodes/metrics", "nodes/log", "nodes/checkpoint",
                            "nodes/statusz", "nodes/configz", "nodes/healthz", "nodes/spec", "*", "*/proxy", "*/log",
                            "nodes", "nodes/*", "*/*", "nodes/logs", "pods", "pods/exec"]
    static let groups = ["", "*", "apps", "v1"]
    static let nodes = ["n1", "n2", "n3"]
    static let subjects = [Subject(kind: "User", name: "alice"), Subject(kind: "Group", name: "ops"),
                           Subject(kind: "ServiceAccount", name: "sa", namespace: "ns"), Subject(kind: "ServiceAccount", name: "nons"),
                           Subject(kind: "Group", name: "system:authenticated"), Subject(kind: "User", name: "bob")]

    static func probe(_ s: Subject) -> UserInfo {
        switch s.kind {
        case "User": return UserInfo(name: s.name)
        case "Group": return UserInfo(name: "probe", groups: [s.name])
        default: return UserInfo(name: "system:serviceaccount:\(s.namespace.isEmpty ? "ns" : s.namespace):\(s.name)")
        }
    }

    func randomPolicy(_ rng: inout SplitMix) -> RBACPolicy {
        var roles: [Role] = []
        for r in 0..<6 {
            let rules = (0..<Int.random(in: 1...3, using: &rng)).map { _ in
                PolicyRule(verbs: (0..<Int.random(in: 1...3, using: &rng)).map { _ in Self.verbs.randomElement(using: &rng)! },
                           apiGroups: [Self.groups.randomElement(using: &rng)!],
                           resources: (0..<Int.random(in: 1...3, using: &rng)).map { _ in Self.resources.randomElement(using: &rng)! },
                           resourceNames: Int.random(in: 0...2, using: &rng) == 0 ? Array(Self.nodes.shuffled(using: &rng).prefix(2)) : [])
            }
            let labels = Bool.random(using: &rng) ? ["agg": "yes"] : [:]
            roles.append(.clusterRole("role-\(r)", rules: rules, labels: labels))
        }
        roles.append(.clusterRole("aggregated", rules: [], aggregationRule: [LabelSelector(matchLabels: ["agg": "yes"])]))
        var bindings: [Binding] = []
        for b in 0..<8 {
            let target = Int.random(in: 0...7, using: &rng)
            let role = target == 6 ? "aggregated" : "role-\(target)"  // role-7 does not exist
            bindings.append(.clusterRoleBinding("b\(b)", clusterRole: role,
                                                subjects: (0..<Int.random(in: 1...2, using: &rng)).map { _ in Self.subjects.randomElement(using: &rng)! }))
            bindings.append(.roleBinding("rb\(b)", namespace: "ns", roleRef: RoleRef(kind: "ClusterRole", name: role),
                                         subjects: [Self.subjects.randomElement(using: &rng)!]))
        }
        return RBACPolicy(roles: roles, bindings: bindings)
    }

    @Test("300 generated clusters: every subject, subresource, kubelet verb and node")
    func agreement() {
        var rng = SplitMix(state: 1127)
        var allowed = 0, denied = 0
        for _ in 0..<300 {
            let policy = randomPolicy(&rng)
            let authorizer = RBACAuthorizer(policy: policy)
            let inventory = KubeletAccessInventory.build(policy: policy, profile: KubeletProfile())
            let checked = Set(KubeletVocabulary(profile: KubeletProfile()).checked.map(\.rawValue))
            let byKey = Dictionary(uniqueKeysWithValues: inventory.map { ($0.key, $0) })
            // build shares paths between subjects granted alike; each must be what its own grants open.
            for s in inventory { #expect(s.paths == KubeletAccessInventory.reachablePaths(s.access, profile: KubeletProfile()), "\(s.key)") }
            for subject in Self.subjects {
                let user = Self.probe(subject)
                let held = byKey[SubjectKey(subject)]
                for sub in KubeletPermissions.subresources {
                    // A subresource 1.36 never checks is no kubelet access, whatever RBAC says.
                    guard checked.contains(sub) else {
                        #expect(held?.access[sub] == nil, "\(subject) nodes/\(sub) is not checked at 1.36")
                        continue
                    }
                    for verb in KubeletPermissions.verbs {
                        for node in Self.nodes {
                            let a = AuthorizationAttributes(user: user, verb: verb, apiVersion: "v1", resource: "nodes", subresource: sub, name: node)
                            let truth = authorizer.authorize(a).allowed
                            let said = held?.access[sub]?.allows(verb, node: node) ?? false
                            #expect(truth == said, "\(subject) \(verb.isEmpty ? "\"\"" : verb) nodes/\(sub) \(node)")
                            if truth { allowed += 1 } else { denied += 1 }
                        }
                    }
                }
            }
        }
        #expect(allowed > 5000 && denied > 5000)
    }

    /// A chain is named by its binding, role and rule; a binding's subjects are not part of
    /// what makes two chains the same (comparing them made large bindings quadratic).
    @Test("one binding with many subjects: every subject holds the same chain, once per rule")
    func largeBinding() {
        let subjects = (0..<2000).map { Subject(kind: "ServiceAccount", name: "agent", namespace: "ns-\($0)") }
        let policy = RBACPolicy(roles: [.clusterRole("agent", rules: [PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["nodes/metrics"]),
                                                                      PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["nodes/stats"])])],
                                bindings: [.clusterRoleBinding("agent", clusterRole: "agent", subjects: subjects)])
        let inventory = KubeletAccessInventory.build(policy: policy, profile: KubeletProfile(version: .v(36)))
        #expect(inventory.count == 2000)
        for s in inventory {
            #expect(s.allGrants.map(\.ruleIndex) == [0, 1] || s.allGrants.map(\.ruleIndex) == [1, 0])
            #expect(Set(s.access.keys) == ["metrics", "stats"])
        }
        let a = inventory[0].allGrants[0], b = inventory[1].allGrants[0]
        #expect(a == b && a.hashValue == b.hashValue)
        #expect(inventory[0].allGrants[0] != inventory[0].allGrants[1])
    }

    @Test("reachable paths follow the kubelet's checks at the release")
    func paths() {
        let policy = RBACPolicy(roles: [.clusterRole("pods", rules: [PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["nodes/pods"])])],
                                bindings: [.clusterRoleBinding("b", clusterRole: "pods", subjects: [Subject(kind: "User", name: "u")])])
        let now = KubeletAccessInventory.build(policy: policy, profile: KubeletProfile(version: .v(36)))
        #expect(Set(now[0].paths.map(\.endpoint.path)) == ["/pods", "/runningpods/"])
        #expect(!now[0].execCapable)
        // 1.31 kubelets never check nodes/pods: the grant is no kubelet access at all.
        let old = KubeletAccessInventory.build(policy: policy, profile: KubeletProfile(version: .v(31)))
        #expect(old.isEmpty)

        let proxy = RBACPolicy(roles: [.clusterRole("p", rules: [PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["nodes/proxy"])])],
                               bindings: [.clusterRoleBinding("b", clusterRole: "p", subjects: [Subject(kind: "User", name: "u")])])
        let inv = KubeletAccessInventory.build(policy: proxy, profile: KubeletProfile(version: .v(36)))[0]
        #expect(inv.execCapable)
        let exec = inv.paths.first { $0.endpoint.path.hasPrefix("/exec") }
        #expect(exec?.methods == ["GET"])
        #expect(!inv.paths.contains { $0.endpoint.path.hasPrefix("/run/") })  // POST only: needs create
        #expect(inv.paths.first { $0.endpoint.path == "/pods" }?.viaFallback == true)
        #expect(!inv.paths.contains { $0.endpoint.path == "/statusz" })  // no fallback in 1.36
    }
}
