import Cluster
import KubeletModel
import RBAC

/// The register as the authorization webhook enforces it: an immutable value, built once per
/// load and swapped whole on reload, so every review is judged by one policy.
///
/// A kubelet check is denied when no subject the request stands for — its user (a
/// ServiceAccount for `system:serviceaccount:NS:NAME`) or any of its groups — has a governance
/// record approving the check's verb on its subresource (on its node, when the approval names
/// nodes) with a next review not yet past. The record is found as `scan` finds it
/// (`GovernanceLookup`: the register, else ServiceAccount annotations, else binding annotations).
/// Everything else gets no opinion, so RBAC still decides. The kubelet asks `nodes/pods` (or
/// another fine-grained subresource) and then `nodes/proxy`, and treats a deny like no opinion
/// between the two: a path is denied only when both checks are, which judging each check by
/// its own subresource gives.
public struct KubeletEnforcementPolicy: Sendable {
    public let records: [SubjectKey: GovernanceRecord]
    public let neverDeny: NeverDenyList
    /// Where the records came from (the register file, the cluster), for logs and /readyz.
    public let source: String

    public init(records: [SubjectKey: GovernanceRecord], neverDeny: NeverDenyList, source: String) {
        self.records = records
        self.neverDeny = neverDeny
        self.source = source
    }

    /// The register's entries, and the annotations of every subject with kubelet access in the
    /// scan (a register entry wins, as in `scan`).
    public init(register: GovernanceRegister?, scan: ScanReport?, neverDeny: NeverDenyList, source: String) {
        var records: [SubjectKey: GovernanceRecord] = [:]
        for s in scan?.subjects ?? [] { if let g = s.governance { records[s.key] = g } }
        for e in register?.entries ?? [] { records[e.subject] = e.record }
        self.init(records: records, neverDeny: neverDeny, source: source)
    }

    /// The kubelet's vocabulary: `nodes/<subresource>` in the core group.
    static let kubeletSubresources = Set(KubeletSubresource.names)

    public func judge(_ review: SubjectAccessReview, today: Day) -> EnforcementVerdict {
        guard let ra = review.resourceAttributes, ra.resource == "nodes", ra.group.isEmpty,
              Self.kubeletSubresources.contains(ra.subresource) else { return .notKubeletCheck }
        if let why = neverDeny.exemption(user: review.user, groups: review.groups) { return .exempt(why) }
        var candidates: [SubjectKey] = []
        if let sa = UserInfo.splitServiceAccount(review.user) {
            candidates.append(SubjectKey(kind: Subject.serviceAccountKind, name: sa.name, namespace: sa.namespace))
        } else {
            candidates.append(SubjectKey(kind: Subject.userKind, name: review.user))
        }
        candidates += review.groups.map { SubjectKey(kind: Subject.groupKind, name: $0) }
        var lapsed: (SubjectKey, Day, GovernanceRecord)? = nil
        for key in candidates {
            guard let record = records[key], Self.approves(record, verb: ra.verb, subresource: ra.subresource, node: ra.name) else { continue }
            if let next = record.nextReview, next < today {
                if lapsed == nil { lapsed = (key, next, record) }
                continue
            }
            return .approved(key)
        }
        let check = "\(ra.verb) nodes/\(ra.subresource)"
        if let lapsed {
            let (key, day, record) = lapsed
            return .deny(reason: "kubelet-authz: the approval of \(key) for \(check) lapsed after its review date \(day) (\(record.origin.description))")
        }
        return .deny(reason: "kubelet-authz: \(review.user) is not approved for \(check)\(ra.name.isEmpty ? "" : " on node \(ra.name)") in the governance register")
    }

    /// Whether an approval in the record covers the verb on the subresource on this node.
    static func approves(_ record: GovernanceRecord, verb: String, subresource: String, node: String) -> Bool {
        (record.approved ?? []).contains { a in
            (a.subresources.contains(subresource) || a.subresources.contains("*")) && (a.verbs.contains(verb) || a.verbs.contains("*"))
                && (a.nodes.map { $0.contains(node) } ?? true)
        }
    }
}
