/// One saved scan: which cluster, when, at which release, where its content is stored, and the
/// counts `history` lists (kept on the row, so listing scans reads no content).
public struct SavedScan: Codable, Hashable, Sendable {
    public var id: Int
    public var cluster: String
    /// Seconds since 1970, UTC.
    public var time: Double
    public var release: String
    public var inventoryHash: String
    public var findingsHash: String
    public var governanceHash: String
    public var subjects: Int
    public var execCapable: Int
    public var findings: SeverityCounts

    public init(id: Int, cluster: String, time: Double, release: String, inventoryHash: String, findingsHash: String,
                governanceHash: String, subjects: Int, execCapable: Int, findings: SeverityCounts) {
        self.id = id
        self.cluster = cluster
        self.time = time
        self.release = release
        self.inventoryHash = inventoryHash
        self.findingsHash = findingsHash
        self.governanceHash = governanceHash
        self.subjects = subjects
        self.execCapable = execCapable
        self.findings = findings
    }

    /// The row for `content` before the store numbers it.
    public static func row(for content: ScanContent, blobs: [ContentBlob], cluster: String, time: Double) -> SavedScan {
        func hash(_ k: ContentBlob.Kind) -> String { blobs.first { $0.kind == k }?.hash ?? "" }
        return SavedScan(id: 0, cluster: cluster, time: time, release: content.release, inventoryHash: hash(.inventory),
                         findingsHash: hash(.findings), governanceHash: hash(.governance), subjects: content.subjects.count,
                         execCapable: content.execCapable, findings: content.severityCounts)
    }

    /// Scans in the order they were taken (ties: in the order saved).
    public static func chronological(_ a: SavedScan, _ b: SavedScan) -> Bool { (a.time, a.id) < (b.time, b.id) }

    /// The parts of this scan stored under `hash` (several when two parts have equal content,
    /// none for another scan's hash): how a store files the rows it reads back.
    public func parts(withHash hash: String) -> [ContentBlob.Kind] {
        [(ContentBlob.Kind.inventory, inventoryHash), (.findings, findingsHash), (.governance, governanceHash)]
            .filter { $0.1 == hash }.map(\.0)
    }
}
