/// Answers SubjectAccessReviews as the API server's authorizer chain does for everything the
/// RBAC objects decide: the `system:masters` authorizer first (allow, no reason), then RBAC.
/// The Node authorizer is not modelled: it only speaks for `system:node:*` users in
/// `system:nodes`, and never about kubelet subresources.
public struct SubjectAccessReviewer: Sendable {
    public let authorizer: RBACAuthorizer

    public init(authorizer: RBACAuthorizer) { self.authorizer = authorizer }

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
        /// The RBAC decision behind it; nil when `system:masters` decided.
        public let decision: RBACDecision?
    }

    public func answer(_ attributes: AuthorizationAttributes) -> Answer {
        if attributes.user.groups.contains(UserInfo.mastersGroup) {
            return Answer(status: .init(allowed: true), decision: nil)
        }
        let d = authorizer.authorize(attributes)
        return Answer(status: .init(allowed: d.allowed, reason: d.reason), decision: d)
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
