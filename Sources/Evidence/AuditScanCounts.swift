/// What reading audit input found: lines, events, the kubelet-access events among them, and
/// malformed lines.
public struct AuditScanCounts: Sendable, Equatable {
    public var lines = 0
    public var events = 0
    public var candidates = 0
    public var kubeletReviews = 0
    public var nodeProxy = 0
    public var malformed = 0
    public var bytes = 0

    public init() {}

    public mutating func add(_ o: AuditScanCounts) {
        lines += o.lines; events += o.events; candidates += o.candidates; kubeletReviews += o.kubeletReviews
        nodeProxy += o.nodeProxy; malformed += o.malformed; bytes += o.bytes
    }
}
