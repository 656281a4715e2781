import Governance

/// The markdown review's kubelet configuration section.
enum KubeletConfigMarkdown {
    /// One row per node.
    static func markdown(_ a: KubeletConfigAssessment) -> String {
        var o = "## Kubelet configuration\n\n"
        o += "Whether each kubelet delegates to RBAC (\(a.input.origin == .files ? "from `\(a.input.location)`" : "read live from each kubelet's /configz")):\n\n"
        o += "| Node | Authorization | Anonymous | Token webhook | Read-only port | Cache allowed / denied | Source |\n|---|---|---|---|---|---|---|\n"
        for n in a.input.nodes {
            let source = n.source.map { "`\($0)`" } ?? "—"
            switch n.outcome {
            case .read(let written):
                let c = written.effective
                let mode = c.authorizationMode == KubeletConfiguration.alwaysAllowMode ? "**AlwaysAllow**" : c.authorizationMode
                o += "| \(n.node) | \(mode) | \(c.anonymousEnabled ? "**enabled**" : "disabled") | \(c.webhookAuthenticationEnabled ? "enabled" : "**disabled**")"
                o += " | \(c.readOnlyPort == 0 ? "off" : "**\(c.readOnlyPort)**") | \(c.cacheAuthorizedTTL) / \(c.cacheUnauthorizedTTL) | \(source) |\n"
            case .notRead(let r), .forbidden(let r), .failed(let r):
                o += "| \(n.node) | not known: \(ScanMarkdown.esc(r)) | | | | | \(source) |\n"
            }
        }
        return o + "\n"
    }
}
