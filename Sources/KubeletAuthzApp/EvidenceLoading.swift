import AuditInput
import Evidence
import Foundation
import PostgresStore
import Store

/// Audit evidence as every front needs it: the given logs ingested into a store (the SQLite
/// database, a fleet's PostgreSQL database, or memory), and the report built from what the
/// store then holds.
public struct EvidenceLoading {
    public enum StoreChoice: Sendable, Equatable {
        case memory
        case sqlite(path: String)
        /// `postgres://user@host:port/db`; the password from the URL, else `PGPASSWORD` or the
        /// password file, looked up in `environment`.
        case postgres(url: String, environment: [String: String])

        /// A PostgreSQL URL, else an SQLite file.
        public static func named(_ text: String, environment: [String: String]) -> StoreChoice {
            PostgresLocation.isPostgres(text) ? .postgres(url: text, environment: environment) : .sqlite(path: text)
        }

        /// The store as messages name it: a URL without its password.
        public static func displayName(_ text: String) -> String {
            PostgresLocation.isPostgres(text) ? PostgresLocation.redacted(text) : text
        }
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
        /// Whether the store holds evidence under other cluster names than the one read
        /// (always false when reading every cluster's).
        public let otherClustersHoldEvidence: Bool
    }

    public var logs: [String]
    public var store: StoreChoice
    public var since: Double?
    public var policy: AuditPolicy?
    /// Standard input's bytes when the caller holds them already (tests, the server); nil
    /// means the process's own stdin is streamed for `-`.
    public var stdin: Data?
    public var blockSize = 8 << 20
    /// The cluster the logs are ingested under (`ClusterIdentity.forEvidence`): checkpoints are
    /// per cluster and file, and the report covers this cluster's evidence only. Empty: stored
    /// under no name, and the report covers every cluster the store holds.
    public var cluster = ""

    /// The cluster reads are limited to: nil (every cluster) when none is named.
    var readScope: String? { cluster.isEmpty ? nil : cluster }

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
        ingestor.cluster = cluster
        if let stdin, sources.contains(where: \.isStdin) { ingestor.stdin = stdin }
        do {
            let target: EvidenceReader
            let summary: AuditIngestor.Summary
            let report: EvidenceReport
            switch store {
            case .memory:
                let memory = MemoryEvidenceStore()
                summary = try ingestor.ingest(sources, into: memory)
                ingested()
                target = memory
                // The records moved out, not copied: nothing reads them from the store again.
                var records = memory.takeRecords()
                if let scope = readScope { records.removeAll { $0.cluster != scope } }
                report = EvidenceReport(records: records, counts: try memory.totals(cluster: readScope),
                                        malformed: try memory.malformedLines(limit: 100, cluster: readScope), policy: policy, since: since)
            case .sqlite(let path):
                let database: EvidenceStore
                do { database = try EvidenceStore(path: path) } catch { throw InputError(error.description) }
                // A new database's first load is written in place (`beginFirstLoad`); every
                // commit is in when `ingest` returns, or has failed.
                let inPlace = try database.beginFirstLoad()
                do {
                    (summary, target, report) = try ingest(sources, into: database, with: ingestor, ingested: ingested)
                } catch {
                    if inPlace { try? database.endFirstLoad() }
                    throw error
                }
                if inPlace { try database.endFirstLoad() }
            case .postgres(let url, let environment):
                let database: PostgresEvidenceStore
                do { database = try PostgresEvidenceStore(url: url, environment: environment) } catch { throw InputError(error.description) }
                (summary, target, report) = try ingest(sources, into: database, with: ingestor, ingested: ingested)
            }
            // The store names files by their canonical path; the report names them as given.
            let given = Set(sources.map(\.canonicalPath))
            let stored = try target.inputs(cluster: readScope)
            let others = try readScope != nil && stored.count < target.inputs(cluster: nil).count
            // The store (with a copy of every record) is freed, and closed, on another thread:
            // tens of thousands of records to release while the report is written, the second
            // core idle. The command waits for it before the process exits.
            BackgroundRelease.release(target as AnyObject)
            return Result(report: report, inputs: sources.map(\.displayName), skippedFiles: summary.skippedFiles, resumed: summary.resumed,
                          readCounts: summary.counts, storeInputs: stored, earlierInputs: stored.filter { !given.contains($0) },
                          otherClustersHoldEvidence: others)
        } catch let e as InputError {
            throw e
        } catch {
            throw InputError("\(error)")
        }
    }

    static func report(from store: EvidenceReader, policy: AuditPolicy?, since: Double?, cluster: String?) throws -> EvidenceReport {
        EvidenceReport(records: try store.records(since: nil, cluster: cluster), counts: try store.totals(cluster: cluster),
                       malformed: try store.malformedLines(limit: 100, cluster: cluster), policy: policy, since: since)
    }

    /// Into the database through `MirroredEvidenceStore`: while the database held nothing of
    /// the cluster read, the report is built from the copy in memory while the last commit is
    /// written. If the copy turns out not to stand for the database (another writer changed the
    /// cluster's evidence, or a commit failed on its thread), the files are ingested again
    /// directly, which resumes at the stored checkpoints and so reads only what was lost, and
    /// the report is read back.
    func ingest<Database: MirrorableEvidenceDatabase>(_ sources: [AuditSource], into database: Database, with ingestor: AuditIngestor,
                                                      ingested: () -> Void) throws -> (AuditIngestor.Summary, EvidenceReader, EvidenceReport) {
        let mirrored = try MirroredEvidenceStore(database: database, cluster: readScope)
        let summary: AuditIngestor.Summary
        do { summary = try ingestor.ingest(sources, into: mirrored) } catch {
            try? mirrored.settle()  // what was committed before the failure is kept, as without the copy
            throw error
        }
        ingested()
        // The records are freed on another thread, as the store is below: releasing tens of
        // thousands of records here would hold up the report.
        var fromCopy: EvidenceReport?
        if let held = try mirrored.takeRecordsFromCopy().map(HeldRecords.init) {
            // Counts and malformed lines come from the database below (a few rows).
            fromCopy = EvidenceReport(records: held.records, counts: AuditScanCounts(), malformed: [], policy: policy, since: since)
            BackgroundRelease.run { held.records = [] }
        }
        let holds: Bool
        do { holds = try mirrored.copyHolds() } catch is EvidenceWriteConflict { holds = false }
        if !holds {
            fromCopy = nil
            // Standard input has no checkpoint to resume from, nor a conflict to lose a batch to.
            if mirrored.startedEmpty { _ = try ingestor.ingest(sources.filter { !$0.isStdin }, into: database) }
        }
        guard var report = fromCopy else {
            return (summary, database, try Self.report(from: database, policy: policy, since: since, cluster: readScope))
        }
        report.counts = try database.totals(cluster: readScope)
        report.malformed = try database.malformedLines(limit: 100, cluster: readScope)
        return (summary, mirrored, report)
    }
}

/// Records handed to another thread to be freed there.
private final class HeldRecords: @unchecked Sendable {
    var records: [AuditRecord]
    init(_ records: [AuditRecord]) { self.records = records }
}
