import Evidence
import KubeletModel
import RBAC

/// Findings that need audit evidence: unused grants, denied attempts, nodes/proxy that a
/// fine-grained subresource could replace, direct kubelet use, blind spots.
enum EvidenceFindings {
    /// The subresource that would replace nodes/proxy for a path the API-server node proxy
    /// reached, on this release: the one the kubelet checks before (or instead of) `proxy`.
    static func fineGrained(forProxyPath p: String, vocabulary: KubeletVocabulary) -> String? {
        vocabulary.narrowestSubresource(forPath: p)?.rawValue
    }

    /// Whether a governance record approves everything the subject holds on the subresource —
    /// every verb, on every node it holds it — until a date not yet past: such a grant is not
    /// "unused" to fix, whatever the evidence says. An approval without `nextReview`/`expires`
    /// has no end, so it cannot vouch for access nobody uses; a verb or node outside it is
    /// not approved.
    static func approvedNow(_ s: ScanSubject, _ sub: String, now: Day) -> Bool {
        guard let g = s.governance, let approved = g.approved, let next = g.nextReview, next >= now,
              let held = s.inventory.access[sub] else { return false }
        return FindingDetector.beyond([sub: held], approved: approved).isEmpty
    }

    static func findings(subjects: [ScanSubject], evidence: ScanEvidence, now: Day, profile: KubeletProfile,
                         apiServerKubeletClient: String = APIServerKubeletClient.kubeadmUser) -> [Finding] {
        var out: [Finding] = []
        let vocabulary = KubeletVocabulary(profile: profile)
        let nowSeconds = Double(AuditTimestamp.daysFromCivil(now.year, now.month, now.day) * 86400 + 86399)
        let covered = evidence.unusedCheck(nowSeconds: nowSeconds) == nil
        // Control-plane access is never advised away, used or not.
        for s in subjects where ControlPlaneAccess.role(of: s.key, apiServerKubeletClient: apiServerKubeletClient) == nil {
            let usage = s.usage ?? [:]
            let via = s.inventory.allGrants
            if covered {
                var unused: [String] = []
                var unusedVia: [GrantPath] = []
                for sub in KubeletPermissions.subresources where s.inventory.access[sub] != nil && !approvedNow(s, sub, now: now) {
                    let last = usage[sub]?.lastUsed
                    if last == nil || nowSeconds - last! > Double(evidence.unusedDays) * 86400 {
                        unused.append(sub)
                        unusedVia += s.inventory.access[sub]!.via
                    }
                }
                if !unused.isEmpty {
                    let severity: Severity = unused.contains("proxy") || unused.contains("checkpoint") ? .medium : .low
                    let lasts = unused.compactMap { usage[$0]?.lastUsed }
                    let when = lasts.max().map { "last used \(AuditTimestamp.text($0))" } ?? "never used in the evidence"
                    out.append(Finding(.unusedGrant, severity: severity, subject: s.key,
                                       message: "\(s.key) has not used \(unused.map { "nodes/\($0)" }.joined(separator: ", ")) for \(evidence.unusedDays) days (\(when))",
                                       locations: FindingDetector.locations(unusedVia)))
                }
            }
            if let proxy = usage["proxy"], proxy.allowed > 0, s.inventory.access["proxy"] != nil {
                // Every proxy use was a fallback or an API-server proxy call to a fine-grained path?
                let rows = evidence.usage.filter { $0.key.subresource == "proxy" && $0.allowed > 0
                    && SubjectMatcher.applies(s.inventory.subject, user: ScanEvidence.user($0), bindingNamespace: "") }
                var needed = Set<String>()
                var replaceable = true
                var viaAPIServer = false
                for row in rows {
                    if row.key.path == .kubelet {
                        if row.onlyViaFallback { needed.formUnion(row.fallbackFor.keys) } else { replaceable = false }
                    } else {
                        viaAPIServer = true
                        let subs = row.kubeletPaths.map { fineGrained(forProxyPath: $0, vocabulary: vocabulary) }
                        if subs.contains(nil) || subs.isEmpty { replaceable = false } else { needed.formUnion(subs.compactMap { $0 }) }
                    }
                }
                if replaceable && !needed.isEmpty {
                    out.append(Finding(.proxyUsedForFineGrainedPaths, subject: s.key,
                                       message: "\(s.key) used nodes/proxy \(proxy.allowed) time(s), always for what \(needed.sorted().map { "nodes/\($0)" }.joined(separator: ", ")) covers: grant that\(viaAPIServer ? ", call the kubelet directly instead of through the API server's node proxy (where only nodes/proxy works)," : "") and nodes/proxy can go",
                                       locations: FindingDetector.locations(s.inventory.access["proxy"]!.via)))
                }
            }
            let direct = evidence.usage.filter { $0.key.path == .kubelet && $0.allowed > 0
                && SubjectMatcher.applies(s.inventory.subject, user: ScanEvidence.user($0), bindingNamespace: "") }
            if !direct.isEmpty, s.inventory.subject.kind != Subject.groupKind {
                let subs = Set(direct.map(\.key.subresource)).sorted().map { "nodes/\($0)" }.joined(separator: ", ")
                let withProxy = direct.contains { $0.key.subresource == "proxy" }
                out.append(Finding(.directKubeletUse, severity: withProxy ? .medium : .low, subject: s.key,
                                   message: "\(s.key) called kubelets directly (\(subs)); the API server audited only the kubelet's SubjectAccessReviews\(withProxy ? ", and nothing of what ran through nodes/proxy" : "")",
                                   locations: FindingDetector.locations(via)))
            }
        }
        // Denied attempts, per caller, whatever it holds — not counting fine-grained checks
        // whose request then passed through nodes/proxy (KA032 speaks of those).
        var denied: [String: (SubjectKey, Int, Set<String>)] = [:]
        for row in evidence.usage where row.effectiveDenied > 0 {
            let key = SubjectKey(kind: row.key.subjectKind, name: row.key.subjectName, namespace: row.key.subjectNamespace)
            var entry = denied[key.description] ?? (key, 0, [])
            entry.1 += row.effectiveDenied
            entry.2.insert("\(row.key.verb.isEmpty ? "\"\"" : row.key.verb) nodes/\(row.key.subresource)\(row.key.path == .apiserverProxy ? " (API-server proxy)" : "")")
            denied[key.description] = entry
        }
        for (_, entry) in denied.sorted(by: { $0.key < $1.key }) {
            out.append(Finding(.deniedAttempts, subject: entry.0,
                               message: "\(entry.0) was denied \(entry.1) time(s): \(entry.2.sorted().joined(separator: ", "))"))
        }
        for b in evidence.blindSpots where b.kind != .decisionCache {
            out.append(Finding(.auditBlindSpot, message: b.message,
                               locations: b.location.map { loc in
                                   let parts = loc.split(separator: ":")
                                   let line = parts.count > 1 ? Int(parts.last!) : nil
                                   let file = line == nil ? loc : parts.dropLast().joined(separator: ":")
                                   return [Finding.Location(kind: "AuditPolicy", name: "", source: SourceLocation(file: file, line: line))]
                               } ?? []))
        }
        return out
    }
}
