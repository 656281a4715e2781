import ArgumentParser
import AuditInput
import Evidence
import Foundation
import Store

enum ProgressMode: String, ExpressibleByArgument, CaseIterable { case auto, always, never }

/// Options shared by `evidence` and `scan --audit`: where records are kept and which count.
struct EvidenceStoreOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Evidence database (SQLite). Default: $KUBELET_AUTHZ_DB, else $XDG_DATA_HOME/kubelet-authz/evidence.sqlite, else ~/.local/share/kubelet-authz/evidence.sqlite.", valueName: "PATH"))
    var db: String?

    @Flag(name: .customLong("no-db"), help: "Keep records in memory only; nothing is written.")
    var noDB = false

    @Option(help: ArgumentHelp("Only evidence at or after this time: RFC 3339, a date (YYYY-MM-DD), or a duration ago (30d, 12h, 45m).", valueName: "TIME"))
    var since: String?

    @Option(name: .customLong("audit-policy"), help: ArgumentHelp("The API server's audit policy, checked for blind spots.", valueName: "FILE"))
    var auditPolicy: String?

    @Option(help: "Progress line on stderr: auto (on a terminal), always, never.") var progress: ProgressMode = .auto

    func sinceSeconds(now: Double = Date().timeIntervalSince1970) throws(CLIError) -> Double? {
        guard let since else { return nil }
        if let t = AuditTimestamp.seconds(since) { return t }
        if let t = AuditTimestamp.seconds(since + "T00:00:00Z") { return t }
        let units: [Character: Double] = ["d": 86400, "h": 3600, "m": 60, "s": 1]
        if let unit = since.last, let scale = units[unit], let n = Double(since.dropLast()), n >= 0 { return now - n * scale }
        throw .badInput("--since \"\(since)\": expected RFC 3339 time, YYYY-MM-DD, or a duration such as 30d, 12h, 45m")
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
    func load(logs: [String], defaultToStore: Bool = true, timings: PhaseTimer = PhaseTimer()) throws -> (EvidenceReport, [String]) {
        let noDB = self.noDB || (!defaultToStore && db == nil)
        let sinceValue = try sinceSeconds()
        let policyValue = try policy()
        let sources: [AuditSource]
        do { sources = try AuditSource.resolve(logs) } catch { throw CLIError.badInput(error.description) }
        if sources.isEmpty && (noDB || db == nil && logs.isEmpty) {
            throw CLIError.badInput("no audit input: give LOG files or directories (or - for stdin), or --db with an ingested database")
        }
        let meter = ProgressMeter(mode: progress)
        var ingestor = AuditIngestor(progress: meter.update)
        ingestor.blockSize = 8 << 20
        if sources.contains(where: \.isStdin) && !ConsoleIO.current.stdinIsProcessStdin {
            ingestor.stdin = ConsoleIO.current.readStdin()
        }
        do {
            let store: EvidenceWriter & EvidenceReader
            if noDB {
                store = MemoryEvidenceStore()
            } else {
                do { store = try EvidenceStore(path: db ?? EvidenceStore.defaultPath(environment: ConsoleIO.environment)) } catch { throw CLIError.badInput(error.description) }
            }
            let summary = try ingestor.ingest(sources, into: store)
            meter.finish()
            timings.mark("ingest")
            if !summary.skippedFiles.isEmpty {
                ConsoleIO.err("Already ingested, skipped: \(summary.skippedFiles.joined(separator: ", "))\n")
            }
            if !summary.resumed.isEmpty {
                ConsoleIO.err("Resumed where an earlier ingest stopped: \(summary.resumed.joined(separator: ", "))\n")
            }
            let records = try store.records(since: nil)
            timings.mark("load")
            let report = EvidenceReport(records: records, counts: try store.totals(), malformed: try store.malformedLines(limit: 100),
                                        policy: policyValue, since: sinceValue)
            timings.mark("report")
            return (report, sources.map(\.displayName))
        } catch let e as LineChunkReader.ReadError {
            meter.finish()
            throw CLIError.badInput(e.description)
        }
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
