/// The kubelet configurations a scan judges: from `kubelet-config/` files, or read live.
public struct KubeletConfigInput: Hashable, Sendable {
    public enum Origin: String, Sendable { case files, live }
    public var origin: Origin
    /// Where the files were (a directory), or the API server whose nodes were asked.
    public var location: String
    public var nodes: [NodeKubeletConfig]

    public init(origin: Origin, location: String, nodes: [NodeKubeletConfig]) {
        self.origin = origin
        self.location = location
        self.nodes = nodes
    }
}
