import Foundation
import KubeJSON
@testable import RBAC
import TestSupport
import Testing

/// The webhook's answer is written straight to bytes: they must be the bytes of the reference,
/// `JSONWriter.compact(review.json)`.
struct SubjectAccessReviewWriterTests {
    /// Every real review, every mutation the reference decoder accepts, reviews with selectors,
    /// `extra` and text that needs escapes, each with every kind of status.
    static func reviews() -> [SubjectAccessReview] {
        var bodies = SubjectAccessReviewFieldReaderTests.realBodies
        bodies.append(Array(#"""
            {"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","metadata":{"name":"<x>","labels":{"b":"1","a":"\u2028"}},
             "spec":{"resourceAttributes":{"namespace":"ns","verb":"list","group":"apps","version":"v1","resource":"deployments",
               "fieldSelector":{"rawSelector":"spec.nodeName=n1","requirements":[{"key":"spec.nodeName","operator":"In","values":["n1","n&2"]}]},
               "labelSelector":{"requirements":[{"key":"app","operator":"Exists"}]}},
             "user":"é \"quoted\" <user>","groups":["g1","g\\2"],"uid":"u",
             "extra":{"z":["1"],"a":["x","y"],"m":[]}}}
            """#.utf8))
        bodies.append(Array(#"{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{}}"#.utf8))
        var rng = SplitMix(state: 7)
        for _ in 0..<400 {
            var body = bodies[Int.random(in: 0..<bodies.count, using: &rng)]
            body = SubjectAccessReviewFieldReaderTests.mutation(of: body, &rng)
            bodies.append(body)
        }
        let statuses: [SubjectAccessReview.Status?] = [
            nil, .init(allowed: false), .init(allowed: true), .init(allowed: false, denied: true, reason: "kubelet-authz: <no> \"approval\""),
            .init(allowed: false, reason: "", evaluationError: "webhook: timeout"),
        ]
        var reviews: [SubjectAccessReview] = []
        for (k, body) in bodies.enumerated() {
            guard var review = try? SubjectAccessReview.decodeWithJSONDecoder(Data(body)) else { continue }
            review.status = statuses[k % statuses.count]
            reviews.append(review)
        }
        return reviews
    }

    @Test func sameBytesAsTheTree() {
        let reviews = Self.reviews()
        #expect(reviews.count > 80)
        #expect(reviews.contains { $0.resourceAttributes?.labelSelector != nil && !$0.extra.isEmpty })
        #expect(reviews.contains { $0.version != .v1 })
        for review in reviews {
            var direct: [UInt8] = []
            review.writeJSON(into: &direct)
            let tree = Array(JSONWriter.compact(review.json).utf8)
            #expect(direct == tree, "\(String(decoding: tree, as: UTF8.self))")
        }
    }
}
