import Governance

/// The page's kubelet configuration section: whether each kubelet delegates to RBAC at all, the
/// columns of `scan -o markdown`'s table, what defeats RBAC in red.
enum KubeletConfigHTML {
    static func html(_ a: KubeletConfigAssessment) -> String {
        var o = "<p>Whether each kubelet delegates to RBAC ("
        o += a.input.origin == .files ? "from <code>\(HTMLText.escape(a.input.location))</code>" : "read live from each kubelet's /configz"
        o += "): RBAC on <code>nodes/*</code> decides nothing on a kubelet that allows everything, accepts anonymous requests, cannot check tokens, or serves the read-only port.</p>\n"
        o += "<table class=\"kubelet-config\"><thead><tr><th>Node</th><th>Authorization</th><th>Anonymous</th><th>Token webhook</th><th>Read-only port</th><th>Cache allowed / denied</th><th>Source</th></tr></thead>\n<tbody>\n"
        func bad(_ text: String) -> String { "<td class=\"status status-overdue\">\(HTMLText.escape(text))</td>" }
        func good(_ text: String) -> String { "<td>\(HTMLText.escape(text))</td>" }
        for n in a.input.nodes {
            o += "<tr><td class=\"mono\">\(HTMLText.escape(n.node))</td>"
            switch n.outcome {
            case .read(let written):
                let c = written.effective
                o += c.authorizationMode == KubeletConfiguration.alwaysAllowMode ? bad(c.authorizationMode) : good(c.authorizationMode)
                o += c.anonymousEnabled ? bad("enabled") : good("disabled")
                o += c.webhookAuthenticationEnabled ? good("enabled") : bad("disabled")
                o += c.readOnlyPort == 0 ? good("off") : bad(String(c.readOnlyPort))
                o += good("\(c.cacheAuthorizedTTL) / \(c.cacheUnauthorizedTTL)")
            case .notRead(let r), .forbidden(let r), .failed(let r):
                o += "<td colspan=\"5\" class=\"muted\">not known: \(HTMLText.escape(r))</td>"
            }
            o += "<td class=\"where\">\(HTMLText.escape(n.source ?? "—"))</td></tr>\n"
        }
        return o + "</tbody></table>\n"
    }
}
