/// One view across the clusters whose scans share a store (issue 14, "fleet"): each cluster's
/// latest saved scan, its exec-capable subjects and overdue reviews, when it was saved, how
/// fresh the audit evidence stored under its name is, and —
/// the point of the view — the subjects present on more than one cluster with their kubelet
/// access side by side, flagged where one cluster still grants `nodes/proxy` and another has
/// moved the same subject to fine-grained subresources only (KEP-2862).
public struct FleetView: Codable, Hashable, Sendable {
    /// A cluster's latest saved scan and its content: what the view is made of.
    public struct Latest: Sendable {
        public var scan: SavedScan
        public var content: ScanContent

        public init(scan: SavedScan, content: ScanContent) {
            self.scan = scan
            self.content = content
        }
    }

    public struct Review: Codable, Hashable, Sendable {
        public var subject: SubjectRef
        public var nextReview: String
        public var owner: String?
    }

    /// How fresh a cluster's audit evidence in the store is: the time of its latest event
    /// (seconds since 1970), and how many records came in the day before the view's time.
    public struct Evidence: Codable, Hashable, Sendable {
        public var latest: Double
        public var lastDay: Int

        public init(latest: Double, lastDay: Int) {
            self.latest = latest
            self.lastDay = lastDay
        }
    }

    public struct Cluster: Codable, Hashable, Sendable {
        public var name: String
        public var scanID: Int
        /// When the latest scan was saved (seconds since 1970).
        public var savedAt: Double
        /// The audit evidence stored under the cluster's name (`evidence --cluster`, `serve`,
        /// `scan --audit --store`); nil when there is none.
        public var evidence: Evidence?
        public var release: String
        public var subjects: Int
        public var execCapable: [SubjectRef]
        public var overdueReviews: [Review]
    }

    /// One cluster's kubelet access for a shared subject.
    public struct Grant: Codable, Hashable, Sendable {
        public var cluster: String
        public var execCapable: Bool
        public var access: [SubjectAccessRecord.Access]

        /// `nodes/proxy` itself, or a wildcard that includes it.
        public var grantsProxy: Bool { access.contains { Self.coversProxy($0.subresource) } }

        static func coversProxy(_ subresource: String) -> Bool { subresource == "proxy" || subresource == "*" }
    }

    public struct SharedSubject: Codable, Hashable, Sendable {
        public var subject: SubjectRef
        /// By cluster name.
        public var grants: [Grant]
        /// Clusters granting `nodes/proxy` while another grants the same subject fine-grained
        /// subresources only; empty when the clusters agree.
        public var proxyOn: [String]
        public var fineGrainedOn: [String]

        public var proxyDrift: Bool { !proxyOn.isEmpty && !fineGrainedOn.isEmpty }
    }

    /// The day reviews are judged at (YYYY-MM-DD).
    public var today: String
    public var clusters: [Cluster]
    public var shared: [SharedSubject]
    /// Names the store holds audit evidence under but no saved scan ("" for evidence stored
    /// under no name): evidence that no cluster row shows.
    public var evidenceOnly: [String]

    /// `latest`: one entry per cluster (the caller picks each cluster's latest scan). A review is
    /// overdue when its next review date is before `today`, as KA022 judges it (both YYYY-MM-DD,
    /// so text order is date order). `evidence`: the freshness of each name's audit evidence.
    public static func of(_ latest: [Latest], today: String, evidence: [String: Evidence] = [:]) -> FleetView {
        let sorted = latest.sorted { $0.scan.cluster < $1.scan.cluster }
        let clusters = sorted.map { cluster($0, today: today, evidence: evidence[$0.scan.cluster]) }
        let scanned = Set(sorted.map(\.scan.cluster))
        var bySubject: [SubjectRef: [Grant]] = [:]
        for l in sorted {
            for s in l.content.subjects where !s.access.isEmpty {
                bySubject[s.subject, default: []].append(Grant(cluster: l.scan.cluster, execCapable: s.execCapable, access: s.access))
            }
        }
        let shared = bySubject.filter { $0.value.count > 1 }.map { entry -> SharedSubject in
            let grants = entry.value
            let proxy = grants.filter(\.grantsProxy).map(\.cluster)
            let fine = grants.filter { !$0.grantsProxy }.map(\.cluster)
            let drift = !proxy.isEmpty && !fine.isEmpty
            return SharedSubject(subject: entry.key, grants: grants, proxyOn: drift ? proxy : [], fineGrainedOn: drift ? fine : [])
        }.sorted { $0.subject < $1.subject }
        return FleetView(today: today, clusters: clusters, shared: shared, evidenceOnly: evidence.keys.filter { !scanned.contains($0) }.sorted())
    }

    static func cluster(_ l: Latest, today: String, evidence: Evidence?) -> Cluster {
        let overdue: [Review] = l.content.governance.compactMap { g in
            guard let next = g.nextReview, next < today else { return nil }
            return Review(subject: g.subject, nextReview: next, owner: g.owner)
        }
        return Cluster(name: l.scan.cluster, scanID: l.scan.id, savedAt: l.scan.time, evidence: evidence, release: l.content.release,
                       subjects: l.content.subjects.count, execCapable: l.content.subjects.filter(\.execCapable).map(\.subject).sorted(),
                       overdueReviews: overdue.sorted { $0.subject < $1.subject })
    }

    /// Subresources and verbs as one cell: `metrics=get,list proxy=get`, nodes after `@`.
    public static func accessText(_ access: [SubjectAccessRecord.Access]) -> String {
        access.map { a in
            "\(a.subresource)=\(a.verbs.joined(separator: ","))" + (a.nodes.map { "@" + $0.joined(separator: ",") } ?? "")
        }.joined(separator: " ")
    }
}
