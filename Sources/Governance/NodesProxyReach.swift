import KubeletModel
import RBAC

/// Whether RBAC rules grant `get` or `create` on `nodes/proxy` — the verbs that open the
/// kubelet's /exec, /attach, /portForward and /run — on at least one node, decided by the
/// project's `RuleMatcher`, never by matching rule text. This is the question the guardrail's
/// CEL asks of a role at admission, and the answer its tests hold the CEL to.
public enum NodesProxyReach {
    /// The verbs whose grant on `nodes/proxy` is command execution.
    public static let execVerbs = ["get", "create"]

    /// A node name no real node has: a rule without `resourceNames` covers it, as it covers every node.
    static let anyNode = "kubelet-authz-any-node"

    public static func reaches(_ rule: PolicyRule) -> Bool {
        // A rule pinned to named nodes still reaches those nodes: ask for each name it lists.
        let names = rule.resourceNames.isEmpty ? [anyNode] : rule.resourceNames
        let user = UserInfo(name: "kubelet-authz:guardrail")
        for verb in execVerbs {
            for name in names {
                let attributes = AuthorizationAttributes(user: user, verb: verb, apiGroup: "", resource: "nodes",
                                                         subresource: KubeletSubresource.proxy.rawValue, name: name)
                if RuleMatcher.allows(rule, attributes) { return true }
            }
        }
        return false
    }

    public static func reaches(_ rules: [PolicyRule]) -> Bool { rules.contains(where: reaches) }
}
