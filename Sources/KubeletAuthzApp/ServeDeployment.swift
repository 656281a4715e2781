import Governance
import KubeletModel

/// What `serve --print-config` is asked for: where the API server reaches the webhook, the
/// mode, and the few choices a deployer makes. Validated by `ServeDeploymentRenderer.render`,
/// which names the field it refuses.
public struct ServeDeploymentOptions: Sendable, Hashable {
    public enum Mode: String, Sendable, CaseIterable {
        /// Always no opinion (the verdicts are only recorded); failurePolicy NoOpinion.
        case observe
        /// Deny unapproved kubelet checks; failurePolicy Deny.
        case enforce
    }

    /// Where the server runs. The API server resolves the webhook URL with its host's DNS,
    /// not the cluster's, so a Service name never works: either loopback on every
    /// control-plane node, or a Service's fixed ClusterIP given as an address.
    public enum Shape: Sendable, Hashable {
        /// A hostNetwork DaemonSet on the control-plane nodes, listening on `address`
        /// (127.0.0.1 by default): each API server calls the instance on its own node.
        case hostNetwork
        /// A Deployment behind a ClusterIP Service whose `spec.clusterIP` is pinned to
        /// `serviceIP` (inside the service CIDR), which the webhook URL then names.
        case clusterIP(serviceIP: String)
    }

    /// `host:port` (`[v6]:port`) the server listens on; with `.hostNetwork` also what the API
    /// server calls (a wildcard host is called on loopback).
    public var address: String
    public var mode: Mode
    public var namespace: String
    public var image: String
    /// The user the API server calls kubelets as (`--apiserver-kubelet-client`): excluded by
    /// the match conditions, so `kubectl exec` and `logs` never wait on the webhook.
    public var apiServerKubeletClient: String
    public var timeout: GoDuration
    public var authorizedTTL: GoDuration
    public var unauthorizedTTL: GoDuration
    public var cacheAuthorizedRequests: Bool
    public var cacheUnauthorizedRequests: Bool
    public var shape: Shape
    /// The directory on each control-plane node holding the API server's files and the
    /// certificates (mounted into the kube-apiserver static pod and the DaemonSet).
    public var hostDirectory: String
    /// The port of the plain-HTTP health listener (`serve --health-address`, same host as the
    /// webhook): the kubelet's probes present no client certificate, which the webhook
    /// listener requires.
    public var healthPort: Int

    public init(address: String = "127.0.0.1:8443", mode: Mode = .observe, namespace: String = "kubelet-authz",
                image: String = "kubelet-authz:latest", apiServerKubeletClient: String = APIServerKubeletClient.kubeadmUser,
                timeout: GoDuration = .seconds(3), authorizedTTL: GoDuration = .minutes(5), unauthorizedTTL: GoDuration = .seconds(30),
                cacheAuthorizedRequests: Bool = true, cacheUnauthorizedRequests: Bool = true, shape: Shape = .hostNetwork,
                hostDirectory: String = "/etc/kubernetes/kubelet-authz", healthPort: Int = 8081) {
        self.address = address
        self.mode = mode
        self.namespace = namespace
        self.image = image
        self.apiServerKubeletClient = apiServerKubeletClient
        self.timeout = timeout
        self.authorizedTTL = authorizedTTL
        self.unauthorizedTTL = unauthorizedTTL
        self.cacheAuthorizedRequests = cacheAuthorizedRequests
        self.cacheUnauthorizedRequests = cacheUnauthorizedRequests
        self.shape = shape
        self.hostDirectory = hostDirectory
        self.healthPort = healthPort
    }
}

/// An option `serve --print-config` cannot render, naming the option.
public struct ServeDeploymentError: Error, Sendable, Hashable, CustomStringConvertible {
    public let field: String
    public let message: String
    public var description: String { "\(field): \(message)" }
}

/// One file a deployer installs: its name (in `--print-config-dir`), what it is for (the
/// comment header) and its text.
public struct ServeArtefact: Sendable, Hashable {
    public enum Format: String, Sendable { case yaml, shell, text }
    public let fileName: String
    public let format: Format
    /// Comment lines without their `# `.
    public let header: [String]
    public let body: String

    /// The file as written to a directory: the header as `#` comments above the body (after
    /// the `#!` line of a script).
    public var fileText: String {
        let comments = header.map { $0.isEmpty ? "#" : "# " + $0 }.joined(separator: "\n") + "\n"
        if format == .shell, body.hasPrefix("#!") {
            let shebang = body.prefix { $0 != "\n" }
            return shebang + "\n" + comments + body.dropFirst(shebang.count + 1)
        }
        return comments + body
    }
}

/// Renders every artefact a deployer needs to put `kubelet-authz serve` behind a real
/// kube-apiserver. Values in, text out: writing files or stdout is the command's business.
public enum ServeDeploymentRenderer {
    /// The artefacts in installation order: certificates, the API server's files and flags,
    /// then the workload.
    public static func render(_ options: ServeDeploymentOptions) throws(ServeDeploymentError) -> [ServeArtefact] {
        let o = try ServeDeploymentPlan(options)
        return [
            ServeCertificateRecipe.artefact(o),
            ServeAuthorizationConfig.artefact(o),
            ServeKubeconfigs.authorizationWebhook(o),
            ServeAuditPolicyRules.artefact(o),
            ServeKubeconfigs.auditWebhook(o),
            ServeAPIServerFlags.artefact(o),
            ServeWorkload.artefact(o),
        ]
    }

    /// The artefacts as one multi-document YAML stream (stdout): each opens with `---` and
    /// its file name; a script or flag list is carried as comments, so the stream stays YAML.
    public static func stream(_ artefacts: [ServeArtefact]) -> String {
        artefacts.map { a in
            var text = "---\n# \(a.fileName)\n#\n" + a.header.map { $0.isEmpty ? "#" : "# " + $0 }.joined(separator: "\n") + "\n"
            switch a.format {
            case .yaml:
                // Documents inside an artefact keep their own separators.
                text += a.body
            case .shell, .text:
                text += a.body.split(separator: "\n", omittingEmptySubsequences: false).dropLast(a.body.hasSuffix("\n") ? 1 : 0)
                    .map { $0.isEmpty ? "#" : "#   " + $0 }.joined(separator: "\n") + "\n"
            }
            return text
        }.joined()
    }
}
