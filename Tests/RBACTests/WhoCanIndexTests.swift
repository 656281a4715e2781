import RBAC
import TestSupport
import Testing

/// The who-can index must agree with the authorizer on every subject and request. Clusters
/// are generated from a fixed seed so that a failure reproduces.
@Suite("Who-can index agrees with the authorizer")
struct WhoCanIndexTests {
    static let verbs = ["get", "create", "list", "*", "update", ""]
    static let resources = ["nodes/proxy", "nodes/stats", "nodes/pods", "*", "*/proxy", "nodes", "nodes/*", "*/*", "pods", "nodes/log"]
    static let groups = ["", "*", "apps"]
    static let nodes = ["n1", "n2"]

    func randomCluster(_ rng: inout SplitMix) -> RBACPolicy {
        var roles: [Role] = []
        for r in 0..<8 {
            let rules = (0..<Int.random(in: 1...3, using: &rng)).map { _ in
                PolicyRule(verbs: (0..<Int.random(in: 1...2, using: &rng)).map { _ in Self.verbs.randomElement(using: &rng)! },
                           apiGroups: [Self.groups.randomElement(using: &rng)!],
                           resources: (0..<Int.random(in: 1...3, using: &rng)).map { _ in Self.resources.randomElement(using: &rng)! },
                           resourceNames: Bool.random(using: &rng) ? [] : [Self.nodes.randomElement(using: &rng)!])
            }
            roles.append(.clusterRole("role-\(r)", rules: rules))
        }
        let subjects = [Subject(kind: "User", name: "alice"), Subject(kind: "Group", name: "ops"),
                        Subject(kind: "ServiceAccount", name: "sa", namespace: "ns"), Subject(kind: "ServiceAccount", name: "nons"),
                        Subject(kind: "user", name: "alice"), Subject(kind: "Group", name: "system:authenticated")]
        var bindings: [Binding] = []
        for b in 0..<10 {
            let role = Int.random(in: 0...9, using: &rng)  // 8 and 9 do not exist
            bindings.append(.clusterRoleBinding("b-\(b)", clusterRole: "role-\(role)",
                                                subjects: (0..<Int.random(in: 1...3, using: &rng)).map { _ in subjects.randomElement(using: &rng)! }))
            if Bool.random(using: &rng) {
                bindings.append(.roleBinding("rb-\(b)", namespace: "ns", roleRef: RoleRef(kind: "ClusterRole", name: "role-\(role)"),
                                             subjects: [subjects.randomElement(using: &rng)!]))
            }
        }
        return RBACPolicy(roles: roles, bindings: bindings)
    }

    @Test("200 random clusters × every user × every kubelet check")
    func agreement() {
        var rng = SplitMix(state: 20261127)
        let users = [UserInfo(name: "alice"), UserInfo(name: "bob", groups: ["ops"]),
                     UserInfo(name: "system:serviceaccount:ns:sa", groups: ["system:authenticated"]),
                     UserInfo(name: "system:serviceaccount:ns:nons"), UserInfo(name: "carol", groups: ["system:authenticated"])]
        var allowedSeen = 0
        for _ in 0..<200 {
            let policy = randomCluster(&rng)
            let authorizer = RBACAuthorizer(policy: policy)
            let index = WhoCanIndex(policy: policy)
            for verb in ["get", "create", ""] {
                for sub in ["proxy", "stats", "pods", "log", "*"] {
                    for node in Self.nodes {
                        let holders = index.subjects(verb: verb, resource: "nodes", subresource: sub, name: node)
                        for user in users {
                            let a = AuthorizationAttributes(user: user, verb: verb, resource: "nodes", subresource: sub, name: node)
                            let byAuthorizer = authorizer.authorize(a).allowed
                            let byIndex = holders.contains { h in SubjectMatcher.applies(h.subject, user: user, bindingNamespace: "") }
                            #expect(byAuthorizer == byIndex, "\(user.name) \(verb) nodes/\(sub) \(node)")
                            if byAuthorizer { allowedSeen += 1 }
                        }
                    }
                }
            }
        }
        // The generator must produce both answers, or the agreement says nothing.
        #expect(allowedSeen > 1000)
    }
}
