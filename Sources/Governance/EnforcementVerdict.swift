import Evidence

/// The authorization webhook's judgement of one SubjectAccessReview against the register.
public enum EnforcementVerdict: Sendable, Hashable {
    /// Not a kubelet check (`nodes/<kubelet subresource>` in the core group): none of our business.
    case notKubeletCheck
    /// A kubelet check by a subject on the never-deny list (the reason names the entry).
    case exempt(String)
    /// A kubelet check the register approves, by the subject named.
    case approved(SubjectKey)
    /// A kubelet check the register does not approve, or approved until a day now past.
    case deny(reason: String)

    /// What the webhook answers in enforce mode (and records in observe mode).
    public var decision: AuthorizationDecision.Verdict {
        if case .deny = self { return .deny }
        return .noOpinion
    }
}
