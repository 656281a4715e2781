import RBAC

/// Whether each kubelet delegates to RBAC at all: RBAC on `nodes/*` decides nothing on a kubelet
/// that allows every request, lets anonymous callers in, or serves the read-only port. Values
/// in (the configurations read, per node), findings out.
public struct KubeletConfigAssessment: Hashable, Sendable {
    public var input: KubeletConfigInput
    public var findings: [Finding]

    /// - Parameter anonymousAccess: the node subresources RBAC grants callers without
    ///   credentials (User system:anonymous, Group system:unauthenticated): what a kubelet that
    ///   accepts anonymous requests hands to anyone who reaches it.
    public static func assess(_ input: KubeletConfigInput, anonymousAccess: [String] = []) -> KubeletConfigAssessment {
        let nodes = input.nodes.sorted { $0.node < $1.node }
        var out: [Finding] = []
        var ttlGroups: [[GoDuration]: [NodeKubeletConfig]] = [:]
        var unknown: [(reason: String, node: String)] = []
        for n in nodes {
            switch n.outcome {
            case .read(let written):
                let c = written.effective
                func at(_ field: String) -> [Finding.Location] { [location(n, line: written.lines[field])] }
                let alwaysAllow = c.authorizationMode == KubeletConfiguration.alwaysAllowMode
                if alwaysAllow {
                    out.append(Finding(.kubeletAlwaysAllow, message: "the kubelet of node \(n.node) runs with authorization.mode AlwaysAllow: it asks no SubjectAccessReview, so every caller it authenticates\(c.anonymousEnabled ? " (anonymous callers too)" : "") may exec, read logs and pod specs there, whatever RBAC says", locations: at("authorization.mode")))
                }
                if c.anonymousEnabled {
                    let granted = anonymousAccess.map { "nodes/\($0)" }.joined(separator: ", ")
                    let then = alwaysAllow ? "and AlwaysAllow lets them do everything"
                        : anonymousAccess.isEmpty ? "who are then authorized as system:anonymous (group system:unauthenticated): no RBAC grant to those reaches the kubelet today, but any future one will, from the network"
                        : "and RBAC grants system:anonymous or system:unauthenticated \(granted): anyone who reaches port 10250 has that without a credential"
                    out.append(Finding(.kubeletAnonymousAuthentication, severity: alwaysAllow || !anonymousAccess.isEmpty ? .critical : nil,
                                       message: "the kubelet of node \(n.node) accepts anonymous requests (authentication.anonymous.enabled: true), \(then)", locations: at("authentication.anonymous.enabled")))
                }
                if !c.webhookAuthenticationEnabled {
                    out.append(Finding(.kubeletWebhookAuthenticationDisabled, message: "the kubelet of node \(n.node) has authentication.webhook.enabled: false: it cannot check bearer tokens, so ServiceAccount-token collectors \(c.anonymousEnabled ? "reach it as system:anonymous" : "are refused (401)") and only client certificates authenticate", locations: at("authentication.webhook.enabled")))
                }
                if c.readOnlyPort != 0 {
                    out.append(Finding(.kubeletReadOnlyPort, message: "the kubelet of node \(n.node) serves the read-only port \(c.readOnlyPort): /pods, /stats and /metrics over plain HTTP with no authentication and no authorization, whatever nodes/* RBAC grants", locations: at("readOnlyPort")))
                }
                if !alwaysAllow {
                    ttlGroups[[c.cacheAuthorizedTTL, c.cacheUnauthorizedTTL, c.authenticationCacheTTL], default: []].append(n)
                }
            case .notRead(let reason), .forbidden(let reason):
                unknown.append((reason, n.node))
            case .failed(let reason):
                out.append(Finding(.kubeletConfigUnreadable, message: "the configuration of the kubelet on node \(n.node) could not be read: \(reason)", locations: [location(n)]))
            }
        }
        for key in ttlGroups.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let group = ttlGroups[key]!
            let (allowed, denied, tokens) = (key[0], key[1], key[2])
            // Longer than the kubelet's own defaults: a revocation takes longer to bite than a
            // reviewer would assume.
            let longer = allowed > KubeletConfiguration.defaultCacheAuthorizedTTL || tokens > .minutes(2)
            out.append(Finding(.kubeletAuthorizationCacheTTL, severity: longer ? .low : nil,
                               message: "\(nodeList(group.map(\.node))) cache an allowed kubelet decision for \(allowed) and a denied one for \(denied) (bearer tokens for \(tokens)): a removed nodes/* grant keeps working there for up to \(allowed) after the change, and audit logs show no SubjectAccessReview for the requests the cache answers",
                               locations: group.map { location($0, line: $0.configuration?.lines["authorization.webhook.cacheAuthorizedTTL"]) }))
        }
        if !unknown.isEmpty {
            var reasons: [String] = []
            var byReason: [String: [String]] = [:]
            for u in unknown {
                if byReason[u.reason] == nil { reasons.append(u.reason) }
                byReason[u.reason, default: []].append(u.node)
            }
            let parts = reasons.map { "\(nodeList(byReason[$0]!)): \($0)" }
            out.append(Finding(.kubeletConfigBlindSpot,
                               message: "whether \(unknown.count == 1 ? "this kubelet delegates" : "these \(unknown.count) kubelets delegate") to RBAC is not known — " + parts.joined(separator: "; "),
                               locations: unknown.map { Finding.Location(kind: "Node", name: $0.node, source: nil) }))
        }
        return KubeletConfigAssessment(input: input, findings: out)
    }

    static func location(_ n: NodeKubeletConfig, line: Int? = nil) -> Finding.Location {
        // A live answer is a URL, not a file a SARIF viewer could open.
        let file = n.source.flatMap { $0.hasPrefix("https://") ? nil : SourceLocation(file: $0, line: line) }
        return Finding.Location(kind: "Node", name: n.node, source: file)
    }

    /// Node names for a message: all of a few, the first ten of many (the locations keep them all).
    static func nodeList(_ names: [String]) -> String {
        if names.count == 1 { return "node \(names[0])" }
        let shown = names.prefix(10).joined(separator: ", ")
        return "nodes \(shown)" + (names.count > 10 ? " and \(names.count - 10) more" : "")
    }
}
