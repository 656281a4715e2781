import Evidence

/// What the dashboard listener shows: the current policy (with the scan it came from) and the
/// aggregated decisions, stored and not yet flushed.
public struct DashboardView: Sendable {
    public var policy: LoadedPolicy?
    public var decisions: [AuthorizationDecision]
    public var mode: ServerConfiguration.Mode

    /// A plain page until the report renderer is wired in: the policy and the decisions.
    public static func plainPage(_ view: DashboardView) -> String {
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        var html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>kubelet-authz</title></head><body>"
        html += "<h1>kubelet-authz serve (\(view.mode.rawValue))</h1>"
        if let p = view.policy {
            html += "<p>Policy generation \(p.generation) from \(esc(p.enforcement.source)); \(p.enforcement.records.count) governance records.</p>"
        } else {
            html += "<p>No policy loaded yet.</p>"
        }
        html += "<table><tr><th>user</th><th>node</th><th>check</th><th>mode</th><th>decision</th><th>count</th></tr>"
        for d in view.decisions.prefix(500) {
            html += "<tr><td>\(esc(d.key.user))</td><td>\(esc(d.key.node))</td><td>\(esc(d.key.verb)) nodes/\(esc(d.key.subresource))</td>"
            html += "<td>\(d.key.mode)</td><td>\(d.key.verdict.rawValue)</td><td>\(d.count)</td></tr>"
        }
        return html + "</table></body></html>"
    }
}
