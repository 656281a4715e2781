/// Where saved scans, their findings' lifecycle and recorded acceptances are kept. Implemented
/// in memory (`MemoryScanHistoryStore`), on the embedded SQLite database (`EvidenceStore`), and
/// by any later store that passes the same conformance suite (`Tests/ScanHistoryConformance`).
public protocol ScanHistoryStore: AnyObject, Sendable {
    /// Records a scan of `cluster` taken at `time` (seconds since 1970): each part of the content
    /// is stored only if no part with its hash is, the scan row points at them, and the findings'
    /// lifecycle advances when the findings differ from the cluster's previous scan. All or nothing.
    func save(_ content: ScanContent, cluster: String, time: Double) throws -> SavedScan

    /// Saved scans, oldest first; of one cluster when given, at or after `since` when given.
    func scans(cluster: String?, since: Double?) throws -> [SavedScan]

    func scan(id: Int) throws -> SavedScan?

    /// The content a saved scan points at.
    func content(of scan: SavedScan) throws -> ScanContent

    /// Every finding's lifecycle on the cluster, open ones with their cluster's latest scan as
    /// last seen.
    func findingLifecycles(cluster: String) throws -> [FindingLifecycle]

    func record(_ acceptance: RecordedAcceptance) throws

    /// Every recorded acceptance, by fingerprint then cluster.
    func acceptances() throws -> [RecordedAcceptance]

    /// Rows of stored content: parts and lifecycle rows, not scan rows (what a re-save of
    /// unchanged input must not add to).
    func contentRowCount() throws -> Int
}
