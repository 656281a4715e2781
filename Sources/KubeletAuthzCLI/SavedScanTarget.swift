import Cluster
import Foundation
import Governance
import History
import KubeletAuthzApp

/// `scan --save`: the store and the cluster a scan is saved under, resolved before the scan so
/// that a missing cluster identity fails before any work; the save itself; and the recorded
/// acceptances, applied to what the scan reports and fails on.
struct SavedScanTarget {
    let path: String
    let store: any StoreDatabase
    let cluster: String
    /// The store as messages name it: a URL without its password.
    var name: String { EvidenceLoading.StoreChoice.displayName(path) }

    static func open(store explicitStore: String?, cluster: String?, snapshot: ClusterSnapshot) throws(CLIError) -> SavedScanTarget {
        let name: String
        let explicit = cluster ?? ClusterIdentity.named(ConsoleIO.current.environment)
        do { name = try ClusterIdentity.resolve(explicit: explicit, snapshot: snapshot) } catch { throw .badInput(error.message) }
        let path = try HistoryStoreOptions.path(explicit: explicitStore)
        return SavedScanTarget(path: path, store: try HistoryStoreOptions.open(path, creating: true), cluster: name)
    }

    /// True when `path` is this store and it holds no audit evidence.
    func holdsNoEvidence(_ path: String) -> Bool {
        path == self.path && ((try? store.holdsNothing()) ?? false)
    }

    /// A save under way on another thread; `finish` waits for it.
    final class Pending: @unchecked Sendable {
        let done = DispatchSemaphore(value: 0)
        var outcome: Result<(saved: SavedScan, previous: SavedScan?), Error>? = nil
    }

    /// Starts saving `report` with the findings the scan detected: the record is built, encoded
    /// and hashed on another thread (on a cluster of 100k bindings, a fair part of a second).
    func start(_ report: ScanReport, findings: [Finding]) -> Pending {
        let pending = Pending()
        let (store, cluster, time) = (self.store, self.cluster, Date().timeIntervalSince1970)
        DispatchQueue.global().async {
            pending.outcome = Result {
                let content = ScanRecording.content(of: report, findings: findings, sourcePath: SourcePath.recorded)
                let previous = try store.scans(cluster: cluster, since: nil).last
                return (try store.save(content, cluster: cluster, time: time), previous)
            }
            pending.done.signal()
        }
        return pending
    }

    func finish(_ pending: Pending) throws(CLIError) {
        pending.done.wait()
        let (saved, previous) = try historyCall(name) { try pending.outcome!.get() }
        let unchanged = previous.map {
            $0.inventoryHash == saved.inventoryHash && $0.findingsHash == saved.findingsHash && $0.governanceHash == saved.governanceHash
        } ?? false
        ConsoleIO.err("Saved scan \(saved.id) of cluster \(cluster) in \(name)\(unchanged ? " (unchanged since scan \(previous!.id): no new content)" : "")\n")
    }

    /// Findings accepted with `kubelet-authz accept` leave; lapsed acceptances bring them back with a KA072.
    func accept(_ findings: [Finding], now: Day) throws(CLIError) -> [Finding] {
        let recorded = try historyCall(name) { try store.acceptances() }
        guard !recorded.isEmpty else { return findings }
        let outcome = RecordedAcceptances.acceptance(recorded, for: findings, cluster: cluster, store: name).apply(to: findings, now: now)
        if outcome.accepted > 0 { ConsoleIO.err("\(outcome.accepted) finding\(outcome.accepted == 1 ? "" : "s") accepted in \(name) (kubelet-authz accept)\n") }
        return outcome.kept
    }
}
