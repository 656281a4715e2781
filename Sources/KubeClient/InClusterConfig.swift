import Foundation

/// The configuration a pod gets: `KUBERNETES_SERVICE_HOST`/`_PORT` and the ServiceAccount's
/// token, CA and namespace under `/var/run/secrets/kubernetes.io/serviceaccount`.
public struct InClusterConfig: Sendable, Equatable {
    public let server: String
    public let tokenFile: String
    public let certificateAuthority: String
    public let namespace: String?

    public static let defaultDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

    public static func load(environment: [String: String], directory: String = defaultDirectory,
                            exists: (String) -> Bool, read: (String) -> Data?) throws(KubeconfigError) -> InClusterConfig {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
              let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty else {
            throw KubeconfigError("not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set")
        }
        let token = directory + "/token", ca = directory + "/ca.crt"
        guard exists(token) else { throw KubeconfigError("in-cluster configuration: \(token) does not exist (is a ServiceAccount token mounted?)") }
        guard exists(ca) else { throw KubeconfigError("in-cluster configuration: \(ca) does not exist") }
        // An IPv6 host needs brackets in a URL.
        let hostPart = host.contains(":") ? "[\(host)]" : host
        let namespace = read(directory + "/namespace").map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
        return InClusterConfig(server: "https://\(hostPart):\(port)", tokenFile: token, certificateAuthority: ca,
                               namespace: namespace?.isEmpty == false ? namespace : nil)
    }
}
