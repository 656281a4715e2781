/// What one authorizer says about a request, as `k8s.io/apiserver/pkg/authorization/authorizer`
/// has it: allow, deny, or no opinion (let the next one decide), with a reason and an
/// evaluation error that do not change the decision.
public enum AuthorizerDecision: String, Sendable, Hashable {
    case allow, deny, noOpinion
}

public struct AuthorizerAnswer: Sendable, Hashable {
    public let decision: AuthorizerDecision
    public let reason: String
    /// Non-nil when the authorizer could not evaluate everything (the API server's `err`).
    public let evaluationError: String?

    public init(_ decision: AuthorizerDecision, reason: String = "", evaluationError: String? = nil) {
        self.decision = decision
        self.reason = reason
        self.evaluationError = evaluationError
    }

    /// The SubjectAccessReview status the API server writes for this answer.
    public var status: SubjectAccessReview.Status {
        .init(allowed: decision == .allow, denied: decision == .deny, reason: reason, evaluationError: evaluationError ?? "")
    }
}

/// One link of the API server's authorizer chain: `system:masters`, Node, RBAC, webhooks.
public protocol Authorizer: Sendable {
    func decide(_ attributes: AuthorizationAttributes) -> AuthorizerAnswer
}

/// The privileged-groups authorizer the API server puts first: members of `system:masters`
/// are allowed everything, with no reason; everyone else gets no opinion.
public struct PrivilegedGroupAuthorizer: Authorizer {
    public let groups: Set<String>

    public init(groups: Set<String> = [UserInfo.mastersGroup]) { self.groups = groups }

    public func decide(_ attributes: AuthorizationAttributes) -> AuthorizerAnswer {
        attributes.user.groups.contains(where: groups.contains) ? AuthorizerAnswer(.allow) : AuthorizerAnswer(.noOpinion)
    }
}

extension RBACAuthorizer: Authorizer {
    /// RBAC only ever allows or has no opinion; missing roles go into the reason, not the
    /// error (plugin/pkg/auth/authorizer/rbac/rbac.go).
    public func decide(_ attributes: AuthorizationAttributes) -> AuthorizerAnswer {
        let d = authorize(attributes)
        return AuthorizerAnswer(d.allowed ? .allow : .noOpinion, reason: d.reason)
    }
}

/// The API server's union of authorizers (`authorization/union`): the first allow or deny
/// wins with its own reason and error. When every link has no opinion, the reasons are joined
/// with newlines and the errors aggregated.
public struct AuthorizerChain: Authorizer {
    public let links: [any Authorizer]

    public init(_ links: [any Authorizer]) { self.links = links }

    public func decide(_ attributes: AuthorizationAttributes) -> AuthorizerAnswer {
        decide { $0.decide(attributes) }
    }

    /// The union, asking each link through `ask` (so a caller can keep what a link says beyond
    /// its answer, such as the RBAC grant behind an allow).
    public func decide(asking ask: (any Authorizer) -> AuthorizerAnswer) -> AuthorizerAnswer {
        var reasons: [String] = []
        var errors: [String] = []
        for link in links {
            let answer = ask(link)
            if let e = answer.evaluationError { errors.append(e) }
            if !answer.reason.isEmpty { reasons.append(answer.reason) }
            if answer.decision != .noOpinion { return answer }
        }
        return AuthorizerAnswer(.noOpinion, reason: reasons.joined(separator: "\n"),
                                evaluationError: errors.isEmpty ? nil : RBACAuthorizer.aggregate(errors))
    }
}
