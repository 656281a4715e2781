import KubeletModel
import RBAC

/// Users and groups the authorization webhook never denies, whatever the register says: the
/// API server's own kubelet client (denying it breaks `kubectl exec`, `logs` and
/// `port-forward` cluster-wide), `system:nodes`, and `system:masters` — which the API server
/// allows before any webhook is asked, so listing it only keeps the record honest.
public struct NeverDenyList: Sendable, Hashable {
    public var users: Set<String>
    public var groups: Set<String>

    public init(users: Set<String> = [], groups: Set<String> = []) {
        self.users = users
        self.groups = groups
    }

    /// The default list, for the API server kubelet client named by `--apiserver-kubelet-client`.
    public static func defaults(apiServerKubeletClient: String = APIServerKubeletClient.kubeadmUser) -> NeverDenyList {
        NeverDenyList(users: [apiServerKubeletClient], groups: [UserInfo.mastersGroup, "system:nodes"])
    }

    /// A `--never-deny` value that is neither `user/NAME` nor `group/NAME`.
    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public let value: String
        public var description: String { "--never-deny \(goQuote(value)): expected user/NAME or group/NAME" }
    }

    /// Adds `user/NAME` or `group/NAME`.
    public mutating func add(_ entry: String) throws(ParseError) {
        guard let slash = entry.firstIndex(of: "/") else { throw ParseError(value: entry) }
        let kind = entry[..<slash], name = String(entry[entry.index(after: slash)...])
        guard !name.isEmpty else { throw ParseError(value: entry) }
        switch kind {
        case "user": users.insert(name)
        case "group": groups.insert(name)
        default: throw ParseError(value: entry)
        }
    }

    /// Why the subject is never denied (`user kube-apiserver-kubelet-client`), or nil.
    public func exemption(user: String, groups: [String]) -> String? {
        if users.contains(user) { return "user \(user)" }
        if let g = groups.first(where: { self.groups.contains($0) }) { return "group \(g)" }
        return nil
    }
}
