import Foundation

/// What a saved scan holds: the release it answered for, the inventory, the findings and the
/// governance state, each kept in a canonical order. Each part is stored once under the hash of
/// its canonical bytes (`ContentBlob`): an hourly scan of an unchanged cluster adds only a scan
/// row pointing at parts already stored.
public struct ScanContent: Codable, Hashable, Sendable {
    public var release: String
    public var subjects: [SubjectAccessRecord]
    public var findings: [FindingRecord]
    public var governance: [GovernanceEntryRecord]

    public init(release: String, subjects: [SubjectAccessRecord], findings: [FindingRecord], governance: [GovernanceEntryRecord]) {
        self.release = release
        self.subjects = subjects.sorted { $0.subject < $1.subject }
        // By fingerprint, then the rest: two findings may share a fingerprint (the same rule
        // on the same objects, worded twice), and the order must not depend on the input's.
        self.findings = findings.sorted { ($0.fingerprint, $0.message, $0.severity) < ($1.fingerprint, $1.message, $1.severity) }
        self.governance = governance.sorted { $0.subject < $1.subject }
    }

    public var execCapable: Int { subjects.filter(\.execCapable).count }

    public var severityCounts: SeverityCounts {
        var c = SeverityCounts()
        for f in findings { c.add(f.severity) }
        return c
    }

    /// The three parts as stored: the inventory carries the release, since the same RBAC reads
    /// differently at another release. Written and hashed side by side (each part is its own
    /// bytes; on a 100k-binding cluster the inventory is most of ~21 MB).
    public func blobs(hashedWith hash: ContentHash) -> [ContentBlob] {
        let kinds = ContentBlob.Kind.allCases
        // Each iteration writes only its own slot.
        nonisolated(unsafe) let parts = UnsafeMutableBufferPointer<ContentBlob?>.allocate(capacity: kinds.count)
        parts.initialize(repeating: nil)
        defer { parts.deinitialize(); parts.deallocate() }
        DispatchQueue.concurrentPerform(iterations: kinds.count) { i in
            parts[i] = ContentBlob(kind: kinds[i], body: canonicalBytes(kinds[i]), hashedWith: hash)
        }
        return parts.map { $0! }
    }

    /// A part's canonical bytes (`CanonicalJSON`).
    func canonicalBytes(_ kind: ContentBlob.Kind) -> [UInt8] {
        var json = CanonicalJSON(capacity: kind == .inventory ? subjects.count * 256 : 1 << 12)
        switch kind {
        case .inventory: json.write(Inventory(release: release, subjects: subjects))
        case .findings: json.array(findings) { $0.write($1) }
        case .governance: json.array(governance) { $0.write($1) }
        }
        return json.bytes
    }

    /// The content back from its three parts (by kind).
    public static func assemble(_ parts: [ContentBlob.Kind: ContentBlob]) throws(HistoryError) -> ScanContent {
        guard let i = parts[.inventory], let f = parts[.findings], let g = parts[.governance] else {
            throw .corrupt("a saved scan's content is missing (\([ContentBlob.Kind.inventory, .findings, .governance].filter { parts[$0] == nil }.map(\.rawValue).joined(separator: ", ")))")
        }
        let inventory: Inventory = try i.decode()
        return ScanContent(release: inventory.release, subjects: inventory.subjects, findings: try f.decode(), governance: try g.decode())
    }

    struct Inventory: Codable {
        var release: String
        var subjects: [SubjectAccessRecord]
    }
}

/// Findings counted by severity, as `history` lists them.
public struct SeverityCounts: Codable, Hashable, Sendable {
    public var critical = 0, high = 0, medium = 0, low = 0, info = 0

    public init(critical: Int = 0, high: Int = 0, medium: Int = 0, low: Int = 0, info: Int = 0) {
        self.critical = critical; self.high = high; self.medium = medium; self.low = low; self.info = info
    }

    public mutating func add(_ severity: String) {
        switch severity {
        case "critical": critical += 1
        case "high": high += 1
        case "medium": medium += 1
        case "low": low += 1
        default: info += 1
        }
    }

    public var total: Int { critical + high + medium + low + info }
}
