/// What was learnt about one node's kubelet configuration, and from where.
public struct NodeKubeletConfig: Hashable, Sendable {
    public enum Outcome: Hashable, Sendable {
        /// Read from a file or from the kubelet's /configz.
        case read(KubeletConfiguration)
        /// Not read, on purpose: the kubelet is too old to check nodes/configz (it would check
        /// nodes/proxy), its release is unknown, or no file names the node.
        case notRead(String)
        /// The kubelet refused the tool's credentials (401) or its access (403).
        case forbidden(String)
        /// The kubelet could not be reached or answered something unreadable.
        case failed(String)
    }

    public var node: String
    public var outcome: Outcome
    /// The file, or `https://IP:PORT/configz`.
    public var source: String?

    public init(node: String, outcome: Outcome, source: String? = nil) {
        self.node = node
        self.outcome = outcome
        self.source = source
    }

    public var configuration: KubeletConfiguration? {
        if case .read(let c) = outcome { return c }
        return nil
    }
}
