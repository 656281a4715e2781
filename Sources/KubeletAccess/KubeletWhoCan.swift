import KubeletModel
import RBAC

/// A subject that can get a request past the kubelet's authorization, and through which of
/// its checks.
public struct KubeletAccessHolder: Sendable, Hashable {
    public struct Via: Sendable, Hashable {
        public let grant: RBACGrant?
        public let subresource: String
        public let checkIndex: Int
        /// `*` or the node names the rule is pinned to.
        public let nodes: [String]?
    }

    public let subject: Subject
    public let via: [Via]
    /// Reaches the path only through a later check — in practice the `nodes/proxy` fallback.
    public var onlyViaFallback: Bool { via.allSatisfy { $0.checkIndex > 0 } }
    /// Allowed by the API server's privileged-group authorizer, not by a binding.
    public var implicit: Bool { via.contains { $0.grant == nil } }
}

/// What who-can was asked: a request as the kubelet sees it (`GET /pods`: its checks in order),
/// or one permission as RBAC names it (`get nodes/pods`: that check alone).
public enum KubeletQuestion: Sendable {
    case request(KubeletRequest)
    case permission(KubeletPermission)

    public var checks: [KubeletCheck] {
        switch self {
        case .request(let r): return r.checks
        case .permission(let p): return [p.check]
        }
    }

    public var node: String? {
        switch self {
        case .request(let r): return r.node
        case .permission(let p): return p.node
        }
    }

    public var profile: KubeletProfile {
        switch self {
        case .request(let r): return r.profile
        case .permission(let p): return p.profile
        }
    }
}

public struct KubeletWhoCanAnswer: Sendable {
    public let question: KubeletQuestion
    public let holders: [KubeletAccessHolder]
    /// ClusterRoleBindings to missing roles: they grant nothing today.
    public let unresolvedBindings: [(Binding, RBACPolicy.RoleLookupError)]

    public init(question: KubeletQuestion, holders: [KubeletAccessHolder], unresolvedBindings: [(Binding, RBACPolicy.RoleLookupError)]) {
        self.question = question
        self.holders = holders
        self.unresolvedBindings = unresolvedBindings
    }
}

public struct KubeletWhoCan: Sendable {
    public let index: WhoCanIndex

    public init(policy: RBACPolicy) { self.index = WhoCanIndex(policy: policy) }

    public func answer(_ request: KubeletRequest) -> KubeletWhoCanAnswer { answer(.request(request)) }

    public func answer(_ permission: KubeletPermission) -> KubeletWhoCanAnswer { answer(.permission(permission)) }

    public func answer(_ question: KubeletQuestion) -> KubeletWhoCanAnswer {
        var order: [Subject] = []
        var via: [Subject: [KubeletAccessHolder.Via]] = [:]
        let masters = Subject(kind: Subject.groupKind, name: UserInfo.mastersGroup)
        for (i, check) in question.checks.enumerated() {
            if i == 0 {
                order.append(masters)
                via[masters] = [.init(grant: nil, subresource: check.subresource, checkIndex: 0, nodes: nil)]
            }
            for holder in index.subjects(verb: check.verb, resource: check.resource, subresource: check.subresource, name: question.node) {
                if via[holder.subject] == nil { order.append(holder.subject) }
                for grant in holder.grants {
                    let names = grant.rule.resourceNames
                    via[holder.subject, default: []].append(.init(grant: grant, subresource: check.subresource, checkIndex: i,
                                                                  nodes: names.isEmpty ? nil : names))
                }
            }
        }
        let holders = order.map { KubeletAccessHolder(subject: $0, via: via[$0]!) }
        return KubeletWhoCanAnswer(question: question, holders: holders, unresolvedBindings: index.unresolved)
    }
}
