import KubeletModel

/// One authorization check named the way RBAC rules and kubectl users name it — `get
/// nodes/proxy` — instead of by the request that makes a kubelet send it. `nodes/SUB` is RBAC's
/// resource/subresource notation (a rule's `resources: [nodes/proxy]`), not `kubectl auth
/// can-i`'s resource/name: the node is named with `node`.
public struct KubeletPermission: Sendable, Hashable {
    public let check: KubeletCheck
    /// The node whose kubelet checks it; nil is an unnamed check, where grants pinned by
    /// `resourceNames` do not count.
    public let node: String?
    public let profile: KubeletProfile

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case verb(String)
        case upperCaseVerb(String, resource: String)
        case resource(String)
        case subresource(String)
        case namedNode(subresource: String, node: String)

        public var description: String {
            let verbs = HTTPVerbMapping.verbs.joined(separator: ", ")
            let subresources = KubeletSubresource.names.map { "nodes/" + $0 }.joined(separator: ", ")
            switch self {
            case .verb(let v):
                return "verb \"\(v)\": a kubelet only ever checks \(verbs) (from POST, GET, PUT, PATCH, DELETE)"
            case .upperCaseVerb(let v, let resource):
                return "verb \"\(v)\": RBAC verbs are lower case — did you mean \(v.lowercased()) \(resource)? (\(v) /PATH is the request form)"
            case .resource(let r):
                return "\"\(r)\": a kubelet checks nodes/<subresource>: \(subresources)"
            case .subresource(let s):
                return "nodes/\(s): no kubelet checks this subresource; the known ones are \(subresources)"
            case .namedNode(let s, let node):
                return "nodes/\(s)/\(node): name the node with --node \(node) (nodes/\(s) is the permission)"
            }
        }
    }

    public init(verb: String, resource: String, node: String? = nil, profile: KubeletProfile) throws(ParseError) {
        let parts = resource.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, parts[0] == "nodes", !parts[1].isEmpty else { throw .resource(resource) }
        if HTTPVerbMapping.mappedMethods.contains(verb) { throw .upperCaseVerb(verb, resource: "nodes/" + parts[1]) }
        guard HTTPVerbMapping.verbs.contains(verb) else { throw .verb(verb) }
        guard KubeletSubresource(rawValue: parts[1]) != nil else { throw .subresource(parts[1]) }
        guard parts.count == 2 else { throw .namedNode(subresource: parts[1], node: parts[2...].joined(separator: "/")) }
        self.check = KubeletCheck(verb: verb, subresource: parts[1])
        self.node = node
        self.profile = profile
    }

    public var subresource: KubeletSubresource { KubeletSubresource(rawValue: check.subresource)! }

    /// The kubelet paths whose checks include this subresource on this release: what the
    /// permission opens (with the verbs their methods map to).
    public var paths: [String] { KubeletVocabulary(profile: profile).patterns(reaching: subresource) }

    /// What to know beside the answer: a subresource this release never checks, and the
    /// profile's own warnings.
    public var warnings: [String] {
        var out: [String] = []
        if paths.isEmpty {
            out.append("kubelets of Kubernetes \(profile.version) (KubeletFineGrainedAuthz=\(profile.fineGrainedAuthz)) never check nodes/\(check.subresource): holding it opens no kubelet path")
        }
        return out + profile.warnings
    }
}
