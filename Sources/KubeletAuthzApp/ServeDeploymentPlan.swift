import Governance

/// The options checked and worked out once: the URL the API server calls, what the server
/// listens on, and where every file lives on a control-plane node. Every value that reaches
/// YAML, CEL or a shell line passes a character check here, so nothing is escaped later.
struct ServeDeploymentPlan: Sendable {
    let options: ServeDeploymentOptions
    /// The host in the webhook URL and in the server certificate's subjectAltName.
    let urlHost: String
    let port: Int
    /// What the container's `--address` says.
    let listenAddress: String
    let hostIsIP: Bool

    var mode: ServeDeploymentOptions.Mode { options.mode }
    var namespace: String { options.namespace }
    /// What the container's `--health-address` says: the webhook's host, the health port.
    var healthListenAddress: String {
        let host = listenAddress.hasPrefix("[") ? String(listenAddress[...listenAddress.firstIndex(of: "]")!])
            : String(listenAddress[..<(listenAddress.lastIndex(of: ":") ?? listenAddress.endIndex)])
        return "\(host):\(options.healthPort)"
    }
    var baseURL: String { "https://\(urlHost.contains(":") ? "[\(urlHost)]" : urlHost):\(port)" }
    var authorizeURL: String { baseURL + "/authorize" }
    var auditURL: String { baseURL + "/audit" }

    // Files on the control-plane node: the API server mounts the whole directory, the
    // DaemonSet only `serve/`, so the API server's client key never enters the pod.
    var dir: String { options.hostDirectory }
    var authorizationConfigPath: String { dir + "/authorization-config.yaml" }
    var authorizationKubeconfigPath: String { dir + "/authorization-webhook.kubeconfig" }
    var auditKubeconfigPath: String { dir + "/audit-webhook.kubeconfig" }
    var auditPolicyPath: String { dir + "/audit-policy.yaml" }
    var pkiDir: String { dir + "/pki" }
    var serveDir: String { dir + "/serve" }
    /// The identity the server process runs as: the image's user (Dockerfile `USER 10001`),
    /// which must own the server's key on the host.
    static let runAsUser = 10001
    /// The evidence database's directory on the node (hostPath), owned by `runAsUser`.
    static let storeDirectory = "/var/lib/kubelet-authz"
    static let workloadName = "kubelet-authz-serve"
    static let webhookName = "kubelet-authz"

    init(_ o: ServeDeploymentOptions) throws(ServeDeploymentError) {
        options = o
        let (host, port) = try Self.split(o.address)
        self.port = port
        switch o.shape {
        case .hostNetwork:
            // A wildcard listener is reached on loopback; the certificate names what is called.
            urlHost = host == "0.0.0.0" ? "127.0.0.1" : host == "::" ? "::1" : host
            listenAddress = o.address
        case .clusterIP(let serviceIP):
            guard Self.isIPv4(serviceIP) || Self.isIPv6(serviceIP) else {
                throw ServeDeploymentError(field: "serviceIP", message: "\"\(serviceIP)\" is not an IP address: the API server cannot resolve a Service name (it uses its host's DNS), so the webhook URL needs the Service's fixed ClusterIP")
            }
            urlHost = serviceIP
            // Inside a pod, loopback is unreachable from the Service.
            listenAddress = "0.0.0.0:\(port)"
        }
        hostIsIP = Self.isIPv4(urlHost) || Self.isIPv6(urlHost)
        guard (1...65535).contains(o.healthPort), o.healthPort != port else {
            throw ServeDeploymentError(field: "health-address", message: "port \(o.healthPort) must be 1-65535 and not the webhook's port \(port)")
        }
        try Self.check(o.namespace, field: "namespace", Self.isDNSLabel, "a DNS-1123 label (lower-case letters, digits and '-', at most 63)")
        try Self.check(o.image, field: "image", { !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "./:@_-".contains($0)) } },
                       "an image reference (letters, digits and . / : @ _ -)")
        try Self.check(o.apiServerKubeletClient, field: "apiserver-kubelet-client", { !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || ":._@-".contains($0)) } },
                       "a user name of letters, digits and : . _ @ -")
        try Self.check(o.hostDirectory, field: "host-directory", { $0.hasPrefix("/") && $0.count > 1 && !$0.hasSuffix("/") && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "/._-".contains($0)) } },
                       "an absolute path of letters, digits and / . _ - (no trailing /)")
        // staging/src/k8s.io/apiserver/pkg/apis/apiserver/v1/types.go (WebhookConfiguration):
        // the timeout is required and at most 30s; a TTL of 0 means the default (5m, 30s).
        guard o.timeout > .zero, o.timeout <= .seconds(30) else {
            throw ServeDeploymentError(field: "timeout", message: "\(o.timeout) is outside (0s, 30s], the API server's limit for an authorization webhook")
        }
        for (field, ttl) in [("authorizedTTL", o.authorizedTTL), ("unauthorizedTTL", o.unauthorizedTTL)] where ttl < .zero {
            throw ServeDeploymentError(field: field, message: "\(ttl) is negative")
        }
    }

    static func split(_ address: String) throws(ServeDeploymentError) -> (String, Int) {
        let fail = ServeDeploymentError(field: "address", message: "\"\(address)\" is not HOST:PORT (an IPv4 address, a host name or [IPv6], and a port 1-65535)")
        var host: Substring, portText: Substring
        if address.hasPrefix("[") {
            guard let close = address.firstIndex(of: "]"), address[address.index(after: close)...].hasPrefix(":") else { throw fail }
            host = address[address.index(after: address.startIndex)..<close]
            portText = address[address.index(close, offsetBy: 2)...]
            guard isIPv6(String(host)) else { throw fail }
        } else {
            guard let colon = address.lastIndex(of: ":") else { throw fail }
            host = address[..<colon]
            portText = address[address.index(after: colon)...]
            guard isIPv4(String(host)) || isDNSName(String(host)) else { throw fail }
        }
        guard let port = Int(portText), (1...65535).contains(port), portText.allSatisfy(\.isASCII) else { throw fail }
        return (String(host), port)
    }

    static func check(_ value: String, field: String, _ ok: (String) -> Bool, _ what: String) throws(ServeDeploymentError) {
        guard ok(value) else { throw ServeDeploymentError(field: field, message: "\"\(value)\" is not \(what)") }
    }

    static func isIPv4(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCII) && Int($0).map { $0 <= 255 } == true }
    }

    static func isIPv6(_ s: String) -> Bool {
        s.contains(":") && s.count <= 45 && s.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
            && s.components(separatedBy: "::").count <= 2
    }

    static func isDNSLabel(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 63 && s.first != "-" && s.last != "-"
            && s.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
    }

    static func isDNSName(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 253 && s.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isDNSLabel(String($0)) }
    }
}
