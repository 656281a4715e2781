import ArgumentParser
import AuditInput
import Evidence
import Foundation
import KubeletAuthzApp
import Store

enum ProgressMode: String, ExpressibleByArgument, CaseIterable { case auto, always, never }

/// Options shared by `evidence` and `scan --audit`: where records are kept and which count.
struct EvidenceStoreOptions: ParsableArguments {
    @Option(name: [.customLong("store"), .customLong("db")],
            help: ArgumentHelp("Evidence database to keep records in and resume from: an SQLite file, or a fleet's PostgreSQL database as postgres://USER@HOST:PORT/DB (password from $PGPASSWORD or ~/.pgpass); --db is an alias. Default: $KUBELET_AUTHZ_STORE (or $KUBELET_AUTHZ_DB), else none: the report covers the given logs only and nothing is written.", valueName: "PATH|URL"))
    var store: String?

    @Flag(name: .customLong("no-db"), help: "Keep records in memory only, even when $KUBELET_AUTHZ_STORE is set.")
    var noDB = false

    /// The store asked for: the flag, else the environment, else none.
    var db: String? {
        if let store { return store }
        if noDB { return nil }
        return Self.fromEnvironment()
    }

    /// The store the environment names: `$KUBELET_AUTHZ_STORE`, else `$KUBELET_AUTHZ_DB` (empty
    /// values ignored). Every command that opens a store reads it here.
    static func fromEnvironment() -> String? {
        let env = ConsoleIO.current.environment
        return [env["KUBELET_AUTHZ_STORE"], env["KUBELET_AUTHZ_DB"]].compactMap { $0 }.first { !$0.isEmpty }
    }

    @Option(help: ArgumentHelp("Only evidence at or after this time: RFC 3339, a date (YYYY-MM-DD), or a duration ago (30d, 12h, 45m).", valueName: "TIME"))
    var since: String?

    @Option(name: .customLong("audit-policy"), help: ArgumentHelp("The API server's audit policy, checked for blind spots.", valueName: "FILE"))
    var auditPolicy: String?

    @Option(help: "Progress line on stderr: auto (on a terminal), always, never.") var progress: ProgressMode = .auto

    func sinceSeconds(now: Double = Date().timeIntervalSince1970) throws(CLIError) -> Double? {
        try since.map { text throws(CLIError) in try Self.seconds(text, flag: "--since", now: now) }
    }

    /// A time argument: RFC 3339, a date (its start, UTC), or a duration ago (30d, 12h, 45m).
    static func seconds(_ text: String, flag: String, now: Double = Date().timeIntervalSince1970) throws(CLIError) -> Double {
        if let t = AuditTimestamp.seconds(text) { return t }
        if let t = AuditTimestamp.seconds(text + "T00:00:00Z") { return t }
        let units: [Character: Double] = ["d": 86400, "h": 3600, "m": 60, "s": 1]
        if let unit = text.last, let scale = units[unit], let n = Double(text.dropLast()), n >= 0 { return now - n * scale }
        throw .badInput("\(flag) \"\(text)\": expected RFC 3339 time, YYYY-MM-DD, or a duration such as 30d, 12h, 45m")
    }

    func policy() throws(CLIError) -> AuditPolicy? {
        guard let auditPolicy else { return nil }
        guard let data = FileManager.default.contents(atPath: auditPolicy) else {
            throw .badInput("--audit-policy: the path \"\(auditPolicy)\" does not exist or cannot be read")
        }
        do { return try AuditPolicy.decode(data, source: auditPolicy) } catch { throw .badInput(error.description) }
    }

    /// Ingests the logs (into the database unless --no-db) and builds the report from every
    /// record the store then holds.
    /// - Parameter defaultToStore: without --db or --no-db, use the default database (evidence)
    ///   or memory (scan --audit).
    /// Ingests the logs into the store (or memory) and builds the report from what the store
    /// then holds: the given logs alone without a store; with one, earlier inputs too, which it
    /// names on stderr.
    /// - Parameter allowEmpty: accept logs in which no line is an audit event.
    /// - Parameter cluster: what the logs are stored under, and the report limited to
    ///   (`ClusterIdentity.forEvidence`); empty for no name (the report covers every cluster).
    func load(logs: [String], allowEmpty: Bool, cluster: String, timings: PhaseTimer = PhaseTimer()) throws -> (EvidenceReport, [String]) {
        if store != nil && noDB { throw CLIError.badInput("give either --store (or --db) or --no-db, not both") }
        let path = db
        if path == nil && logs.isEmpty {
            throw CLIError.badInput("no audit input: give LOG files or directories (or - for stdin), or --store with an ingested database")
        }
        let console = ConsoleIO.current
        var loading = EvidenceLoading(logs: logs, store: path.map { .named($0, environment: console.environment) } ?? .memory,
                                      since: try sinceSeconds(), policy: try policy(),
                                      stdin: console.stdinIsProcessStdin ? nil : console.readStdin())
        loading.blockSize = 8 << 20
        loading.cluster = cluster
        let meter = ProgressMeter(mode: progress)
        let result: EvidenceLoading.Result
        do {
            result = try loading.load(progress: meter.update, ingested: { meter.finish(); timings.mark("ingest") })
        } catch {
            meter.finish()
            throw CLIError.badInput(error.message)
        }
        if !result.skippedFiles.isEmpty { ConsoleIO.err("Already ingested, skipped: \(result.skippedFiles.joined(separator: ", "))\n") }
        if !result.resumed.isEmpty { ConsoleIO.err("Resumed where an earlier ingest stopped: \(result.resumed.joined(separator: ", "))\n") }
        let c = result.readCounts
        if !logs.isEmpty && result.skippedFiles.isEmpty && c.events == 0 && !allowEmpty {
            throw CLIError.badInput("\(result.inputs.joined(separator: ", ")): no audit event in \(c.lines) line\(c.lines == 1 ? "" : "s")\(c.malformed > 0 ? " (\(c.malformed) malformed)" : "") — is this the API server's audit log (--audit-log-path)? Pass --allow-empty to accept it")
        }
        if let path {
            let others = result.earlierInputs
            ConsoleIO.err("Evidence database \(EvidenceLoading.StoreChoice.displayName(path)): \(result.storeInputs.count) input\(result.storeInputs.count == 1 ? "" : "s")" +
                          (others.isEmpty ? "; the report covers the given logs only\n"
                                          : "; the report also covers \(others.count) earlier: \(others.prefix(5).joined(separator: ", "))\(others.count > 5 ? ", …" : "")\n"))
            ConsoleIO.err(cluster.isEmpty
                ? "Note: no cluster named (--cluster NAME or $\(ClusterIdentity.environmentVariable)): evidence is stored under no name and the report covers every cluster in the store\n"
                : "Cluster \(cluster): the report covers its evidence only" +
                  (result.storeInputs.isEmpty && result.otherClustersHoldEvidence
                   ? " (none yet; the store holds evidence under other cluster names: name the one it was ingested under with --cluster)\n" : "\n"))
        }
        timings.mark("report")
        return (result.report, result.inputs)
    }
}

/// `\r`-updated progress on stderr: bytes, events per second.
final class ProgressMeter: @unchecked Sendable {
    let enabled: Bool
    let start = ContinuousClock.now
    var shown = false

    init(mode: ProgressMode) {
        switch mode {
        case .always: enabled = true
        case .never: enabled = false
        case .auto: enabled = ConsoleIO.current.stderrIsTerminal
        }
    }

    func update(_ p: AuditProgress) {
        guard enabled else { return }
        let elapsed = max(0.001, Double((ContinuousClock.now - start).components.attoseconds) / 1e18 + Double((ContinuousClock.now - start).components.seconds))
        let mb = Double(p.counts.bytes) / 1e6
        var line = "\(p.file): \(String(format: "%.0f", mb)) MB"
        if let size = p.rawSize, size > 0 { line += String(format: " (%.0f%% of file)", 100 * Double(p.rawBytes) / Double(size)) }
        line += String(format: ", %.0f MB/s, %.0f events/s, %d kubelet reviews, %d node-proxy, %d malformed",
                       mb / elapsed, Double(p.counts.events) / elapsed, p.counts.kubeletReviews, p.counts.nodeProxy, p.counts.malformed)
        ConsoleIO.err("\r\u{1B}[K" + line)
        shown = true
    }

    func finish() {
        if shown { ConsoleIO.err("\n") }
    }
}
