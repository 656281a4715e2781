import Evidence
import RBAC

/// Audit evidence joined to the inventory: what each subject used of what it holds.
public struct SubresourceUsage: Hashable, Sendable {
    public var allowed = 0
    public var denied = 0
    public var lastUsed: Double?
    public var fallbackOnly = true

    public init() {}

    public var status: String { allowed > 0 ? "used" : denied > 0 ? "denied" : "unused" }
}

public struct ScanEvidence: Sendable {
    public var usage: [UsageRow]
    public var blindSpots: [BlindSpot]
    public var window: (first: Double, last: Double)?
    /// Grants with no use in this many days are reported.
    public var unusedDays: Int

    public init(report: EvidenceReport, unusedDays: Int) {
        usage = report.usage
        blindSpots = report.blindSpots
        window = report.window
        self.unusedDays = unusedDays
    }

    /// Why unused grants cannot be judged from this evidence, or nil when they can: the
    /// evidence must reach back `unusedDays` before now and up to now, and it must show callers
    /// and verdicts (Metadata-level or body-less kubelet reviews hide them, so every grant would
    /// look unused).
    public func unusedCheck(nowSeconds: Double) -> String? {
        guard let w = window else { return "no evidence" }
        let span = Double(unusedDays) * 86400
        if nowSeconds - w.first < span {
            return "the evidence starts \(AuditTimestamp.text(w.first)), less than \(unusedDays) days before --now"
        }
        if nowSeconds - w.last > 2 * 86400 {
            return "the evidence ends \(AuditTimestamp.text(w.last)), more than two days before --now"
        }
        if blindSpots.contains(where: { $0.kind == .metadataLevel || $0.kind == .missingResponse }) {
            return "the audit log hides callers or verdicts of kubelet reviews (see the blind spots)"
        }
        return nil
    }

    /// The caller a usage row stands for, with the groups its reviews carried.
    static func user(_ row: UsageRow) -> UserInfo {
        let name = row.key.subjectKind == Subject.serviceAccountKind
            ? UserInfo.serviceAccountPrefix + row.key.subjectNamespace + ":" + row.key.subjectName : row.key.subjectName
        return UserInfo(name: name, groups: row.groups.sorted())
    }

    /// Usage per subresource for one inventory subject: a row counts for a Group subject when
    /// the caller's reviews carried that group.
    func usage(of subject: Subject) -> [String: SubresourceUsage] {
        var out: [String: SubresourceUsage] = [:]
        for row in usage where SubjectMatcher.applies(subject, user: Self.user(row), bindingNamespace: "") {
            var u = out[row.key.subresource] ?? SubresourceUsage()
            u.allowed += row.allowed
            u.denied += row.denied
            if row.allowed > 0 {
                u.lastUsed = max(u.lastUsed ?? row.lastSeen, row.lastAllowed ?? row.lastSeen)
                if !(row.key.path == .kubelet && row.onlyViaFallback) { u.fallbackOnly = false }
            }
            out[row.key.subresource] = u
        }
        return out
    }
}
