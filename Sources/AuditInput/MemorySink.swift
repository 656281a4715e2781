import Evidence

/// An `AuditSink` that keeps everything in memory (no `--db`).
public final class MemorySink: AuditSink {
    public let store = MemoryAuditStore()

    public init() {}

    public var resumesFiles: Bool { false }

    public func resumePoint(for source: AuditSource, identity: String) throws -> AuditResume { .start }

    public func commit(source: AuditSource, identity: String, records: consuming [AuditRecord], malformed: [MalformedLine],
                       checkpoint: (offset: Int, line: Int), counts: AuditScanCounts, complete: Bool) throws {
        store.add(records: consume records, malformed: malformed, counts: counts)
    }
}
