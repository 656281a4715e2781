/// What the authorization webhook decided (or, in observe mode, would have decided) for one
/// kind of kubelet check, aggregated: reviews are counted, never stored one by one — a row per
/// review could not keep up with the API server's rate.
public struct AuthorizationDecision: Hashable, Sendable {
    /// The decision the webhook made or would have made.
    public enum Verdict: String, Sendable, Hashable, CaseIterable {
        /// `status.denied: true`: the register does not approve the subject's check.
        case deny
        /// Neither allowed nor denied: RBAC decides.
        case noOpinion = "no-opinion"
    }

    /// What the aggregate is counted by.
    public struct Key: Hashable, Sendable {
        /// The SubjectAccessReview's `spec.user`.
        public var user: String
        public var node: String
        public var subresource: String
        public var verb: String
        /// `observe` or `enforce`: whether the verdict was given or only recorded.
        public var mode: String
        public var verdict: Verdict
        /// The cluster whose API server asked (`serve --cluster`, else its kube-system UID);
        /// empty when the server was given none. One database keeps a fleet's decisions apart.
        public var cluster: String

        public init(user: String, node: String, subresource: String, verb: String, mode: String, verdict: Verdict, cluster: String = "") {
            self.cluster = cluster
            self.user = user
            self.node = node
            self.subresource = subresource
            self.verb = verb
            self.mode = mode
            self.verdict = verdict
        }
    }

    public var key: Key
    public var count: Int
    /// Epoch seconds.
    public var firstSeen: Double
    public var lastSeen: Double

    public init(key: Key, count: Int, firstSeen: Double, lastSeen: Double) {
        self.key = key
        self.count = count
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }

    /// Another aggregate of the same key folded in.
    public mutating func merge(_ other: AuthorizationDecision) {
        count += other.count
        firstSeen = min(firstSeen, other.firstSeen)
        lastSeen = max(lastSeen, other.lastSeen)
    }
}
