/// One authorization decision about kubelet access, read from the API server's audit log.
public struct AuditRecord: Hashable, Sendable {
    public enum Path: String, Sendable, Codable {
        /// The kubelet's own SubjectAccessReview: the caller talked to the kubelet directly.
        case kubelet
        /// `/api/v1/nodes/<n>/proxy/...` through the API server.
        case apiserverProxy
    }

    public enum Decision: String, Sendable, Codable {
        case allow, deny, unknown
    }

    public var auditID: String
    public var path: Path
    /// Epoch seconds of `requestReceivedTimestamp` (0 if absent), and the text itself.
    public var time: Double
    public var timestamp: String
    public var level: String
    public var stage: String
    /// The caller; nil when the event was logged at Metadata level (kubelet reviews only).
    public var user: String?
    public var groups: [String]
    public var uid: String?
    public var podName: String?
    public var credentialID: String?
    public var node: String
    public var verb: String
    public var subresource: String
    /// The kubelet path (API-server proxy only; kubelet reviews never carry one).
    public var kubeletPath: String?
    public var decision: Decision
    public var reason: String
    public var code: Int?
    /// The cluster whose API server logged the event (several clusters can share one store);
    /// empty when the input did not say.
    public var cluster: String
    public var source: EvidenceSource

    public init(auditID: String, path: Path, time: Double, timestamp: String, level: String, stage: String, user: String?,
                groups: [String], uid: String?, podName: String?, credentialID: String?, node: String, verb: String,
                subresource: String, kubeletPath: String?, decision: Decision, reason: String, code: Int?,
                cluster: String, source: EvidenceSource) {
        self.auditID = auditID; self.path = path; self.time = time; self.timestamp = timestamp; self.level = level
        self.stage = stage; self.user = user; self.groups = groups; self.uid = uid; self.podName = podName
        self.credentialID = credentialID; self.node = node; self.verb = verb; self.subresource = subresource
        self.kubeletPath = kubeletPath; self.decision = decision; self.reason = reason; self.code = code
        self.cluster = cluster; self.source = source
    }

    /// One request, whatever stages were logged: the auditID alone is not enough, because a
    /// client can choose it (the API server honours an `Audit-ID` header), so the time the
    /// request was received, the node and the access path are part of it. The time comes
    /// first: a log's keys then mostly grow, and the database's key index takes them at its
    /// end instead of all over (random auditIDs first cost a rewrite of most of the index on
    /// every commit). The cluster comes last, and only when named, so that the keys of records
    /// without one are those schema v2 wrote.
    public var requestKey: String {
        Self.makeRequestKey(timestamp: timestamp, auditID: auditID, node: node, path: path, cluster: cluster)
    }

    /// `requestKey` from its parts: `records[i].requestKey` copies the whole record (a computed
    /// property needs it whole), passing `records[i].timestamp`, … does not.
    public static func makeRequestKey(timestamp: String, auditID: String, node: String, path: Path, cluster: String) -> String {
        let key = timestamp + "\u{1F}" + auditID + "\u{1F}" + node + "\u{1F}" + path.rawValue
        return cluster.isEmpty ? key : key + "\u{1F}" + cluster
    }

    /// `makeRequestKey`'s UTF-8, written over `bytes`: a store writing tens of thousands of
    /// rows reuses one buffer rather than joining four strings per row.
    public static func writeRequestKey(into bytes: inout [UInt8], timestamp: String, auditID: String, node: String, path: Path, cluster: String) {
        bytes.removeAll(keepingCapacity: true)
        bytes.append(contentsOf: timestamp.utf8)
        bytes.append(0x1F)
        bytes.append(contentsOf: auditID.utf8)
        bytes.append(0x1F)
        bytes.append(contentsOf: node.utf8)
        bytes.append(0x1F)
        bytes.append(contentsOf: path.rawValue.utf8)
        if !cluster.isEmpty {
            bytes.append(0x1F)
            bytes.append(contentsOf: cluster.utf8)
        }
    }

    /// Time order, then file order: the order the kubelet made its checks. Compares the cheap
    /// fields first (sorting tens of thousands of records).
    public static func precedes(_ a: AuditRecord, _ b: AuditRecord) -> Bool {
        if a.time != b.time { return a.time < b.time }
        if a.source != b.source { return a.source.precedes(b.source) }
        if a.auditID != b.auditID { return a.auditID < b.auditID }
        return a.cluster < b.cluster
    }

    /// How much the event tells: with both stages logged, the richer one is kept.
    public var richness: Int { Self.richnessOf(hasUser: user != nil, decision: decision, stage: stage) }

    /// `richness` from its parts (see `makeRequestKey(timestamp:…)` for why).
    public static func richnessOf(hasUser: Bool, decision: Decision, stage: String) -> Int {
        (hasUser ? 2 : 0) + (decision != .unknown ? 4 : 0) + (stage == "ResponseComplete" ? 1 : 0)
    }
}
