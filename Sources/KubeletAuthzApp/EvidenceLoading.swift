import AuditInput
import Evidence
import Foundation
import Store

/// Audit evidence as every front needs it: the given logs ingested into a store (the SQLite
/// database, or memory), and the report built from what the store then holds.
public struct EvidenceLoading {
    public enum StoreChoice: Sendable, Equatable {
        case memory
        case sqlite(path: String)
    }

    public struct Result: Sendable {
        public let report: EvidenceReport
        /// The inputs read, as named in reports.
        public let inputs: [String]
        /// Files a checkpoint said were read already, and files resumed past their checkpoint.
        public let skippedFiles: [String]
        public let resumed: [String]
        /// What this run read (not what the store held before).
        public let readCounts: AuditScanCounts
        /// Everything the store holds evidence from, these inputs and earlier ones.
        public let storeInputs: [String]
        /// What the store held evidence from besides these inputs (their canonical paths, and
        /// stdin batches).
        public let earlierInputs: [String]
    }

    public var logs: [String]
    public var store: StoreChoice
    public var since: Double?
    public var policy: AuditPolicy?
    /// Standard input's bytes when the caller holds them already (tests, the server); nil
    /// means the process's own stdin is streamed for `-`.
    public var stdin: Data?
    public var blockSize = 8 << 20

    public init(logs: [String], store: StoreChoice, since: Double? = nil, policy: AuditPolicy? = nil, stdin: Data? = nil) {
        self.logs = logs
        self.store = store
        self.since = since
        self.policy = policy
        self.stdin = stdin
    }

    /// - Parameter ingested: called after ingesting and before reading back, for timings.
    public func load(progress: @escaping @Sendable (AuditProgress) -> Void = { _ in }, ingested: () -> Void = {}) throws(InputError) -> Result {
        let sources: [AuditSource]
        do { sources = try AuditSource.resolve(logs) } catch { throw InputError(error.description) }
        if sources.isEmpty && store == .memory {
            throw InputError("no audit input: give LOG files or directories (or - for stdin), or --db with an ingested database")
        }
        var ingestor = AuditIngestor(progress: progress)
        ingestor.blockSize = blockSize
        if let stdin, sources.contains(where: \.isStdin) { ingestor.stdin = stdin }
        do {
            let target: EvidenceWriter & EvidenceReader
            switch store {
            case .memory: target = MemoryEvidenceStore()
            case .sqlite(let path):
                do { target = try EvidenceStore(path: path) } catch { throw InputError(error.description) }
            }
            let summary = try ingestor.ingest(sources, into: target)
            ingested()
            let report = EvidenceReport(records: try target.records(since: nil), counts: try target.totals(),
                                        malformed: try target.malformedLines(limit: 100), policy: policy, since: since)
            // The store names files by their canonical path; the report names them as given.
            let given = Set(sources.map(\.canonicalPath))
            let stored = try target.inputs()
            return Result(report: report, inputs: sources.map(\.displayName), skippedFiles: summary.skippedFiles, resumed: summary.resumed,
                          readCounts: summary.counts, storeInputs: stored, earlierInputs: stored.filter { !given.contains($0) })
        } catch let e as InputError {
            throw e
        } catch {
            throw InputError("\(error)")
        }
    }
}
