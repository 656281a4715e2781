import Foundation
import KubeJSON
import RBAC
import Testing

@Suite("SubjectAccessReview")
struct SubjectAccessReviewTests {
    let reviewer = SubjectAccessReviewer(authorizer: RBACAuthorizer(policy: RBACPolicy(
        roles: [Role.clusterRole("kubelet-stats", rules: [PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["nodes/stats"])])],
        bindings: [.clusterRoleBinding("prom", clusterRole: "kubelet-stats", subjects: [Subject(kind: "ServiceAccount", name: "prom", namespace: "monitoring")])])))

    /// A kubelet asking about `GET /stats/summary`, as its webhook authorizer writes the review (staging/src/k8s.io/apiserver/plugin/pkg/authorizer/webhook).
    @Test("the spec's kubelet review, answered")
    func specExample() throws {
        let json = #"""
        {"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","metadata":{"creationTimestamp":null},
         "spec":{"resourceAttributes":{"verb":"get","version":"v1","resource":"nodes","subresource":"stats","name":"worker-1"},
                 "user":"system:serviceaccount:monitoring:prom",
                 "groups":["system:serviceaccounts","system:serviceaccounts:monitoring","system:authenticated"],
                 "uid":"4f1c","extra":{"authentication.kubernetes.io/pod-name":["prom-0"]}},
         "status":{"allowed":false}}
        """#
        let sar = try SubjectAccessReview.decode(Data(json.utf8))
        let answered = try reviewer.review(sar).get()
        #expect(answered.status?.allowed == true)
        #expect(answered.status?.reason == #"RBAC: allowed by ClusterRoleBinding "prom" of ClusterRole "kubelet-stats" to ServiceAccount "prom/monitoring""#)
        let out = JSONWriter.compact(answered.json)
        #expect(out.contains(#""status":{"allowed":true,"reason":"RBAC: allowed by ClusterRoleBinding \"prom\""#))
        #expect(out.contains(#""extra":{"authentication.kubernetes.io/pod-name":["prom-0"]}"#))
    }

    @Test("a plain miss is allowed:false with no reason")
    func miss() throws {
        var sar = SubjectAccessReview(user: "nobody")
        var ra = SubjectAccessReview.ResourceAttributes()
        ra.verb = "get"; ra.resource = "nodes"; ra.subresource = "proxy"; ra.name = "n"
        sar.resourceAttributes = ra
        let answered = try reviewer.review(sar).get()
        #expect(JSONWriter.compact(answered.json).hasSuffix(#""status":{"allowed":false}}"#))
    }

    @Test("v1beta1 carries groups in `group`")
    func v1beta1() throws {
        let json = #"{"apiVersion":"authorization.k8s.io/v1beta1","kind":"SubjectAccessReview","spec":{"nonResourceAttributes":{"path":"/healthz","verb":"get"},"group":["system:masters"]}}"#
        let sar = try SubjectAccessReview.decode(Data(json.utf8))
        #expect(sar.groups == ["system:masters"])
        let answered = try reviewer.review(sar).get()
        #expect(answered.status == .init(allowed: true))
        #expect(JSONWriter.compact(answered.json).contains(#""group":["system:masters"]"#))
    }

    @Test("the API server's validation messages, as measured on v1.36.2")
    func validation() {
        let neither = SubjectAccessReview(user: "me")
        #expect(SubjectAccessReviewValidation.validate(neither).map(\.message)
                == ["spec.resourceAttributes: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified"])
        var nobody = SubjectAccessReview()
        nobody.resourceAttributes = .init()
        #expect(SubjectAccessReviewValidation.validate(nobody).map(\.message)
                == [#"spec.user: Invalid value: "": at least one of user or group must be specified"#])
        var both = SubjectAccessReview(user: "me")
        both.resourceAttributes = .init()
        both.nonResourceAttributes = .init()
        both.nonResourceAttributes?.path = "/metrics"
        both.nonResourceAttributes?.verb = "get"
        #expect(SubjectAccessReviewValidation.validate(both).map(\.message)
                == [#"spec.nonResourceAttributes: Invalid value: {"Path":"/metrics","Verb":"get"}: cannot be specified in combination with resourceAttributes"#])

        let status = SubjectAccessReviewValidation.status(for: SubjectAccessReviewValidation.validate(SubjectAccessReview()))
        #expect(status["code"] == .integer(422))
        #expect(status["message"]?.stringValue == #".authorization.k8s.io "" is invalid: [spec.resourceAttributes: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified, spec.user: Invalid value: "": at least one of user or group must be specified]"#)
        #expect(JSONWriter.compact(status["details"] ?? .null) == #"{"group":"authorization.k8s.io","causes":[{"reason":"FieldValueInvalid","message":"Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified","field":"spec.resourceAttributes"},{"reason":"FieldValueInvalid","message":"Invalid value: \"\": at least one of user or group must be specified","field":"spec.user"}]}"#)
    }

    @Test("metadata: fields the API server clears are accepted; a name is not")
    func metadata() throws {
        func sar(_ meta: String) throws -> SubjectAccessReview {
            try SubjectAccessReview.decode(Data((#"{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","metadata":"# + meta
                + #","spec":{"user":"u","nonResourceAttributes":{"path":"/x","verb":"get"}}}"#).utf8))
        }
        #expect(SubjectAccessReviewValidation.validate(try sar(#"{"namespace":"ns","creationTimestamp":"2026-01-01T00:00:00Z","uid":"x","resourceVersion":"1","labels":{}}"#)).isEmpty)
        let named = SubjectAccessReviewValidation.validate(try sar(#"{"name":"mine"}"#))
        #expect(named.map(\.field) == ["metadata"])
    }

    @Test("wrong kind and bad JSON are reported, with the field")
    func decodeErrors() {
        #expect(throws: SubjectAccessReview.DecodeError.wrongType(apiVersion: "v1", kind: "Pod")) {
            try SubjectAccessReview.decode(Data(#"{"apiVersion":"v1","kind":"Pod"}"#.utf8))
        }
        do {
            _ = try SubjectAccessReview.decode(Data(#"{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":7}}"#.utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("spec.user:"))
        }
    }

    @Test("invalid JSON is placed by column (and line, over several lines), not by Foundation's character offset", arguments: [
        (#"{"apiVersion":"authorization.k8s.io/v1","kind": tru}"#, "invalid JSON: column "),
        ("{\n  \"apiVersion\": \"authorization.k8s.io/v1\",\n  \"kind\": tru\n}", "invalid JSON: line 3, column "),
    ])
    func decodeSyntaxError(_ c: (String, String)) {
        #expect { try SubjectAccessReview.decode(Data(c.0.utf8)) } throws: { e in
            let text = "\(e)"
            return text.hasPrefix(c.1) && !text.contains("character")
        }
    }

    @Test("ServiceAccount-implied groups are not invented: a review's groups are its own")
    func groupsFromReviewOnly() throws {
        let p = RBACPolicy(roles: [Role.clusterRole("r", rules: [PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["nodes/proxy"])])],
                           bindings: [.clusterRoleBinding("b", clusterRole: "r", subjects: [Subject(kind: "Group", name: "system:serviceaccounts")])])
        let r = SubjectAccessReviewer(authorizer: RBACAuthorizer(policy: p))
        var sar = SubjectAccessReview(user: "system:serviceaccount:ns:sa")
        var ra = SubjectAccessReview.ResourceAttributes()
        ra.verb = "get"; ra.resource = "nodes"; ra.subresource = "proxy"; ra.name = "n"
        sar.resourceAttributes = ra
        #expect(try r.review(sar).get().status?.allowed == false)
        sar.groups = ["system:serviceaccounts"]
        #expect(try r.review(sar).get().status?.allowed == true)
    }
}
