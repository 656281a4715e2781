/// Answers SubjectAccessReviews as the API server's authorizer chain does: by default
/// chain(`system:masters`, RBAC); further links (an authorization webhook, the Node authorizer)
/// go between or after them. The Node authorizer is not modelled: it only speaks for
/// `system:node:*` users in `system:nodes`, and never about kubelet subresources.
public struct SubjectAccessReviewer: Sendable {
    /// The RBAC link, kept apart so that answers can name the grant behind an allow.
    public let authorizer: RBACAuthorizer
    public let chain: AuthorizerChain

    public init(authorizer: RBACAuthorizer) {
        self.init(authorizer: authorizer, chain: AuthorizerChain([PrivilegedGroupAuthorizer(), authorizer]))
    }

    /// `chain` must contain `authorizer` for `Answer.decision` to describe the RBAC link.
    public init(authorizer: RBACAuthorizer, chain: AuthorizerChain) {
        self.authorizer = authorizer
        self.chain = chain
    }

    /// The attributes the API server builds from a review (`ResourceAttributesFrom`,
    /// `NonResourceAttributesFrom`): the namespace is taken as given, even for cluster-scoped
    /// resources, and an empty version means any.
    public static func attributes(of sar: SubjectAccessReview) -> AuthorizationAttributes? {
        let user = UserInfo(name: sar.user, uid: sar.uid, groups: sar.groups, extra: sar.extra)
        if let r = sar.resourceAttributes {
            return AuthorizationAttributes(user: user, verb: r.verb, namespace: r.namespace, apiGroup: r.group,
                                           apiVersion: r.version.isEmpty ? "*" : r.version, resource: r.resource,
                                           subresource: r.subresource, name: r.name)
        }
        if let n = sar.nonResourceAttributes {
            return AuthorizationAttributes(user: user, verb: n.verb, nonResourcePath: n.path)
        }
        return nil
    }

    public struct Answer: Sendable {
        public let status: SubjectAccessReview.Status
        /// The RBAC decision behind it; nil when a link before RBAC (`system:masters`) decided.
        public let decision: RBACDecision?
    }

    public func answer(_ attributes: AuthorizationAttributes) -> Answer {
        var rbac: RBACDecision? = nil
        let chained = chain.decide { link in
            guard let link = link as? RBACAuthorizer else { return link.decide(attributes) }
            let d = link.authorize(attributes)
            rbac = d
            return AuthorizerAnswer(d.allowed ? .allow : .noOpinion, reason: d.reason)
        }
        return Answer(status: chained.status, decision: rbac)
    }

    /// Validates and answers; the error is the API server's 422 Status.
    public func review(_ sar: SubjectAccessReview) -> Result<SubjectAccessReview, SubjectAccessReviewError> {
        let errors = SubjectAccessReviewValidation.validate(sar)
        guard errors.isEmpty, let attributes = Self.attributes(of: sar) else {
            return .failure(SubjectAccessReviewError(errors: errors))
        }
        var out = sar
        var status = answer(attributes).status
        // Whoever decided, the API server adds what it could not read of the selectors.
        status.evaluationError = SelectorEvaluationError.joined(
            status.evaluationError, SelectorEvaluationError.errors(for: sar.resourceAttributes))
        out.status = status
        return .success(out)
    }
}

public struct SubjectAccessReviewError: Error, Sendable {
    public let errors: [SubjectAccessReviewValidation.FieldError]
}
