import Foundation

/// Who may read the dashboard. It shows who can exec where, so it is served either on a
/// loopback address only (plain HTTP: only this host's users reach it), or with client
/// certificates required: HTTPS with the webhooks' own certificate, and a certificate signed by
/// `--dashboard-client-ca-file` asked of every client. A dashboard on any other address without
/// that is refused before anything listens. The webhook listener never serves it.
public enum DashboardAccess: Sendable, Equatable {
    case loopbackOnly
    case clientCertificates(ca: String)

    public struct Refusal: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// How the configured dashboard is protected; nil when there is no dashboard.
    public static func decide(_ c: ServerConfiguration) throws(Refusal) -> DashboardAccess? {
        guard let address = c.dashboardAddress else {
            if c.dashboardClientCA != nil { throw Refusal(description: "--dashboard-client-ca-file needs --dashboard-address: there is no dashboard to protect") }
            return nil
        }
        if let ca = c.dashboardClientCA {
            guard c.tls != nil else {
                throw Refusal(description: "--dashboard-client-ca-file needs TLS: the dashboard serves the webhooks' certificate, so give --tls-cert-file and --tls-private-key-file, not --insecure-http")
            }
            guard FileManager.default.fileExists(atPath: ca) else { throw Refusal(description: "--dashboard-client-ca-file \(ca): the file does not exist") }
            return .clientCertificates(ca: ca)
        }
        guard address.isLoopback else {
            throw Refusal(description: "--dashboard-address \(address) is not a loopback address, and the dashboard shows who can exec where: "
                + "listen on 127.0.0.1 (or [::1]), or give --dashboard-client-ca-file to require client certificates signed by that CA")
        }
        return .loopbackOnly
    }

    /// The TLS files of the dashboard listener: the webhooks' certificate and key, with the
    /// dashboard's client CA; nil for plain HTTP.
    public func tls(_ c: ServerConfiguration) -> ServerConfiguration.TLSFiles? {
        guard case .clientCertificates(let ca) = self, let files = c.tls else { return nil }
        return ServerConfiguration.TLSFiles(certificate: files.certificate, privateKey: files.privateKey, clientCA: ca)
    }
}

extension ListenAddress {
    /// Only this host can connect: `localhost`, 127.0.0.0/8, `::1` (or an IPv4-mapped
    /// 127.x address). The wildcards `0.0.0.0` and `::` listen on every interface.
    public var isLoopback: Bool {
        if host.lowercased() == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return UInt32(bigEndian: v4.s_addr) >> 24 == 127 }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, host, &v6) == 1 else { return false }
        let bytes = withUnsafeBytes(of: v6) { Array($0) }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return true }
        // ::ffff:a.b.c.d
        return bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF && bytes[12] == 127
    }
}
