import Foundation
import KubeJSON
import RBAC

/// One SubjectAccessReview body in, the API server's answer out: the review with its status
/// (HTTP 201), or the `metav1.Status` it would have returned instead (400 for a body it cannot
/// decode, 422 for one that fails validation). The `review` command and the authorization
/// webhook answer through here.
public enum ReviewAnswering {
    public struct Rejection: Error, Sendable {
        public let code: Int
        public let status: JSONValue
        public var message: String { status["message"]?.stringValue ?? "invalid SubjectAccessReview" }
    }

    /// - Parameter location: where the body came from (`stdin:3`), named in decode errors.
    public static func answer(_ data: Data, reviewer: SubjectAccessReviewer, location: String) -> Result<SubjectAccessReview, Rejection> {
        let sar: SubjectAccessReview
        do {
            sar = try SubjectAccessReview.decode(data)
        } catch {
            return .failure(Rejection(code: 400, status: SubjectAccessReviewValidation.badRequest("\(location): \(error)")))
        }
        switch reviewer.review(sar) {
        case .success(let answered): return .success(answered)
        case .failure(let e): return .failure(Rejection(code: 422, status: SubjectAccessReviewValidation.status(for: e.errors)))
        }
    }
}
