import Foundation
import NIOCore

/// `POST /authorize` as both of its paths answer it (`AuthorizeOnEventLoop` on the event loop,
/// the router for what that one passes on): the body limit, admission (`ReviewAdmission`: one
/// review more than the limit is answered 429 at once), and the webhook's answer.
struct ReviewEndpoint: Sendable {
    let webhook: AuthorizationWebhook
    let admission: ReviewAdmission
    let metrics: ServerMetrics
    let bodyLimit: Int
    let overloaded: WebhookAnswer

    init(webhook: AuthorizationWebhook, metrics: ServerMetrics, bodyLimit: Int, concurrency: Int, retryAfter: Int) {
        self.webhook = webhook
        self.metrics = metrics
        self.bodyLimit = bodyLimit
        admission = ReviewAdmission(limit: concurrency)
        overloaded = WebhookAnswer.failure(429, reason: "TooManyRequests",
                                           message: "kubelet-authz: \(concurrency) reviews are being answered; retry",
                                           retryAfter: retryAfter)
    }

    /// True when the review may be answered (the caller then calls `leave()`); false counts it shed.
    func admit() -> Bool {
        if admission.enter() { return true }
        metrics.shedReviews.increment()
        return false
    }

    func leave() { admission.leave() }

    func answer(_ body: ByteBuffer) -> WebhookAnswer {
        body.withUnsafeReadableBytes { webhook.answer(bytes: $0, now: webhook.clock()) }
    }

    /// Admission and the answer, for a body already read.
    func admitAndAnswer(_ body: ByteBuffer) -> WebhookAnswer {
        guard admit() else { return overloaded }
        defer { leave() }
        return answer(body)
    }
}
