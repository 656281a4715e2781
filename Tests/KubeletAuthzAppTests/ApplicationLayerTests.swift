import Foundation
import Governance
import KubeJSON
import KubeletAuthzApp
import KubeletModel
import RBAC
import TestSupport
import Testing

/// The application layer answers without a command line: what the coming server will call.
@Suite("Application layer")
struct ApplicationLayerTests {
    static let cluster = Fixtures.url("oracle-cluster.yaml").path

    @Test("cluster files load with the release rule applied to them")
    func clusterAndRelease() throws {
        let snapshot = try ClusterFileReader.read([Self.cluster], stdin: { Data() })
        #expect(!snapshot.bindings.isEmpty)
        let choice = ReleaseRule.choose(snapshot, flag: nil)
        #expect(choice.source == .nodes)
        #expect(choice.profile.version == .v(36))
        #expect(ReleaseRule.choose(snapshot, flag: .v(31)).source == .flag)
        #expect(throws: InputError.self) { try ClusterFileReader.read([], stdin: { Data() }) }
        #expect(throws: InputError("the path \"/nonexistent/x.yaml\" does not exist")) {
            try ClusterFileReader.read(["/nonexistent/x.yaml"], stdin: { Data() })
        }
    }

    @Test("a review body is answered, or refused with the API server's code")
    func reviews() throws {
        let reviewer = SubjectAccessReviewer(authorizer: RBACAuthorizer(policy: try ClusterFileReader.read([Self.cluster], stdin: { Data() }).policy()))
        let ok = #"{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":"system:serviceaccount:oracle:sa-proxy","resourceAttributes":{"verb":"get","resource":"nodes","subresource":"proxy","name":"oracle-node"}}}"#
        guard case .success(let answered) = ReviewAnswering.answer(Data(ok.utf8), reviewer: reviewer, location: "body") else {
            Issue.record("expected an answer"); return
        }
        #expect(answered.status?.allowed == true)
        guard case .failure(let invalid) = ReviewAnswering.answer(Data(#"{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":"alice"}}"#.utf8), reviewer: reviewer, location: "body") else {
            Issue.record("expected a 422"); return
        }
        #expect(invalid.code == 422)
        guard case .failure(let undecodable) = ReviewAnswering.answer(Data("{".utf8), reviewer: reviewer, location: "body") else {
            Issue.record("expected a 400"); return
        }
        #expect(undecodable.code == 400)
        #expect(undecodable.message.hasPrefix("body: "))
    }

    @Test("evidence from a body in memory (as the audit webhook will hand it over)")
    func evidenceFromBody() throws {
        let log = Fixtures.data("audit-kube-apiserver-1.36.jsonl")
        let result = try EvidenceLoading(logs: ["-"], store: .memory, stdin: log).load()
        // The same bytes from the file give the same report.
        let fromFile = try EvidenceLoading(logs: [Fixtures.url("audit-kube-apiserver-1.36.jsonl").path], store: .memory).load()
        #expect(result.report.uniqueKubeletReviews > 0)
        #expect(result.report.uniqueKubeletReviews == fromFile.report.uniqueKubeletReviews)
        #expect(result.report.usage == fromFile.report.usage)
        #expect(result.inputs == ["<stdin>"])
        #expect(throws: InputError.self) { try EvidenceLoading(logs: [], store: .memory).load() }
    }
}
