import RBAC

/// One question for the API server: may this subject use this verb on `nodes/<subresource>`
/// of this node? With our own answer beside it, to compare.
public struct VerificationCheck: Sendable {
    public let subject: Subject
    public let user: UserInfo
    public let verb: String
    public let subresource: String
    public let node: String
    public let ours: SubjectAccessReview.Status
    /// The binding and rule behind our answer, when RBAC allowed.
    public let oursRule: String?

    /// The SubjectAccessReview the API server is asked, with exactly the attributes the
    /// kubelet's authorizer sends (group "", resource nodes, name = node).
    public var review: SubjectAccessReview {
        var ra = SubjectAccessReview.ResourceAttributes()
        ra.verb = verb
        ra.resource = "nodes"
        ra.subresource = subresource
        ra.name = node
        return SubjectAccessReview(resourceAttributes: ra, user: user.name, groups: user.groups)
    }
}

/// The checks `verify` sends: every subject the inventory names × every kubelet subresource ×
/// every kubelet verb, on a sample of nodes (or all of them). The sample is chosen to exercise
/// `resourceNames`: each node a subject's grants are pinned to, plus one they are not.
public enum VerificationPlan {
    public static let verbs = ["get", "create", "update", "patch", "delete"]
    /// A node name no cluster uses, for clusters whose input has no Nodes.
    public static let placeholderNode = "kubelet-authz-verify-node"

    public static func checks(inventory: [InventorySubject], nodes: [String], policy: RBACPolicy, allNodes: Bool) -> [VerificationCheck] {
        let reviewer = SubjectAccessReviewer(authorizer: RBACAuthorizer(policy: policy))
        let known = nodes.isEmpty ? [placeholderNode] : nodes.sorted()
        var out: [VerificationCheck] = []
        for entry in inventory.sorted(by: { $0.key < $1.key }) {
            let user = identity(of: entry.subject)
            for node in allNodes ? known : sample(entry, known: known) {
                for subresource in KubeletPermissions.subresources {
                    for verb in verbs {
                        let attributes = AuthorizationAttributes(user: user, verb: verb, resource: "nodes",
                                                                 subresource: subresource, name: node)
                        let answer = reviewer.answer(attributes)
                        out.append(VerificationCheck(subject: entry.subject, user: user, verb: verb, subresource: subresource,
                                                     node: node, ours: answer.status,
                                                     oursRule: answer.decision?.grant.map { "\($0.describedSource), rule \($0.ruleIndex)" }))
                    }
                }
            }
        }
        return out
    }

    static func sample(_ entry: InventorySubject, known: [String]) -> [String] {
        let pinned = Set(entry.access.values.compactMap(\.nodes).flatMap { $0 })
        var picked = known.filter { pinned.contains($0) }
        if let other = known.first(where: { !pinned.contains($0) }) { picked.append(other) }
        return picked.isEmpty ? [known[0]] : picked
    }

    /// The identity a SubjectAccessReview gives the subject: a ServiceAccount's user name and
    /// groups as its token would carry them, a User as authenticated, a Group through a member
    /// that no binding can name (a colon-prefixed name is reserved for the system).
    public static func identity(of subject: Subject) -> UserInfo {
        switch subject.kind {
        case Subject.serviceAccountKind:
            return UserInfo.asAuthenticated(name: UserInfo.serviceAccountPrefix + subject.namespace + ":" + subject.name)
        case Subject.groupKind:
            return UserInfo(name: "kubelet-authz:verify:member-of:" + subject.name, groups: [subject.name])
        default:
            return UserInfo.asAuthenticated(name: subject.name)
        }
    }
}
