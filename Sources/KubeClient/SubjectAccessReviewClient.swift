import Foundation
import KubeJSON
import RBAC

/// Asks the API server real SubjectAccessReviews, a bounded number at a time.
public enum SubjectAccessReviewClient {
    public static let path = "/apis/authorization.k8s.io/v1/subjectaccessreviews"

    /// The API server's status for each review, in order.
    public static func ask(_ client: KubeAPIClient, _ reviews: [SubjectAccessReview], concurrency: Int = 8) async throws -> [SubjectAccessReview.Status] {
        var results = [SubjectAccessReview.Status?](repeating: nil, count: reviews.count)
        try await withThrowingTaskGroup(of: (Int, SubjectAccessReview.Status).self) { group in
            var next = 0
            func start() {
                guard next < reviews.count else { return }
                let i = next, body = Data(JSONWriter.compact(reviews[i].json).utf8)
                next += 1
                group.addTask { (i, try await ask(client, body)) }
            }
            for _ in 0..<max(1, concurrency) { start() }
            while let (i, status) = try await group.next() {
                results[i] = status
                start()
            }
        }
        return results.map { $0! }
    }

    static func ask(_ client: KubeAPIClient, _ body: Data) async throws -> SubjectAccessReview.Status {
        struct Reply: Decodable {
            struct S: Decodable { var allowed: Bool?; var denied: Bool?; var reason: String?; var evaluationError: String? }
            var status: S?
        }
        let data = try await client.post(path, body: body, idempotent: true)
        guard let s = (try? JSONDecoder().decode(Reply.self, from: data))?.status else {
            throw KubeAPIError("\(client.server)\(path): the answer has no SubjectAccessReview status")
        }
        return SubjectAccessReview.Status(allowed: s.allowed ?? false, denied: s.denied ?? false,
                                          reason: s.reason ?? "", evaluationError: s.evaluationError ?? "")
    }
}
