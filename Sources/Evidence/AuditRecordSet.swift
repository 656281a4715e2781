/// Records keyed by request (`AuditRecord.requestKey`): an event logged at two stages
/// (RequestReceived and ResponseComplete, or ResponseStarted and ResponseComplete) counts once,
/// as its richer copy.
public struct AuditRecordSet: Sendable {
    public private(set) var byID: [String: AuditRecord] = [:]
    public private(set) var duplicates = 0

    public init() {}

    public mutating func add(_ r: AuditRecord) {
        let key = r.requestKey
        if let existing = byID[key] {
            duplicates += 1
            if r.richness > existing.richness { byID[key] = r }
        } else {
            byID[key] = r
        }
    }

    public mutating func add<S: Sequence>(contentsOf rs: S) where S.Element == AuditRecord { for r in rs { add(r) } }

    /// In time order (then file order), as the kubelet made the checks.
    public var ordered: [AuditRecord] {
        // Sort positions, not the records: moving a record copies a dozen strings.
        let values = Array(byID.values)
        return values.indices.sorted { AuditRecord.precedes(values[$0], values[$1]) }.map { values[$0] }
    }

    public var count: Int { byID.count }
}
