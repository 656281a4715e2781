/// Who used which kubelet permission, on which node, how often — allowed and denied.
public struct UsageRow: Hashable, Sendable {
    public struct Key: Hashable, Sendable, Comparable {
        public let subjectKind: String
        public let subjectName: String
        public let subjectNamespace: String
        public let path: AuditRecord.Path
        public let node: String
        public let subresource: String
        public let verb: String

        public static func < (a: Key, b: Key) -> Bool {
            if a.subjectKind != b.subjectKind { return a.subjectKind < b.subjectKind }
            if a.subjectNamespace != b.subjectNamespace { return a.subjectNamespace < b.subjectNamespace }
            if a.subjectName != b.subjectName { return a.subjectName < b.subjectName }
            if a.path != b.path { return a.path.rawValue < b.path.rawValue }
            if a.node != b.node { return a.node < b.node }
            if a.subresource != b.subresource { return a.subresource < b.subresource }
            return a.verb < b.verb
        }
    }

    public let key: Key
    public var allowed = 0
    public var denied = 0
    public var unknown = 0
    public var firstSeen: Double
    public var lastSeen: Double
    public var lastAllowed: Double?
    /// Allowed uses that passed only through the `nodes/proxy` fallback after a denied
    /// fine-grained check, by the fine-grained subresource that was missing.
    public var fallbackFor: [String: Int] = [:]
    /// Groups the caller carried (from the review), for attributing use to Group subjects.
    public var groups: Set<String> = []
    /// API-server proxy: the kubelet paths requested.
    public var kubeletPaths: Set<String> = []
    /// Denied fine-grained checks whose request then passed through `nodes/proxy`: paired with
    /// a proxy allow within a second, or answered by a proxy allow the kubelet still had cached
    /// (5 minutes by default), which leaves no review of its own.
    public var deniedButPassedViaProxy = 0

    /// Denials that really stopped the caller.
    public var effectiveDenied: Int { denied - deniedButPassedViaProxy }

    public var onlyViaFallback: Bool { Self.isOnlyViaFallback(allowed: allowed, fallbackFor: fallbackFor) }

    /// `onlyViaFallback` from the row's fields: reading a computed property of `rows[i]` copies
    /// the row (its strings and collections retained), passing `rows[i].allowed`, … does not.
    public static func isOnlyViaFallback(allowed: Int, fallbackFor: [String: Int]) -> Bool {
        allowed > 0 && fallbackFor.values.reduce(0, +) == allowed
    }
}
