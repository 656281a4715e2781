import Foundation

/// The history store in memory: what the conformance suite holds every other store to, and
/// what tests use without a file.
public final class MemoryScanHistoryStore: ScanHistoryStore, @unchecked Sendable {
    private let lock = NSLock()
    private var blobs: [String: ContentBlob] = [:]
    private var rows: [SavedScan] = []
    private var lifecycles: [String: [String: FindingLifecycle]] = [:]
    private var accepted: [String: RecordedAcceptance] = [:]

    private let hash: ContentHash

    public init(hash: ContentHash) { self.hash = hash }

    public func save(_ content: ScanContent, cluster: String, time: Double) throws -> SavedScan {
        let parts = content.blobs(hashedWith: hash)
        return lock.withLock {
            var row = SavedScan.row(for: content, blobs: parts, cluster: cluster, time: time)
            row.id = (rows.map(\.id).max() ?? 0) + 1
            let previous = rows.filter { $0.cluster == cluster }.max(by: SavedScan.chronological)
            for b in parts where blobs[b.hash] == nil { blobs[b.hash] = b }
            if previous?.findingsHash != row.findingsHash {
                let changed = FindingLifecycle.advance(known: lifecycles[cluster] ?? [:], present: content.findings, cluster: cluster,
                                                       time: time, previousScan: previous?.time)
                for l in changed { lifecycles[cluster, default: [:]][l.fingerprint] = l }
            }
            rows.append(row)
            return row
        }
    }

    public func scans(cluster: String?, since: Double?) throws -> [SavedScan] {
        lock.withLock {
            rows.filter { (cluster == nil || $0.cluster == cluster) && (since == nil || $0.time >= since!) }.sorted(by: SavedScan.chronological)
        }
    }

    public func scan(id: Int) throws -> SavedScan? { lock.withLock { rows.first { $0.id == id } } }

    public func content(of scan: SavedScan) throws -> ScanContent {
        let parts: [ContentBlob.Kind: ContentBlob] = lock.withLock {
            var out: [ContentBlob.Kind: ContentBlob] = [:]
            for (kind, hash) in [(ContentBlob.Kind.inventory, scan.inventoryHash), (.findings, scan.findingsHash), (.governance, scan.governanceHash)] {
                out[kind] = blobs[hash]
            }
            return out
        }
        return try ScanContent.assemble(parts)
    }

    public func findingLifecycles(cluster: String) throws -> [FindingLifecycle] {
        lock.withLock {
            let latest = rows.filter { $0.cluster == cluster }.map(\.time).max()
            return (lifecycles[cluster] ?? [:]).values.map { $0.reported(latestScan: latest) }.sorted { $0.fingerprint < $1.fingerprint }
        }
    }

    public func record(_ acceptance: RecordedAcceptance) throws {
        lock.withLock { accepted[acceptance.cluster + "\u{1F}" + acceptance.fingerprint] = acceptance }
    }

    public func acceptances() throws -> [RecordedAcceptance] {
        lock.withLock { accepted.values.sorted { ($0.fingerprint, $0.cluster) < ($1.fingerprint, $1.cluster) } }
    }

    public func contentRowCount() throws -> Int {
        lock.withLock { blobs.count + lifecycles.values.map(\.count).reduce(0, +) }
    }
}
