/// The kubelet's own answer texts (pkg/kubelet/server/server.go), byte for byte.
public enum KubeletResponse {
    /// The 403 body when no check allowed the request. 1.32+ lists every subresource tried,
    /// as Go's `%v` of a string slice, and ends with a newline; older kubelets named one.
    public static func forbiddenBody(user: String, checks: [KubeletCheck], profile: KubeletProfile) -> String {
        let first = checks.first ?? KubeletCheck(verb: "", subresource: "")
        if profile.multiAttributeAuthorization {
            let list = checks.map(\.subresource).joined(separator: " ")
            return "Forbidden (user=\(user), verb=\(first.verb), resource=\(first.resource), subresource(s)=[\(list)])\n"
        }
        return "Forbidden (user=\(user), verb=\(first.verb), resource=\(first.resource), subresource=\(first.subresource))"
    }

    /// ServeMux's 404 body.
    public static let notFoundBody = "404 page not found\n"

    /// Go's `http.Redirect` body: an HTML link, written for GET requests only.
    public static func redirectBody(status: Int, location: String, method: String) -> String {
        guard method == "GET" else { return "" }
        let text = status == 307 ? "Temporary Redirect" : "Moved Permanently"
        let escaped = location
            .replacingOccurrences(of: "&", with: "&amp;")
            .replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&#34;")
            .replacingOccurrences(of: "'", with: "&#39;")
        return "<a href=\"\(escaped)\">\(text)</a>.\n\n"
    }
}

import Foundation
