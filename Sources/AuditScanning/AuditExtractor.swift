import Evidence

/// Turns audit events into kubelet-access records: the kubelet's own SubjectAccessReviews
/// (created by `system:node:*`, naming the real caller in the request body and the verdict in
/// the response body) and API-server node-proxy requests.
public enum AuditExtractor {
    static func records(from event: AuditEventWire, source: EvidenceSource, cluster: String) -> [AuditRecord] {
        var out: [AuditRecord] = []
        append(from: event, source: source, cluster: cluster, to: &out)
        return out
    }

    /// `records(from:)`, appended to `out`: the scanner's path, with no array per event.
    static func append(from event: AuditEventWire, source: EvidenceSource, cluster: String, to out: inout [AuditRecord]) {
        if let items = event.items {
            for item in items { append(from: item, source: source, cluster: cluster, to: &out) }
            return
        }
        if let r = record(from: event, source: source, cluster: cluster) { out.append(consume r) }
    }

    static func record(from event: AuditEventWire, source: EvidenceSource, cluster: String) -> AuditRecord? {
        guard let ref = event.objectRef, let id = event.auditID else { return nil }
        let received = event.requestReceivedTimestamp ?? event.stageTimestamp ?? ""
        let time = AuditTimestamp.seconds(received) ?? 0

        if ref.resource == "subjectaccessreviews", ref.apiGroup == "authorization.k8s.io", event.verb == "create",
           let author = event.user?.username, author.hasPrefix("system:node:") {
            let spec = event.requestObject?.spec
            let attributes = spec?.resourceAttributes
            // The kubelet only ever asks about a subresource of nodes; anything else a node
            // reviews is not kubelet access.
            if let attributes, attributes.resource != "nodes" || (attributes.subresource ?? "").isEmpty { return nil }
            let decision: AuditRecord.Decision
            if let status = event.responseObject?.status {
                decision = (status.allowed ?? false) && !(status.denied ?? false) ? .allow : .deny
            } else {
                decision = .unknown
            }
            let node = attributes?.name ?? String(author.dropFirst("system:node:".count))
            return AuditRecord(
                auditID: id, path: .kubelet, time: time, timestamp: received, level: event.level ?? "", stage: event.stage ?? "",
                user: spec.map { $0.user ?? "" }, groups: spec?.groups ?? [],
                uid: spec?.uid, podName: spec?.extra?.podName?.first, credentialID: spec?.extra?.credentialID?.first,
                node: node, verb: attributes?.verb ?? "", subresource: attributes?.subresource ?? "",
                kubeletPath: nil, decision: decision, reason: event.responseObject?.status?.reason ?? "",
                code: event.responseStatus?.code, cluster: cluster, source: source)
        }

        if ref.resource == "nodes", ref.subresource == "proxy", (ref.apiGroup ?? "").isEmpty, let name = ref.name {
            let caller = event.impersonatedUser ?? event.user
            let decision: AuditRecord.Decision
            switch event.annotations?.decision {
            case "allow": decision = .allow
            case "forbid": decision = .deny
            default: decision = event.responseStatus?.code == 403 ? .deny : .unknown
            }
            return AuditRecord(
                auditID: id, path: .apiserverProxy, time: time, timestamp: received, level: event.level ?? "", stage: event.stage ?? "",
                user: caller?.username, groups: caller?.groups ?? [], uid: caller?.uid,
                podName: caller?.extra?.podName?.first, credentialID: caller?.extra?.credentialID?.first,
                node: nodeName(fromProxyName: name), verb: event.verb ?? "", subresource: "proxy",
                kubeletPath: kubeletPath(event.requestURI, node: name), decision: decision,
                reason: event.annotations?.reason ?? "", code: event.responseStatus?.code,
                cluster: cluster, source: source)
        }
        return nil
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
        let u = uri.utf8
        let end = u.firstIndex(of: UInt8(ascii: "?")) ?? u.endIndex
        // Segments walked once, without splitting: the first `nodes`, two segments on `proxy`,
        // then the rest is the kubelet path.
        var index = 0
        var nodesAt: Int? = nil
        var segmentStart = u.startIndex
        var k = u.startIndex
        while true {
            if k == end || u[k] == UInt8(ascii: "/") {
                let segment = uri[segmentStart..<k].utf8
                if nodesAt == nil, segment.elementsEqual("nodes".utf8) { nodesAt = index }
                if let nodesAt, index == nodesAt + 2 {
                    guard segment.elementsEqual("proxy".utf8) else { return nil }
                    return "/" + String(uri[(k == end ? end : u.index(after: k))..<end])
                }
                if k == end { return nil }
                index += 1
                segmentStart = u.index(after: k)
            }
            k = u.index(after: k)
        }
    }
}
