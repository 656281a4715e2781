import Cluster
import Governance
import KubeJSON
@testable import Reports
import TestSupport
import Testing

/// The AI review's subjects are built on every core once there are enough of them: the same
/// trees, in the same order, as one after the other.
struct AIReviewJSONTests {
    @Test func subjectsOnEveryCoreAreTheSequentialOnes() throws {
        var snapshot = ClusterSnapshot()
        snapshot.merge(try ClusterDocumentDecoder.decode(Fixtures.data("ai-review/escalation.yaml"), source: "escalation.yaml"))
        snapshot.resolveDuplicates()
        let report = ClusterScanner.scan(snapshot, options: ScanOptions(now: Day(year: 2026, month: 11, day: 27)))
        let review = try #require(report.aiReview)
        #expect(review.subjects.count >= 3)
        // Distinct subjects in a long run, so that a slot written by the wrong lane shows.
        var many: [AISubjectReview] = []
        while many.count < 300 { many += review.subjects }
        #expect(JSONWriter.itemWorkers == 1 || many.count / 64 >= 2, "the parallel branch runs")
        let parallel = AIReviewJSON.subjects(many, aiNodeTotal: review.aiNodes.count)
        let sequential = many.map { AIReviewJSON.subject($0, aiNodeTotal: review.aiNodes.count) }
        #expect(parallel.count == sequential.count)
        #expect(parallel == sequential)
    }
}
