/// Turns audit events into kubelet-access records: the kubelet's own SubjectAccessReviews
/// (created by `system:node:*`, naming the real caller in the request body and the verdict in
/// the response body) and API-server node-proxy requests.
public enum AuditExtractor {
    static func records(from event: AuditEventWire, file: String, line: Int) -> [AuditRecord] {
        if let items = event.items { return items.flatMap { records(from: $0, file: file, line: line) } }
        guard let ref = event.objectRef, let id = event.auditID else { return [] }
        let received = event.requestReceivedTimestamp ?? event.stageTimestamp ?? ""
        let time = AuditTimestamp.seconds(received) ?? 0

        if ref.resource == "subjectaccessreviews", ref.apiGroup == "authorization.k8s.io", event.verb == "create",
           let author = event.user?.username, author.hasPrefix("system:node:") {
            let spec = event.requestObject?.spec
            let attributes = spec?.resourceAttributes
            // The kubelet only ever asks about a subresource of nodes; anything else a node
            // reviews is not kubelet access.
            if let attributes, attributes.resource != "nodes" || (attributes.subresource ?? "").isEmpty { return [] }
            let decision: AuditRecord.Decision
            if let status = event.responseObject?.status {
                decision = (status.allowed ?? false) && !(status.denied ?? false) ? .allow : .deny
            } else {
                decision = .unknown
            }
            let node = attributes?.name ?? String(author.dropFirst("system:node:".count))
            return [AuditRecord(
                auditID: id, path: .kubelet, time: time, timestamp: received, level: event.level ?? "", stage: event.stage ?? "",
                user: spec.map { $0.user ?? "" }, groups: spec?.groups ?? [],
                uid: spec?.uid, podName: spec?.extra?.podName?.first, credentialID: spec?.extra?.credentialID?.first,
                node: node, verb: attributes?.verb ?? "", subresource: attributes?.subresource ?? "",
                kubeletPath: nil, decision: decision, reason: event.responseObject?.status?.reason ?? "",
                code: event.responseStatus?.code, sourceFile: file, sourceLine: line)]
        }

        if ref.resource == "nodes", ref.subresource == "proxy", (ref.apiGroup ?? "").isEmpty, let name = ref.name {
            let caller = event.impersonatedUser ?? event.user
            let decision: AuditRecord.Decision
            switch event.annotations?.decision {
            case "allow": decision = .allow
            case "forbid": decision = .deny
            default: decision = event.responseStatus?.code == 403 ? .deny : .unknown
            }
            return [AuditRecord(
                auditID: id, path: .apiserverProxy, time: time, timestamp: received, level: event.level ?? "", stage: event.stage ?? "",
                user: caller?.username, groups: caller?.groups ?? [], uid: caller?.uid,
                podName: caller?.extra?.podName?.first, credentialID: caller?.extra?.credentialID?.first,
                node: nodeName(fromProxyName: name), verb: event.verb ?? "", subresource: "proxy",
                kubeletPath: kubeletPath(event.requestURI, node: name), decision: decision,
                reason: event.annotations?.reason ?? "", code: event.responseStatus?.code,
                sourceFile: file, sourceLine: line)]
        }
        return []
    }

    /// `[scheme:]name[:port]`, as the node proxy accepts it.
    static func nodeName(fromProxyName name: String) -> String {
        var parts = name.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if parts.count > 1, parts[0] == "http" || parts[0] == "https" { parts.removeFirst() }
        if parts.count > 1, Int(parts.last!) != nil || parts.last!.isEmpty { parts.removeLast() }
        return parts.joined(separator: ":")
    }

    /// The kubelet path after `/api/v1/nodes/<name>/proxy`, without the query (a query can carry
    /// an exec command line, which is not ours to keep). Found by segments, so an escaped node
    /// name (`node%3A10250`) does not hide it.
    static func kubeletPath(_ uri: String?, node: String) -> String? {
        guard let uri else { return nil }
        let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? uri
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        guard let n = segments.firstIndex(of: "nodes"), n + 2 < segments.count, segments[n + 2] == "proxy" else { return nil }
        let rest = segments[(n + 3)...].joined(separator: "/")
        return "/" + rest
    }
}
