import RBAC

/// The settings of a KubeletConfiguration (kubelet.config.k8s.io/v1beta1) that decide whether
/// the kubelet delegates to RBAC on `nodes/*`, as written: nil where the input leaves a field
/// out. `effective` applies the kubelet's own defaults.
public struct KubeletConfiguration: Hashable, Sendable {
    /// `authorization.mode`: `Webhook` (a SubjectAccessReview per request) or `AlwaysAllow`.
    public var authorizationMode: String?
    public var cacheAuthorizedTTL: GoDuration?
    public var cacheUnauthorizedTTL: GoDuration?
    public var anonymousEnabled: Bool?
    public var webhookAuthenticationEnabled: Bool?
    /// `authentication.webhook.cacheTTL`: how long a TokenReview answer is kept.
    public var authenticationCacheTTL: GoDuration?
    public var readOnlyPort: Int?
    /// The line each field was read from, by its path (`readOnlyPort`, `authorization.mode`),
    /// so that a finding points at the setting, not only the file.
    public var lines: [String: Int] = [:]

    public init(authorizationMode: String? = nil, cacheAuthorizedTTL: GoDuration? = nil, cacheUnauthorizedTTL: GoDuration? = nil,
                anonymousEnabled: Bool? = nil, webhookAuthenticationEnabled: Bool? = nil, authenticationCacheTTL: GoDuration? = nil,
                readOnlyPort: Int? = nil) {
        self.authorizationMode = authorizationMode
        self.cacheAuthorizedTTL = cacheAuthorizedTTL
        self.cacheUnauthorizedTTL = cacheUnauthorizedTTL
        self.anonymousEnabled = anonymousEnabled
        self.webhookAuthenticationEnabled = webhookAuthenticationEnabled
        self.authenticationCacheTTL = authenticationCacheTTL
        self.readOnlyPort = readOnlyPort
    }

    /// The values the kubelet runs with. These are the config file's defaults
    /// (SetDefaults_KubeletConfiguration in pkg/kubelet/apis/config/v1beta1/defaults.go), not
    /// the command-line flags' (whose --read-only-port once defaulted to 10255): a missing
    /// readOnlyPort is 0, and a duration of zero — `0s`, as kubeadm writes — is replaced by the
    /// default, so `0s` never turns the cache off.
    public var effective: Effective {
        func ttl(_ d: GoDuration?, _ fallback: GoDuration) -> GoDuration { d.flatMap { $0 == .zero ? nil : $0 } ?? fallback }
        return Effective(authorizationMode: authorizationMode.flatMap { $0.isEmpty ? nil : $0 } ?? Self.webhookMode,
                         cacheAuthorizedTTL: ttl(cacheAuthorizedTTL, .minutes(5)),
                         cacheUnauthorizedTTL: ttl(cacheUnauthorizedTTL, .seconds(30)),
                         anonymousEnabled: anonymousEnabled ?? false,
                         webhookAuthenticationEnabled: webhookAuthenticationEnabled ?? true,
                         authenticationCacheTTL: ttl(authenticationCacheTTL, .minutes(2)),
                         readOnlyPort: readOnlyPort ?? 0)
    }

    public static let webhookMode = "Webhook"
    public static let alwaysAllowMode = "AlwaysAllow"
    public static let defaultCacheAuthorizedTTL = GoDuration.minutes(5)

    public struct Effective: Hashable, Sendable {
        public var authorizationMode: String
        public var cacheAuthorizedTTL: GoDuration
        public var cacheUnauthorizedTTL: GoDuration
        public var anonymousEnabled: Bool
        public var webhookAuthenticationEnabled: Bool
        public var authenticationCacheTTL: GoDuration
        public var readOnlyPort: Int
    }
}
