import RBAC

/// The guardrail's CEL, written from what `NodesProxyGuardrail` decided. Only standard CEL
/// (`has`, `exists`, `all`, `in`, `?:`): no Kubernetes library function, so that any CEL
/// implementation — the tests use cel-python — evaluates exactly what the API server will.
public enum GuardrailCEL {
    public struct Named: Sendable, Hashable {
        public var name: String
        public var expression: String
    }

    public struct Validation: Sendable, Hashable {
        public var expression: String
        public var messageExpression: String
    }

    /// A CEL string literal.
    public static func quote(_ s: String) -> String {
        var out = "'"
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "'"
    }

    static func list(_ xs: [String]) -> String { "[" + xs.map(quote).joined(separator: ", ") + "]" }

    static func mapLiteral(_ m: [String: String]) -> String {
        "{" + m.keys.sorted().map { "\(quote($0)): \(quote(m[$0]!))" }.joined(separator: ", ") + "}"
    }

    /// The writers the guardrail never judges; shared by both policies. A matchCondition that
    /// is false skips the policy for the request.
    public static let matchConditions: [Named] = [
        Named(name: "not-the-api-server", expression: "request.userInfo.username != \(quote(NodesProxyGuardrail.apiServerUser))"),
        Named(name: "not-the-aggregation-controller",
              expression: "request.userInfo.username != \(quote(NodesProxyGuardrail.aggregationControllerUser))"),
        // The label is read from the object as it was, on updates only: anyone who may write
        // ClusterRoles can put the label on a new object, so a label on `object` would let any
        // role or binding through.
        Named(name: "not-a-bootstrap-object",
              expression: "request.operation != 'UPDATE' || oldObject == null || !has(oldObject.metadata.labels) || !('kubernetes.io/bootstrapping' in oldObject.metadata.labels) || oldObject.metadata.labels['kubernetes.io/bootstrapping'] != 'rbac-defaults'"),
    ]

    /// One rule grants get or create on nodes/proxy: `RuleMatcher` for apiGroup "", resource
    /// `nodes/proxy`, verbs get and create. `resourceNames` are not looked at: a rule pinned to
    /// some nodes still executes commands on those.
    static let ruleReaches = "has(r.verbs) && r.verbs.exists(v, v == 'get' || v == 'create' || v == '*')"
        + " && has(r.apiGroups) && r.apiGroups.exists(g, g == '' || g == '*')"
        + " && has(r.resources) && r.resources.exists(x, x == 'nodes/proxy' || x == '*/proxy' || x == '*')"

    /// A selector (`s`) selects the label map `K`, as `LabelSelector.matches` decides.
    static let selectorSelectsK = "(!has(s.matchLabels) || s.matchLabels.all(k, k in K && K[k] == s.matchLabels[k]))"
        + " && (!has(s.matchExpressions) || s.matchExpressions.all(e, e.operator == 'In' ? (e.key in K && K[e.key] in e.values)"
        + " : e.operator == 'NotIn' ? (!(e.key in K) || !(K[e.key] in e.values))"
        + " : e.operator == 'Exists' ? e.key in K : !(e.key in K)))"

    /// A constant selector selects the labels `L` (an expression for a map that is present).
    static func selects(_ s: LabelSelector, labels L: String) -> String {
        var terms: [String] = []
        for key in s.matchLabels.keys.sorted() {
            terms.append("(\(quote(key)) in \(L) && \(L)[\(quote(key))] == \(quote(s.matchLabels[key]!)))")
        }
        for e in s.matchExpressions {
            let k = quote(e.key)
            switch e.operator {
            case "In": terms.append("(\(k) in \(L) && \(L)[\(k)] in \(list(e.values)))")
            case "NotIn": terms.append("(!(\(k) in \(L)) || !(\(L)[\(k)] in \(list(e.values))))")
            case "Exists": terms.append("\(k) in \(L)")
            case "DoesNotExist": terms.append("!(\(k) in \(L))")
            // An invalid selector selects nothing: the aggregation controller skips the role.
            default: terms.append("false")
            }
        }
        return terms.isEmpty ? "true" : terms.joined(separator: " && ")
    }

    public static func roleVariables(_ g: NodesProxyGuardrail) -> [Named] {
        let feeds = g.aggregationSelectors.map { "(\(selects($0, labels: "object.metadata.labels")))" }.joined(separator: " || ")
        // Without labels, whether a selector selects the role does not depend on the object:
        // decide it here, so that no expression mixes a typed map with an untyped `{}`.
        let feedsUnlabelled = g.aggregationSelectors.contains { (try? $0.matches([:])) == true }
        // An empty label set is written `{'': ''}`: no valid selector names the key "", so it
        // selects exactly what `{}` selects, and every literal of the list has one type.
        let labelSets = "[" + g.reachingLabelSets.map { mapLiteral($0.isEmpty ? ["": ""] : $0) }.joined(separator: ", ") + "]"
        return [
            // rbac/v1 writes `rules` without omitempty: an aggregating role created without rules
            // arrives with `"rules": null`, and exists() over null is an error (a refusal under
            // failurePolicy Fail).
            Named(name: "reaches", expression: "has(object.rules) && (type(object.rules) == list ? object.rules.exists(r, \(ruleReaches)) : false)"),
            Named(name: "approved", expression: g.approvedRoles.isEmpty ? "false" : "object.metadata.name in \(list(g.approvedRoles))"),
            // The aggregation controller unions in the rules of every ClusterRole a selector
            // selects: labels are how a role's rules travel to another role.
            Named(name: "feedsAggregation", expression: feeds.isEmpty ? "false"
                  : "has(object.metadata.labels) ? (\(feeds)) : \(feedsUnlabelled)"),
            Named(name: "pullsReaching",
                  expression: "has(object.aggregationRule) && has(object.aggregationRule.clusterRoleSelectors) && object.aggregationRule.clusterRoleSelectors.exists(s, \(labelSets).exists(K, \(selectorSelectsK)))"),
        ]
    }

    static let advice = "; approve the role in the kubelet-authz register (roles:) and regenerate the guardrail, or grant a fine-grained subresource (nodes/metrics, nodes/stats, nodes/log, nodes/pods) instead"

    public static func roleValidations(_ g: NodesProxyGuardrail) -> [Validation] {
        [
            Validation(expression: "!variables.reaches || variables.approved",
                       messageExpression: "'ClusterRole ' + object.metadata.name + ' grants get or create on nodes/proxy (through nodes/proxy, */proxy, * or apiGroup *): command execution in every pod on every node'"
                       + " + \(quote(advice))"),
            Validation(expression: "!variables.reaches || !variables.feedsAggregation",
                       messageExpression: "'ClusterRole ' + object.metadata.name + ' grants nodes/proxy and carries labels an aggregating ClusterRole selects: its rules would be copied into that role'"),
            Validation(expression: "!variables.pullsReaching || variables.approved",
                       messageExpression: "'ClusterRole ' + object.metadata.name + ' aggregates ClusterRoles that grant nodes/proxy (its clusterRoleSelectors select their labels)'"
                       + " + \(quote(advice))"),
        ]
    }

    public static func bindingVariables(_ g: NodesProxyGuardrail) -> [Named] {
        // `namespace` is a CEL reserved word, so `s.namespace` does not parse. The `__namespace__`
        // escaping belongs to schema-typed values (CRD rules); admission hands CEL the object as
        // a plain map (objectToResolveVal → ToUnstructured), where only an index reads the key.
        let subjectKey = "(s.kind == 'ServiceAccount' ? 'ServiceAccount/' + ('namespace' in s ? s['namespace'] : '') + '/' + s.name : s.kind + '/' + s.name)"
        return [
            Named(name: "refReaches", expression: g.reachingClusterRoles.isEmpty ? "false"
                  : "object.roleRef.kind == 'ClusterRole' && object.roleRef.name in \(list(g.reachingClusterRoles))"),
            Named(name: "unapproved", expression: "has(object.subjects) && object.subjects.exists(s, !(\(subjectKey) in \(list(g.approvedSubjects))))"),
        ]
    }

    public static func bindingValidations(_ g: NodesProxyGuardrail) -> [Validation] {
        [Validation(expression: "!variables.refReaches || !variables.unapproved",
                    messageExpression: "'ClusterRoleBinding ' + object.metadata.name + ' binds ClusterRole ' + object.roleRef.name + ', which grants nodes/proxy (command execution in every pod), to subjects the kubelet-authz register does not approve for nodes/proxy'")]
    }
}
