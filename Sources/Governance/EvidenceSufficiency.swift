import Evidence

/// Whether the evidence can show that something was never used: the kubelet's decision cache
/// makes every count a lower bound, so only a long enough window with callers and verdicts
/// visible supports a reduction.
public struct EvidenceSufficiency: Sendable, Hashable {
    /// There was evidence at all.
    public let present: Bool
    /// Days between the first and the last record.
    public let windowDays: Double
    public let window: AuditWindow?
    /// Why a reduction cannot rest on it; nil when it can.
    public let insufficient: String?

    public struct AuditWindow: Sendable, Hashable {
        public let first: Double
        public let last: Double
    }

    public var sufficient: Bool { present && insufficient == nil }

    /// - Parameter nowSeconds: the end of the day judged at: evidence that stopped long before
    ///   says nothing about what the subject does now.
    public static func judge(_ evidence: ScanEvidence?, minDays: Int, nowSeconds: Double) -> EvidenceSufficiency {
        guard let evidence else {
            return EvidenceSufficiency(present: false, windowDays: 0, window: nil, insufficient: "no audit evidence (--audit or --store)")
        }
        guard let w = evidence.window else {
            return EvidenceSufficiency(present: true, windowDays: 0, window: nil, insufficient: "the audit evidence holds no kubelet access")
        }
        let days = (w.last - w.first) / 86400
        let window = AuditWindow(first: w.first, last: w.last)
        if evidence.blindSpots.contains(where: { $0.kind == .metadataLevel || $0.kind == .missingResponse }) {
            return EvidenceSufficiency(present: true, windowDays: days, window: window,
                                       insufficient: "the audit log hides callers or verdicts of kubelet reviews (see the blind spots of `kubelet-authz evidence`)")
        }
        if nowSeconds - w.last > 2 * 86400 {
            return EvidenceSufficiency(present: true, windowDays: days, window: window,
                                       insufficient: "the evidence ends \(AuditTimestamp.text(w.last)), more than two days before --now")
        }
        if days < Double(minDays) {
            let shown = (days * 10).rounded(.down) / 10
            return EvidenceSufficiency(present: true, windowDays: days, window: window,
                                       insufficient: "the evidence covers \(shown) days (\(AuditTimestamp.text(w.first)) to \(AuditTimestamp.text(w.last))), fewer than --min-evidence-days \(minDays)")
        }
        return EvidenceSufficiency(present: true, windowDays: days, window: window, insufficient: nil)
    }

    /// `56 days (2026-10-01 to 2026-11-26)`, for reasons.
    public var text: String {
        guard let window else { return "no evidence" }
        return "\(Int(windowDays.rounded(.down))) days (\(AuditTimestamp.text(window.first).prefix(10)) to \(AuditTimestamp.text(window.last).prefix(10)))"
    }
}
