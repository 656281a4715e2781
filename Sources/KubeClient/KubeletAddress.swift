import Foundation

/// Where a node's kubelet listens, from the Node object the API server lists: its InternalIP
/// and `status.daemonEndpoints.kubeletEndpoint.Port`. Read from the raw pages of the node list,
/// which the cluster snapshot does not keep.
public struct KubeletAddress: Sendable, Hashable {
    public var node: String
    public var internalIP: String?
    public var port: Int?
    /// `status.nodeInfo.kubeletVersion`.
    public var kubeletVersion: String?

    public init(node: String, internalIP: String?, port: Int?, kubeletVersion: String?) {
        self.node = node
        self.internalIP = internalIP
        self.port = port
        self.kubeletVersion = kubeletVersion
    }

    /// The kubelet's default port, for a Node that reports none.
    public static let defaultPort = 10250

    /// `https://IP:PORT`, IPv6 addresses in brackets.
    public var baseURL: String? {
        guard let ip = internalIP else { return nil }
        let host = ip.contains(":") ? "[\(ip)]" : ip
        return "https://\(host):\(port ?? Self.defaultPort)"
    }

    struct NodeListWire: Decodable {
        struct Item: Decodable {
            struct Meta: Decodable { var name: String? }
            struct Status: Decodable {
                struct Address: Decodable { var type: String?; var address: String? }
                struct Daemon: Decodable {
                    struct Endpoint: Decodable { var Port: Int? }
                    var kubeletEndpoint: Endpoint?
                }
                struct Info: Decodable { var kubeletVersion: String? }
                var addresses: [Address]?
                var daemonEndpoints: Daemon?
                var nodeInfo: Info?
            }
            var metadata: Meta?
            var status: Status?
        }
        var items: [Item]?
    }

    /// Every node of the pages of `GET /api/v1/nodes`; pages that are not node lists give none
    /// (the snapshot's reader has already refused them).
    public static func fromNodeList(_ pages: [Data]) -> [KubeletAddress] {
        pages.flatMap { page -> [KubeletAddress] in
            let items = (try? JSONDecoder().decode(NodeListWire.self, from: page))?.items ?? []
            return items.compactMap { item in
                guard let name = item.metadata?.name else { return nil }
                let ip = item.status?.addresses?.first { $0.type == "InternalIP" }?.address
                let port = item.status?.daemonEndpoints?.kubeletEndpoint?.Port
                return KubeletAddress(node: name, internalIP: ip, port: port == 0 ? nil : port, kubeletVersion: item.status?.nodeInfo?.kubeletVersion)
            }
        }
    }
}
