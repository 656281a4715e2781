import RBAC
import TestSupport
import Testing

/// The clusterrole-aggregation controller, as measured on a 1.36.2 kube-controller-manager
/// (pkg/controller/clusterroleaggregation; measured on v1.36.2).
@Suite("Aggregation")
struct AggregationTests {
    let label = ["agg": "true"]
    func rule(_ r: String) -> PolicyRule { PolicyRule(verbs: ["get"], apiGroups: [""], resources: [r]) }

    @Test("selected roles' rules replace the aggregating role's, sorted by role name, without duplicates")
    func union() {
        let roles = [
            Role.clusterRole("agg", rules: [rule("original")], aggregationRule: [LabelSelector(matchLabels: label)]),
            Role.clusterRole("zeta", rules: [rule("nodes/pods"), rule("nodes/stats")], labels: label),
            Role.clusterRole("alpha", rules: [rule("nodes/stats"), rule("nodes/metrics")], labels: label),
            Role.clusterRole("other", rules: [rule("secrets")]),
        ]
        let (out, report) = ClusterRoleAggregator.aggregate(roles)
        #expect(out[0].rules == [rule("nodes/stats"), rule("nodes/metrics"), rule("nodes/pods")])
        #expect(report.sources["agg"] == ["alpha", "zeta"])
    }

    @Test("selectors that select no rules leave the created rules in place")
    func nothingSelected() {
        let roles = [Role.clusterRole("agg", rules: [rule("nodes/proxy")], aggregationRule: [LabelSelector(matchLabels: ["none": "x"])]),
                     Role.clusterRole("empty", rules: [], labels: ["none": "x"])]
        let (out, report) = ClusterRoleAggregator.aggregate(roles)
        #expect(out[0].rules == [rule("nodes/proxy")])
        #expect(report.keptOriginalRules == ["agg"])
    }

    @Test("selectors are OR'ed, in selector order")
    func orSelectors() {
        let roles = [Role.clusterRole("agg", rules: [], aggregationRule: [LabelSelector(matchLabels: ["b": "1"]), LabelSelector(matchLabels: ["a": "1"])]),
                     Role.clusterRole("ra", rules: [rule("a")], labels: ["a": "1"]),
                     Role.clusterRole("rb", rules: [rule("b")], labels: ["b": "1"])]
        #expect(ClusterRoleAggregator.aggregate(roles).0[0].rules == [rule("b"), rule("a")])
    }

    @Test("chains converge: view ⊂ edit ⊂ admin")
    func chains() {
        let roles = [
            Role.clusterRole("admin", rules: [], aggregationRule: [LabelSelector(matchLabels: ["to-admin": "true"])]),
            Role.clusterRole("edit", rules: [], labels: ["to-admin": "true"], aggregationRule: [LabelSelector(matchLabels: ["to-edit": "true"])]),
            Role.clusterRole("view", rules: [], labels: ["to-edit": "true"], aggregationRule: [LabelSelector(matchLabels: ["to-view": "true"])]),
            Role.clusterRole("node-reader", rules: [rule("nodes/metrics")], labels: ["to-view": "true"]),
        ]
        let (out, report) = ClusterRoleAggregator.aggregate(roles)
        #expect(out.allSatisfy { $0.rules == [rule("nodes/metrics")] })
        #expect(report.didNotConverge.isEmpty)
    }

    @Test("an empty selector selects every other ClusterRole, never itself")
    func emptySelector() {
        let roles = [Role.clusterRole("all", rules: [rule("self")], aggregationRule: [LabelSelector()]),
                     Role.clusterRole("x", rules: [rule("x")])]
        #expect(ClusterRoleAggregator.aggregate(roles).0[0].rules == [rule("x")])
    }

    @Test("match expressions", arguments: [
        ("In", ["a"], ["k": "a"], true), ("In", ["a"], [:], false), ("NotIn", ["a"], [:], true), ("NotIn", ["a"], ["k": "a"], false),
        ("Exists", [], ["k": ""], true), ("Exists", [], [:], false), ("DoesNotExist", [], [:], true), ("DoesNotExist", [], ["k": "v"], false),
    ] as [(String, [String], [String: String], Bool)])
    func expressions(_ c: (String, [String], [String: String], Bool)) throws {
        let s = LabelSelector(matchExpressions: [.init(key: "k", operator: c.0, values: c.1)])
        #expect(try s.matches(c.2) == c.3)
    }

    @Test("an invalid selector skips the role, as the controller does")
    func invalid() {
        let roles = [Role.clusterRole("agg", rules: [rule("kept")], aggregationRule: [LabelSelector(matchExpressions: [.init(key: "k", operator: "In")])]),
                     Role.clusterRole("x", rules: [rule("x")], labels: ["k": "v"])]
        let (out, report) = ClusterRoleAggregator.aggregate(roles)
        #expect(out[0].rules == [rule("kept")])
        #expect(report.invalidSelectors["agg"] != nil)
    }
}

/// The label index must select exactly what walking every role selects: same rules, same
/// report (sources, kept rules, the invalid selector's message, non-convergence).
@Suite("Aggregation by label index agrees with the full walk")
struct AggregationIndexTests {
    @Test("seeded clusters: chains, cycles, several pairs, expressions, invalid and empty selectors")
    func seeded() {
        var rng = SplitMix(state: 20261207)
        let keys = ["a", "b", "c"], values = ["1", "2"]
        func pick<T>(_ xs: [T]) -> T { xs[Int.random(in: 0..<xs.count, using: &rng)] }
        for run in 0..<300 {
            var roles: [Role] = []
            for r in 0..<Int.random(in: 1...14, using: &rng) {
                var labels: [String: String] = [:]
                for _ in 0..<Int.random(in: 0...2, using: &rng) { labels[pick(keys)] = pick(values) }
                var selectors: [LabelSelector]? = nil
                if Int.random(in: 0..<3, using: &rng) == 0 {
                    selectors = (0..<Int.random(in: 0...2, using: &rng)).map { _ in
                        var s = LabelSelector()
                        for _ in 0..<Int.random(in: 0...2, using: &rng) { s.matchLabels[pick(keys)] = pick(values) }
                        if Int.random(in: 0..<3, using: &rng) == 0 {
                            let op = pick(["In", "NotIn", "Exists", "DoesNotExist", "Bogus"])
                            let vals = op == "In" || op == "NotIn" ? (Bool.random(using: &rng) ? [pick(values)] : []) : (Int.random(in: 0..<5, using: &rng) == 0 ? ["x"] : [])
                            s.matchExpressions.append(.init(key: pick(keys), operator: op, values: vals))
                        }
                        return s
                    }
                }
                let rules = (0..<Int.random(in: 0...2, using: &rng)).map { _ in PolicyRule(verbs: ["get"], apiGroups: [""], resources: [pick(["nodes/proxy", "nodes/stats", "pods", "secrets"])]) }
                roles.append(Role.clusterRole("r\(pick(["x", "y"]))\(r)", rules: rules, labels: labels, aggregationRule: selectors))
            }
            let indexed = ClusterRoleAggregator.aggregate(roles), walked = ClusterRoleAggregator.aggregate(roles, labelIndex: false)
            #expect(indexed.0 == walked.0, "run \(run)")
            #expect(indexed.1 == walked.1, "run \(run)")
        }
    }
}
