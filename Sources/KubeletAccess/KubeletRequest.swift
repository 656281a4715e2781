import KubeletModel

/// A request to one kubelet, as a client would send it, with the kubelet it goes to.
public struct KubeletRequest: Sendable, Hashable {
    public let method: String
    public let path: KubeletRequestPath
    /// The node whose kubelet answers; `nil` asks about any node (an unnamed check: only
    /// grants without `resourceNames` count, as with `kubectl auth can-i` without a name).
    public let node: String?
    public let profile: KubeletProfile

    public init(method: String, path: KubeletRequestPath, node: String? = nil, profile: KubeletProfile) {
        self.method = method
        self.path = path
        self.node = node
        self.profile = profile
    }

    public var verb: String { HTTPVerbMapping.verb(forMethod: method) }
    public var checks: [KubeletCheck] { KubeletAttributeMapper.checks(method: method, path: path.decodedPath, profile: profile) }
    public var routing: KubeletRouting { KubeletRouter.route(method: method, path: path, profile: profile) }
    public var endpoint: KubeletEndpoint? { KubeletEndpointCatalogue.endpoint(forPath: path.decodedPath) }
}
