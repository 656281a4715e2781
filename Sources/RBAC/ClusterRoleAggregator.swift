/// What aggregation changed, for explanations and findings.
public struct AggregationReport: Hashable, Sendable {
    /// Aggregating role → the roles whose rules it took, in order.
    public var sources: [String: [String]] = [:]
    /// Aggregating roles whose selectors selected no rules: the controller's apply then
    /// carries no `rules`, so the rules the role was created with stay (measured on 1.36.2).
    public var keptOriginalRules: [String] = []
    /// Roles skipped because a selector is invalid, as the controller skips them.
    public var invalidSelectors: [String: String] = [:]
    /// True if chains did not settle within the iteration bound (a cycle that oscillates).
    public var didNotConverge: [String] = []
}

/// The clusterrole-aggregation controller of kube-controller-manager, run to its fixed point:
/// for each selector in order, the matching ClusterRoles sorted by name (itself excluded),
/// each rule appended unless an equal one is already there.
public enum ClusterRoleAggregator {
    /// - Parameter labelIndex: look only at roles carrying a selector's first matchLabels pair;
    ///   false walks every role for every selector, the reference the tests compare it with.
    public static func aggregate(_ roles: [Role], labelIndex: Bool = true) -> ([Role], AggregationReport) {
        var report = AggregationReport()
        var current = roles
        let aggregating = roles.indices.filter { roles[$0].aggregationRule != nil }
        guard !aggregating.isEmpty else { return (roles, report) }
        let order = roles.indices.sorted { roles[$0].name < roles[$1].name }
        // A selector with matchLabels can only select roles carrying its first pair, and
        // `matches` answers false for every other role without judging the rest, so looking
        // only at those (in name order) selects exactly what the full walk selects. Labels do
        // not change while rules are aggregated.
        struct LabelPair: Hashable { let key: String, value: String }
        var carrying: [LabelPair: [Int]] = [:]
        for j in order {
            for (key, value) in roles[j].labels { carrying[LabelPair(key: key, value: value), default: []].append(j) }
        }
        func candidates(_ selector: LabelSelector) -> [Int] {
            guard labelIndex, let key = selector.matchLabels.keys.min() else { return order }
            return carrying[LabelPair(key: key, value: selector.matchLabels[key]!)] ?? []
        }

        // Each pass recomputes every aggregating role from the others' current rules, as the
        // controller's re-queue on any change does; chains need at most one pass per link.
        var changed = true
        var pass = 0
        let maxPasses = aggregating.count + 2
        while changed && pass < maxPasses {
            changed = false
            pass += 1
            for i in aggregating {
                let role = current[i]
                var rules: [PolicyRule] = []
                var from: [String] = []
                var invalid: String? = nil
                for selector in role.aggregationRule ?? [] {
                    for j in candidates(selector) where current[j].name != role.name {
                        let selected: Bool
                        do { selected = try selector.matches(current[j].labels) } catch {
                            invalid = error.description
                            break
                        }
                        guard selected else { continue }
                        if !from.contains(current[j].name) { from.append(current[j].name) }
                        for rule in current[j].rules where !rules.contains(rule) { rules.append(rule) }
                    }
                    if invalid != nil { break }
                }
                if let invalid {
                    report.invalidSelectors[role.name] = invalid
                    continue
                }
                report.sources[role.name] = from
                if rules.isEmpty {
                    if !report.keptOriginalRules.contains(role.name) { report.keptOriginalRules.append(role.name) }
                    continue
                }
                report.keptOriginalRules.removeAll { $0 == role.name }
                if rules != current[i].rules {
                    current[i].rules = rules
                    changed = true
                }
            }
        }
        if changed { report.didNotConverge = aggregating.map { current[$0].name }.sorted() }
        return (current, report)
    }
}
