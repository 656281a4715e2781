import Foundation
import Governance

/// How `kubelet-authz serve` runs: what it listens on, how it authenticates callers, and
/// whether it enforces the register or only records what it would decide.
public struct ServerConfiguration: Sendable {
    public enum Mode: String, Sendable, CaseIterable {
        /// Always no opinion; the decision it would have made is recorded.
        case observe
        /// Denies kubelet checks the register does not approve; no opinion on the rest.
        case enforce
    }

    /// The certificate and key served, and the CA that client certificates must chain to.
    public struct TLSFiles: Sendable, Hashable {
        public var certificate: String
        public var privateKey: String
        /// nil: no client certificate is asked for.
        public var clientCA: String?

        public init(certificate: String, privateKey: String, clientCA: String? = nil) {
            self.certificate = certificate
            self.privateKey = privateKey
            self.clientCA = clientCA
        }
    }

    public var mode: Mode
    public var address: ListenAddress
    /// nil: plain HTTP (`--insecure-http`).
    public var tls: TLSFiles?
    /// The dashboard's own listener; nil: none.
    public var dashboardAddress: ListenAddress?
    /// Require dashboard clients to present a certificate signed by this CA, over TLS with
    /// `tls`'s certificate; nil: plain HTTP, on loopback only (`DashboardAccess`).
    public var dashboardClientCA: String?
    /// A plain-HTTP listener with only `/healthz`, `/readyz` and `/metrics`, for the kubelet's
    /// probes and Prometheus: they present no client certificate, which the webhook listener
    /// requires once `--client-ca-file` is given. nil: none.
    public var healthAddress: ListenAddress?
    /// How often the aggregated decisions are written to the store.
    public var decisionFlushInterval: Duration = .seconds(5)
    /// With a live cluster: how long the watched objects must stay unchanged before the policy
    /// is rebuilt from them, so that a burst of events rebuilds once.
    public var watchSettle: Duration = .seconds(1)
    /// How often the certificate and key files are checked for a change.
    public var certificateCheckInterval: Duration = .seconds(2)
    /// A SubjectAccessReview is a few hundred bytes; `extra` can add some. 1 MiB is generous
    /// and still bounded.
    public var authorizeBodyLimit = 1 << 20
    /// The API server's truncating backend splits batches above 10 MiB
    /// (`--audit-webhook-truncate-max-batch-size`, k8s.io/apiserver/pkg/server/options/audit.go
    /// `NewAuditTruncateOptions`) and says the serialized batch may be "several hundreds of
    /// bytes greater": 10 MiB plus 1 MiB of headroom is accepted, anything larger is 413.
    public var auditBodyLimit = (10 << 20) + (1 << 20)
    /// Audit batches being committed at once; one more is answered 429 with Retry-After (the
    /// API server retries it) rather than queued without bound.
    public var auditConcurrency = 4
    /// Reviews answered at once; one more is answered 429 with Retry-After (`ReviewAdmission`).
    public var authorizeConcurrency = 1024
    /// The `Retry-After` given with 429 and 503, in seconds.
    public var retryAfterSeconds = 1
    /// The audit webhook's batches are stored under this stream name.
    public var auditStream = "audit-webhook"
    /// Keep each event-loop thread on a CPU of its own (`EventLoopPinning`); off by default.
    public var pinEventLoops = false
    /// Now, in epoch seconds: reviews are judged by its UTC date (tests fix it).
    public var clock: @Sendable () -> Double = { Date().timeIntervalSince1970 }

    public init(mode: Mode = .observe, address: ListenAddress = ListenAddress(host: "127.0.0.1", port: 8443),
                tls: TLSFiles?, dashboardAddress: ListenAddress? = nil) {
        self.mode = mode
        self.address = address
        self.tls = tls
        self.dashboardAddress = dashboardAddress
    }
}
