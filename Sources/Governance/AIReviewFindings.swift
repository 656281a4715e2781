/// Findings of the AI-workload review (KA041–KA044): one per subject and rule, each pointing
/// at the grants that give the access.
enum AIReviewFindings {
    static func findings(_ review: AIWorkloadReview, subjects: [ScanSubject]) -> [Finding] {
        let grants = Dictionary(subjects.map { ($0.key, $0.inventory.allGrants) }, uniquingKeysWith: { a, _ in a })
        let signals = Dictionary(review.aiNodes.map { ($0.name, $0.signals.first?.description ?? "") }, uniquingKeysWith: { a, _ in a })
        var out: [Finding] = []
        // Subjects alike cross into the same tenants alike: each tenant's text is made once and
        // kept while the next subject's crossing is the same.
        var crossingText: [String: (crossing: TenantCrossing, text: String)] = [:]
        for s in review.subjects {
            let at = FindingDetector.locations(grants[s.subject] ?? [])
            let execOn = s.aiNodes.filter { $0.kinds.contains(.exec) }.map(\.node)
            if !execOn.isEmpty {
                out.append(Finding(.execOnAINodes, subject: s.subject,
                                   message: "\(s.subject) can execute commands in every container on AI node\(execOn.count == 1 ? "" : "s") "
                                       + list(execOn.lazy.map { "\($0) (\(signals[$0] ?? ""))" }),
                                   locations: at))
            } else {
                let reads = s.aiNodes.filter { !Set($0.kinds).isDisjoint(with: [.logs, .podSpecs]) }
                if !reads.isEmpty {
                    let kinds = Set(reads.flatMap(\.kinds)).intersection([.logs, .podSpecs])
                    out.append(Finding(.aiEvidenceExposure, subject: s.subject,
                                       message: "\(s.subject) can read \(EvidenceKind.text(kinds)) of the AI workloads on "
                                           + list(reads.lazy.map { "\($0.node) (\(signals[$0.node] ?? ""))" }),
                                       locations: at))
                }
            }
            if !s.crossTenant.isEmpty {
                let exec = s.crossTenant.contains { $0.kinds.contains(.exec) }
                var parts = s.crossTenant.map { c in
                    if let known = crossingText[c.tenant], known.crossing == c { return known.text }
                    let text = "\(c.tenant) (\(EvidenceKind.text(c.kinds)) on \(list(c.nodes, of: c.nodeCount)))"
                    crossingText[c.tenant] = (c, text)
                    return text
                }
                if s.crossTenantCount > parts.count { parts.append("\(s.crossTenantCount - parts.count) more") }
                out.append(Finding(.crossTenantReach, severity: exec ? .high : .medium, subject: s.subject,
                                   message: "\(s.subject), of tenant \(s.tenant ?? "?"), reaches the pods of other tenants: " + parts.joined(separator: ", "),
                                   locations: at))
            }
            let ways = s.reachableEscalations
            if let top = ways.first, let pod = top.pods.first {
                var message = "\(s.subject) can exec into pod \(pod.namespace)/\(pod.name) on \(pod.node) and take the token of \(top.serviceAccount), which can "
                    + top.powers.map(\.label).joined(separator: ", ") + " (" + Self.chains(top.powers) + ")"
                if ways.count > 1 { message += "; \(ways.count - 1) more identit\(ways.count == 2 ? "y" : "ies") with powers it lacks: " + list(ways.dropFirst().lazy.map { $0.serviceAccount.description }) }
                out.append(Finding(.escalationThroughExec, severity: ways.contains(where: \.amountsToEverything) ? .critical : .high, subject: s.subject,
                                   message: message,
                                   locations: at + ways.flatMap { w in w.powers.map {
                                       Finding.Location(kind: $0.bindingKind.rawValue, name: $0.binding,
                                                        namespace: $0.namespace ?? "", source: $0.bindingSource)
                                   } }))
            }
        }
        return out
    }

    /// The binding → role chains behind the powers, each once.
    static func chains(_ powers: [IdentityPower]) -> String {
        var seen: [String] = []
        for p in powers where !seen.contains(p.chain) { seen.append(p.chain) }
        return seen.joined(separator: "; ")
    }

    /// At most five names, then how many more (of `count`, when the list was cut already). Lazy
    /// items are made only for the five written: thousands of findings name up to 20 each.
    static func list<Items: Collection<String>>(_ items: Items, of count: Int? = nil) -> String {
        let total = count ?? items.count
        return total <= 5 && items.count == total ? items.joined(separator: ", ")
            : items.prefix(5).joined(separator: ", ") + " and \(total - min(items.count, 5)) more"
    }
}
