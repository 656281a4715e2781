/// `kubelet-authz accept`: a finding (by fingerprint) accepted with a reason until a day,
/// on one cluster or on every cluster (`cluster` empty). Recording it again replaces it.
public struct RecordedAcceptance: Codable, Hashable, Sendable {
    public var fingerprint: String
    /// Empty: every cluster.
    public var cluster: String
    public var reason: String
    /// The last day it holds, `YYYY-MM-DD`.
    public var until: String
    /// Seconds since 1970.
    public var recordedAt: Double

    public init(fingerprint: String, cluster: String, reason: String, until: String, recordedAt: Double) {
        self.fingerprint = fingerprint
        self.cluster = cluster
        self.reason = reason
        self.until = until
        self.recordedAt = recordedAt
    }

    public func applies(to cluster: String) -> Bool { self.cluster.isEmpty || self.cluster == cluster }

    /// Whether it still holds on `day` (`YYYY-MM-DD`; such dates order as text).
    public func holds(on day: String) -> Bool { until >= day }
}
