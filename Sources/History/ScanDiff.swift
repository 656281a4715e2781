/// What changed between two saved scans of a cluster: kubelet access gained and lost (per
/// subject, subresource and verb, and the nodes a grant is pinned to), command execution gained
/// and lost, the binding → role pairs behind it, governance records, and findings new, fixed and
/// unchanged (by fingerprint).
public struct ScanDiff: Sendable {
    public struct PermissionChange: Hashable, Sendable, Comparable {
        public var subject: SubjectRef
        public var subresource: String
        public var verb: String
        /// nil: every node.
        public var nodes: [String]?

        public init(subject: SubjectRef, subresource: String, verb: String, nodes: [String]?) {
            self.subject = subject
            self.subresource = subresource
            self.verb = verb
            self.nodes = nodes
        }

        public static func < (a: PermissionChange, b: PermissionChange) -> Bool {
            (a.subject, a.subresource, a.verb, a.nodes?.joined(separator: ",") ?? "") < (b.subject, b.subresource, b.verb, b.nodes?.joined(separator: ",") ?? "")
        }

        /// `get nodes/proxy`, `get nodes/log on gpu-node-1`.
        public var permission: String { "\(verb.isEmpty ? "\"\"" : verb) nodes/\(subresource)" + (nodes.map { " on \($0.joined(separator: ","))" } ?? "") }
    }

    public struct GrantChange: Hashable, Sendable, Comparable {
        public var subject: SubjectRef
        public var grant: SubjectAccessRecord.Grant

        public static func < (a: GrantChange, b: GrantChange) -> Bool { (a.subject, a.grant) < (b.subject, b.grant) }
    }

    public struct GovernanceChange: Hashable, Sendable {
        public var subject: SubjectRef
        public var before: GovernanceEntryRecord?
        public var after: GovernanceEntryRecord?

        /// The fields that differ: owner, purpose, reviewed, nextReview, ticket, approved, origin.
        public var fields: [String] {
            guard let before, let after else { return [] }
            var out: [String] = []
            if before.owner != after.owner { out.append("owner") }
            if before.purpose != after.purpose { out.append("purpose") }
            if before.reviewed != after.reviewed { out.append("reviewed") }
            if before.nextReview != after.nextReview { out.append("nextReview") }
            if before.ticket != after.ticket { out.append("ticket") }
            if before.approved != after.approved { out.append("approved") }
            if before.origin != after.origin { out.append("origin") }
            return out
        }
    }

    public var releaseBefore: String
    public var releaseAfter: String
    public var gained: [PermissionChange] = []
    public var lost: [PermissionChange] = []
    public var execGained: [SubjectRef] = []
    public var execLost: [SubjectRef] = []
    public var grantsAdded: [GrantChange] = []
    public var grantsRemoved: [GrantChange] = []
    public var governance: [GovernanceChange] = []
    public var newFindings: [FindingRecord] = []
    public var fixedFindings: [FindingRecord] = []
    public var unchangedFindings: [FindingRecord] = []

    /// True when nothing but the unchanged findings is there to report.
    public var isEmpty: Bool {
        releaseBefore == releaseAfter && gained.isEmpty && lost.isEmpty && execGained.isEmpty && execLost.isEmpty
            && grantsAdded.isEmpty && grantsRemoved.isEmpty && governance.isEmpty && newFindings.isEmpty && fixedFindings.isEmpty
    }

    /// The grants that give a subject the permissions it gained (for locating an exec gain).
    public func grantsAdded(to subject: SubjectRef) -> [SubjectAccessRecord.Grant] {
        grantsAdded.filter { $0.subject == subject }.map(\.grant)
    }

    public static func between(_ a: ScanContent, _ b: ScanContent) -> ScanDiff {
        var d = ScanDiff(releaseBefore: a.release, releaseAfter: b.release)
        let before = Dictionary(a.subjects.map { ($0.subject, $0) }, uniquingKeysWith: { x, _ in x })
        let after = Dictionary(b.subjects.map { ($0.subject, $0) }, uniquingKeysWith: { x, _ in x })
        for subject in Set(before.keys).union(after.keys) {
            let old = before[subject], new = after[subject]
            let p0 = permissions(old, subject), p1 = permissions(new, subject)
            d.gained += p1.subtracting(p0)
            d.lost += p0.subtracting(p1)
            let e0 = old?.execCapable ?? false, e1 = new?.execCapable ?? false
            if e1 && !e0 { d.execGained.append(subject) }
            if e0 && !e1 { d.execLost.append(subject) }
            let g0 = Set(old?.grants ?? []), g1 = Set(new?.grants ?? [])
            d.grantsAdded += g1.subtracting(g0).map { GrantChange(subject: subject, grant: $0) }
            d.grantsRemoved += g0.subtracting(g1).map { GrantChange(subject: subject, grant: $0) }
        }
        d.gained.sort(); d.lost.sort(); d.execGained.sort(); d.execLost.sort(); d.grantsAdded.sort(); d.grantsRemoved.sort()

        let gov0 = Dictionary(a.governance.map { ($0.subject, $0) }, uniquingKeysWith: { x, _ in x })
        let gov1 = Dictionary(b.governance.map { ($0.subject, $0) }, uniquingKeysWith: { x, _ in x })
        for subject in Set(gov0.keys).union(gov1.keys).sorted() where gov0[subject] != gov1[subject] {
            d.governance.append(GovernanceChange(subject: subject, before: gov0[subject], after: gov1[subject]))
        }

        let f0 = Set(a.findings.map(\.fingerprint)), f1 = Set(b.findings.map(\.fingerprint))
        d.newFindings = b.findings.filter { !f0.contains($0.fingerprint) }
        d.unchangedFindings = b.findings.filter { f0.contains($0.fingerprint) }
        d.fixedFindings = a.findings.filter { !f1.contains($0.fingerprint) }
        return d
    }

    private static func permissions(_ s: SubjectAccessRecord?, _ subject: SubjectRef) -> Set<PermissionChange> {
        var out = Set<PermissionChange>()
        for access in s?.access ?? [] {
            for verb in access.verbs {
                out.insert(PermissionChange(subject: subject, subresource: access.subresource, verb: verb, nodes: access.nodes))
            }
        }
        return out
    }
}
