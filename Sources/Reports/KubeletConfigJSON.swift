import Governance
import KubeJSON

/// The scan report's `kubeletConfig` member: per node, what was read and from where, with the
/// values the kubelet runs with (defaults applied) — or why it is not known.
enum KubeletConfigJSON {
    static func tree(_ a: KubeletConfigAssessment) -> JSONValue {
        .object([
            ("origin", .string(a.input.origin.rawValue)),
            ("location", .string(a.input.location)),
            ("nodes", .array(a.input.nodes.map(node))),
        ])
    }

    static func node(_ n: NodeKubeletConfig) -> JSONValue {
        var members: [(String, JSONValue)] = [("node", .string(n.node))]
        if let source = n.source { members.append(("source", .string(source))) }
        switch n.outcome {
        case .read(let written):
            let c = written.effective
            members += [
                ("status", .string("read")),
                ("authorizationMode", .string(c.authorizationMode)),
                ("anonymousEnabled", .bool(c.anonymousEnabled)),
                ("webhookAuthenticationEnabled", .bool(c.webhookAuthenticationEnabled)),
                ("readOnlyPort", .integer(c.readOnlyPort)),
                ("cacheAuthorizedTTL", .string(c.cacheAuthorizedTTL.description)),
                ("cacheUnauthorizedTTL", .string(c.cacheUnauthorizedTTL.description)),
                ("authenticationCacheTTL", .string(c.authenticationCacheTTL.description)),
            ]
        case .notRead(let reason): members += [("status", .string("notRead")), ("reason", .string(reason))]
        case .forbidden(let reason): members += [("status", .string("forbidden")), ("reason", .string(reason))]
        case .failed(let reason): members += [("status", .string("failed")), ("reason", .string(reason))]
        }
        return .object(members)
    }
}
