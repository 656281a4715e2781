import Foundation
import KubeJSON
import RBAC
import Testing

/// Reviews as the API server answers them: the 422 Status for what validation rejects, and
/// the evaluationError for selectors it accepts but cannot use.
@Suite("SubjectAccessReview selectors and 422s")
struct SubjectAccessReviewSelectorTests {
    @Test("422: message and causes", arguments: SelectorFixture.shared.invalid)
    func invalid(_ v: SelectorFixture.ReviewCase<SelectorFixture.Rejected>) throws {
        let want = v.expected
        let sar = try SubjectAccessReview.decode(SelectorFixture.review(v.spec))
        let errors: [SubjectAccessReviewValidation.FieldError]
        switch SelectorFixture.reviewer.review(sar) {
        case .success(let answered):
            Issue.record("answered \(JSONWriter.compact(answered.json)), expected a 422 (\(want.source))")
            return
        case .failure(let e):
            errors = e.errors
        }
        let status = SubjectAccessReviewValidation.status(for: errors)
        #expect(status["code"] == .integer(422))
        #expect(status["reason"] == .string("Invalid"))
        #expect(status["message"]?.stringValue == want.status422.message, "\(want.source)")
        let causes = try #require(status["details"]?["causes"].flatMap { c -> [SelectorFixture.Cause]? in
            guard case .array(let items) = c else { return nil }
            return items.map { .init(reason: $0["reason"]?.stringValue ?? "", field: $0["field"]?.stringValue ?? "", message: $0["message"]?.stringValue ?? "") }
        })
        #expect(causes == want.status422.causes, "\(want.source)")
    }

    @Test("evaluationError: the decision stands, the selector part is reported", arguments: SelectorFixture.shared.evaluationError)
    func evaluation(_ v: SelectorFixture.ReviewCase<SelectorFixture.Answered>) throws {
        let want = v.expected
        let sar = try SubjectAccessReview.decode(SelectorFixture.review(v.spec))
        let answered = try SelectorFixture.reviewer.review(sar).get()
        #expect(answered.status?.allowed == want.allowed, "\(want.source)")
        #expect(answered.status?.evaluationError == want.evaluationError, "\(want.source)")
        let status = answered.json["status"]
        #expect(status?["evaluationError"] == (want.evaluationError.isEmpty ? nil : .string(want.evaluationError)))
    }

    @Test("selectors are written back as the typed object reads them", arguments: SelectorFixture.shared.echo)
    func echo(_ v: SelectorFixture.ReviewCase<SelectorFixture.Written>) throws {
        let sar = try SubjectAccessReview.decode(SelectorFixture.review(v.spec))
        let written = try #require(sar.json["spec"]?["resourceAttributes"])
        #expect(JSONWriter.compact(written) == v.expected.written)
    }

    @Test("a selector of the wrong JSON type is a decode error naming the field", arguments: SelectorFixture.shared.decodeErrors)
    func decodeError(_ v: SelectorFixture.ReviewCase<SelectorFixture.DecodeFailure>) {
        let path = v.expected.path
        do {
            let sar = try SubjectAccessReview.decode(SelectorFixture.review(v.spec))
            Issue.record("decoded \(JSONWriter.compact(sar.json)), expected an error at \(path)")
        } catch {
            guard case .field(let got, _) = error else {
                Issue.record("expected a field error at \(path), got \(error)")
                return
            }
            #expect(got == path)
        }
    }

    @Test("the authorizer's own error comes first")
    func authorizerErrorFirst() {
        #expect(SelectorEvaluationError.joined("myerror", [.ignored(.field)])
                == "myerror; spec.resourceAttributes.fieldSelector ignored due to parse error")
        #expect(SelectorEvaluationError.joined("myerror", []) == "myerror")
        #expect(SelectorEvaluationError.joined("", [.partiallyIgnored(.field), .ignored(.label)])
                == "spec.resourceAttributes.fieldSelector partially ignored due to parse error; spec.resourceAttributes.labelSelector ignored due to parse error")
        #expect(SelectorEvaluationError.joined("", []) == "")
    }

    @Test("the 422 Status: no details.kind, repeated messages once in the message, every cause kept")
    func statusShape() throws {
        typealias FieldError = SubjectAccessReviewValidation.FieldError
        let twice = [FieldError.required("spec.x", "must be specified"), .required("spec.x", "must be specified"),
                     .forbidden("spec.y", "no")]
        let status = SubjectAccessReviewValidation.status(for: twice)
        #expect(status["message"]?.stringValue
                == #".authorization.k8s.io "" is invalid: [spec.x: Required value: must be specified, spec.y: Forbidden: no]"#)
        let details = try #require(status["details"])
        #expect(details["kind"] == nil)
        #expect(details["name"] == nil)
        #expect(details["group"] == .string("authorization.k8s.io"))
        guard case .array(let causes)? = details["causes"] else {
            Issue.record("no causes in \(JSONWriter.compact(status))")
            return
        }
        #expect(causes.count == 3)
        #expect(JSONWriter.compact(causes[2]) == #"{"reason":"FieldValueForbidden","message":"Forbidden: no","field":"spec.y"}"#)
        let single = SubjectAccessReviewValidation.status(for: [twice[0], twice[1]])
        #expect(single["message"]?.stringValue == #".authorization.k8s.io "" is invalid: spec.x: Required value: must be specified"#)
    }

    @Test("an answered review writes its selectors and evaluationError on the wire")
    func wire() throws {
        let spec = #"{"user":"alice","resourceAttributes":{"verb":"get","resource":"nodes","subresource":"proxy","name":"n1","fieldSelector":{"rawSelector":"spec.nodeName=n1","x":1},"labelSelector":{"rawSelector":"a b"}}}"#
        let sar = try SubjectAccessReview.decode(Data((#"{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":"# + spec + "}").utf8))
        let out = JSONWriter.compact(try SelectorFixture.reviewer.review(sar).get().json)
        #expect(out.contains(#""name":"n1","fieldSelector":{"rawSelector":"spec.nodeName=n1"},"labelSelector":{"rawSelector":"a b"}}"#))
        #expect(out.hasSuffix(#""status":{"allowed":true,"reason":"RBAC: allowed by ClusterRoleBinding \"alice-proxy\" of ClusterRole \"proxy\" to User \"alice\"","evaluationError":"spec.resourceAttributes.labelSelector ignored due to parse error"}}"#))
    }

    @Test("label syntax: keys and values")
    func labelSyntax() {
        for key in ["a", "a.b-c_d", "1234", "example.com/a", "0.1.2.domain/99", String(repeating: "a", count: 63)] {
            #expect(LabelSyntax.keyErrors(key).isEmpty, "\(key)")
        }
        for value in ["", "a", "a.b-c_d", String(repeating: "v", count: 63)] {
            #expect(LabelSyntax.valueErrors(value).isEmpty, "\(value)")
        }
        #expect(LabelSyntax.keyErrors("a/").count == 2)
        #expect(LabelSyntax.keyErrors("/").count == 3)
        #expect(LabelSyntax.keyErrors(String(repeating: "a", count: 254) + "/b")
                == ["prefix part must be no more than 253 bytes"])
        #expect(LabelSyntax.valueErrors("é").count == 1)
    }
}
