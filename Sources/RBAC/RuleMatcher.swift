/// `RuleAllows` and its helpers from pkg/apis/rbac/v1/evaluation_helpers.go — the whole of
/// what decides whether one rule covers one request.
public enum RuleMatcher {
    public static func allows(_ rule: PolicyRule, _ a: AuthorizationAttributes) -> Bool {
        if a.isResourceRequest {
            let combined = a.subresource.isEmpty ? a.resource : a.resource + "/" + a.subresource
            return verbMatches(rule, a.verb)
                && apiGroupMatches(rule, a.apiGroup)
                && resourceMatches(rule, combined: combined, subresource: a.subresource)
                && resourceNameMatches(rule, a.name)
        }
        return verbMatches(rule, a.verb) && nonResourceURLMatches(rule, a.path)
    }

    public static func verbMatches(_ rule: PolicyRule, _ verb: String) -> Bool {
        rule.verbs.contains { $0 == "*" || $0 == verb }
    }

    /// An empty `apiGroups` matches nothing (the documentation says otherwise; the code wins).
    public static func apiGroupMatches(_ rule: PolicyRule, _ group: String) -> Bool {
        rule.apiGroups.contains { $0 == "*" || $0 == group }
    }

    /// `*` covers every resource and subresource; `*/sub` covers that subresource of any
    /// resource; `nodes/*` and `*/*` are literals that match nothing real.
    public static func resourceMatches(_ rule: PolicyRule, combined: String, subresource: String) -> Bool {
        for r in rule.resources {
            if r == "*" || r == combined { return true }
            if subresource.isEmpty { continue }
            if r.utf8.count == subresource.utf8.count + 2 && r.hasPrefix("*/") && r.hasSuffix(subresource) { return true }
        }
        return false
    }

    public static func resourceNameMatches(_ rule: PolicyRule, _ name: String) -> Bool {
        rule.resourceNames.isEmpty || rule.resourceNames.contains(name)
    }

    /// `*`, exact, or a trailing-`*` entry as a raw prefix (all trailing stars removed).
    public static func nonResourceURLMatches(_ rule: PolicyRule, _ path: String) -> Bool {
        for u in rule.nonResourceURLs {
            if u == "*" || u == path { return true }
            if u.hasSuffix("*") {
                var prefix = Substring(u)
                while prefix.last == "*" { prefix = prefix.dropLast() }
                if path.hasPrefix(prefix) { return true }
            }
        }
        return false
    }
}
