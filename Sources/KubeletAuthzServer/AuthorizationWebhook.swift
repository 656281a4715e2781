import Evidence
import Foundation
import Governance
import RBAC

/// `POST /authorize`: a SubjectAccessReview in, the same review with its status out, as the
/// API server's webhook authorizer sends and reads it (k8s.io/apiserver/plugin/pkg/authorizer/
/// webhook/webhook.go: `allowed` ⇒ Allow, `denied` ⇒ Deny, neither ⇒ NoOpinion; both set is
/// a Deny with an error, so `allowed` is never set here). This webhook never allows: at most
/// it denies, and RBAC decides the rest.
public struct AuthorizationWebhook: Sendable {
    public let mode: ServerConfiguration.Mode
    let policy: PolicyState
    let aggregator: DecisionAggregator
    let metrics: ServerMetrics
    let clock: @Sendable () -> Double

    public func answer(_ body: Data, now: Double) -> WebhookAnswer {
        body.withUnsafeBytes { answer(bytes: $0, now: now) }
    }

    public func answer(bytes body: UnsafeRawBufferPointer, now: Double) -> WebhookAnswer {
        let started = ContinuousClock.now
        var review: SubjectAccessReview
        do {
            review = try SubjectAccessReview.decode(bytes: body)
        } catch {
            metrics.malformedReviews.increment()
            return WebhookAnswer(status: 400, json: SubjectAccessReviewValidation.badRequest("SubjectAccessReview: \(error)"))
        }
        guard let current = policy.policy else {
            return .failure(503, reason: "ServiceUnavailable", message: "kubelet-authz: the policy is not loaded yet", retryAfter: 1)
        }
        let verdict = current.enforcement.judge(review, today: UTCDay.day(epochSeconds: now))
        let denies = mode == .enforce && verdict.decision == .deny
        if case .deny(let reason) = verdict, denies {
            review.status = SubjectAccessReview.Status(allowed: false, denied: true, reason: reason)
        } else {
            review.status = SubjectAccessReview.Status(allowed: false)
        }
        var body: [UInt8] = []
        body.reserveCapacity(1024)
        review.writeJSON(into: &body)
        let answer = WebhookAnswer(status: 200, body: body)
        record(review, verdict, at: now)
        metrics.decisionLatency.recordNanoseconds(Int64((ContinuousClock.now - started).nanoseconds))
        return answer
    }

    private func record(_ review: SubjectAccessReview, _ verdict: EnforcementVerdict, at now: Double) {
        guard let ra = review.resourceAttributes, verdict != .notKubeletCheck else {
            metrics.decision(mode: mode.rawValue, subresource: "none", verb: "none", result: "not-kubelet")
            return
        }
        let result = switch verdict {
        case .deny: "deny"
        case .approved: "approved"
        case .exempt: "exempt"
        case .notKubeletCheck: "not-kubelet"
        }
        metrics.decision(mode: mode.rawValue, subresource: ra.subresource, verb: ra.verb, result: result)
        aggregator.record(AuthorizationDecision.Key(user: review.user, node: ra.name, subresource: ra.subresource, verb: ra.verb,
                                                    mode: mode.rawValue, verdict: verdict.decision), at: now)
    }
}

extension Duration {
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
