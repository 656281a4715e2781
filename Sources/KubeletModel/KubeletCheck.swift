/// One authorization check the kubelet sends for a request: `verb` on `nodes/<subresource>`
/// named after the node. The kubelet tries its checks in order and stops at the first allow.
public struct KubeletCheck: Hashable, Sendable, Codable {
    public let verb: String
    public let resource: String
    public let subresource: String

    public init(verb: String, subresource: String) {
        self.verb = verb
        self.resource = "nodes"
        self.subresource = subresource
    }
}
