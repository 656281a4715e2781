/// A finding's life on one cluster, by its fingerprint: when a saved scan first and last held
/// it, and when a scan first no longer did (fixed). Accepted is not stored here: it is an
/// open finding with an unexpired `RecordedAcceptance`.
public struct FindingLifecycle: Codable, Hashable, Sendable {
    public var cluster: String
    public var fingerprint: String
    public var rule: String
    public var severity: String
    public var subject: SubjectRef?
    public var message: String
    /// Seconds since 1970: the first scan that held it (the first after its latest fix, when it
    /// came back, keeps the original first-seen time).
    public var firstSeen: Double
    /// The last scan that held it. For an open finding the store reports its cluster's latest
    /// scan, so an unchanged re-save writes nothing here.
    public var lastSeen: Double
    /// The first scan that no longer held it; nil while open.
    public var fixedAt: Double?

    public init(cluster: String, fingerprint: String, rule: String, severity: String, subject: SubjectRef?, message: String,
                firstSeen: Double, lastSeen: Double, fixedAt: Double?) {
        self.cluster = cluster
        self.fingerprint = fingerprint
        self.rule = rule
        self.severity = severity
        self.subject = subject
        self.message = message
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.fixedAt = fixedAt
    }

    public var isOpen: Bool { fixedAt == nil }

    /// As a store reports it: an open finding was last seen at its cluster's latest scan.
    public func reported(latestScan: Double?) -> FindingLifecycle {
        var l = self
        if l.isOpen, let latestScan { l.lastSeen = latestScan }
        return l
    }

    /// The rows a new scan changes, given every row stored for the cluster, the scan's findings,
    /// its time and the time of the scan saved before it. Findings that stay open are not
    /// rewritten; new ones open, fixed ones come back, gone ones are fixed at this scan.
    public static func advance(known: [String: FindingLifecycle], present: [FindingRecord], cluster: String, time: Double,
                               previousScan: Double?) -> [FindingLifecycle] {
        var changed: [FindingLifecycle] = []
        var seen = Set<String>()
        for f in present where seen.insert(f.fingerprint).inserted {
            if var old = known[f.fingerprint] {
                guard !old.isOpen else { continue }
                old.fixedAt = nil
                old.lastSeen = time
                old.severity = f.severity
                old.message = f.message
                changed.append(old)
            } else {
                changed.append(FindingLifecycle(cluster: cluster, fingerprint: f.fingerprint, rule: f.rule, severity: f.severity,
                                                subject: f.subject, message: f.message, firstSeen: time, lastSeen: time, fixedAt: nil))
            }
        }
        for (fingerprint, old) in known where old.isOpen && !seen.contains(fingerprint) {
            var fixed = old
            fixed.fixedAt = time
            fixed.lastSeen = previousScan ?? old.lastSeen
            changed.append(fixed)
        }
        return changed.sorted { $0.fingerprint < $1.fingerprint }
    }
}
