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

public struct KubeletWhoCanAnswer: Sendable {
    public let request: KubeletRequest
    public let holders: [KubeletAccessHolder]
    /// ClusterRoleBindings to missing roles: they grant nothing today.
    public let unresolvedBindings: [(Binding, RBACPolicy.RoleLookupError)]

    public init(request: KubeletRequest, holders: [KubeletAccessHolder], unresolvedBindings: [(Binding, RBACPolicy.RoleLookupError)]) {
        self.request = request
        self.holders = holders
        self.unresolvedBindings = unresolvedBindings
    }
}

public struct KubeletWhoCan: Sendable {
    public let index: WhoCanIndex

    public init(policy: RBACPolicy) { self.index = WhoCanIndex(policy: policy) }

    public func answer(_ request: KubeletRequest) -> KubeletWhoCanAnswer {
        var order: [Subject] = []
        var via: [Subject: [KubeletAccessHolder.Via]] = [:]
        let masters = Subject(kind: Subject.groupKind, name: UserInfo.mastersGroup)
        for (i, check) in request.checks.enumerated() {
            if i == 0 {
                order.append(masters)
                via[masters] = [.init(grant: nil, subresource: check.subresource, checkIndex: 0, nodes: nil)]
            }
            for holder in index.subjects(verb: check.verb, resource: check.resource, subresource: check.subresource, name: request.node) {
                if via[holder.subject] == nil { order.append(holder.subject) }
                for grant in holder.grants {
                    let names = grant.rule.resourceNames
                    via[holder.subject, default: []].append(.init(grant: grant, subresource: check.subresource, checkIndex: i,
                                                                  nodes: names.isEmpty ? nil : names))
                }
            }
        }
        let holders = order.map { KubeletAccessHolder(subject: $0, via: via[$0]!) }
        return KubeletWhoCanAnswer(request: request, holders: holders, unresolvedBindings: index.unresolved)
    }
}
