import CLITestSupport
import Foundation
import KubeJSON
import TestSupport
import Testing

@Suite("kubelet-authz review")
struct ReviewCommandTests {
    /// Writes a vector's RBAC objects as the `kubectl get -o json` List a user would pass.
    func clusterFile(_ v: AuthorizerVector) throws -> String {
        func rules(_ r: [RuleJSON]) -> [[String: Any]] {
            r.map { rule in
                var o: [String: Any] = [:]
                if let x = rule.verbs { o["verbs"] = x }
                if let x = rule.apiGroups { o["apiGroups"] = x }
                if let x = rule.resources { o["resources"] = x }
                if let x = rule.resourceNames { o["resourceNames"] = x }
                if let x = rule.nonResourceURLs { o["nonResourceURLs"] = x }
                return o
            }
        }
        func binding(_ b: BindingJSON, kind: String) -> [String: Any] {
            var meta: [String: Any] = ["name": b.name]
            if let ns = b.namespace { meta["namespace"] = ns }
            return ["apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": meta,
                    "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": b.roleRef.kind, "name": b.roleRef.name],
                    "subjects": b.subjects.map { s -> [String: Any] in
                        var o: [String: Any] = ["kind": s.kind, "name": s.name]
                        if let ns = s.namespace { o["namespace"] = ns }
                        return o
                    }]
        }
        var items: [[String: Any]] = []
        items += (v.clusterRoles ?? []).map { ["apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": ["name": $0.name], "rules": rules($0.rules)] }
        items += (v.roles ?? []).map { ["apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": ["name": $0.name, "namespace": $0.namespace ?? ""], "rules": rules($0.rules)] }
        items += (v.clusterRoleBindings ?? []).map { binding($0, kind: "ClusterRoleBinding") }
        items += (v.roleBindings ?? []).map { binding($0, kind: "RoleBinding") }
        let dir = Fixtures.temporaryDirectory()
        let file = dir.appendingPathComponent("\(v.id).json")
        try JSONSerialization.data(withJSONObject: ["apiVersion": "v1", "kind": "List", "items": items]).write(to: file)
        return file.path
    }

    func sar(_ r: RequestJSON) throws -> String {
        var spec: [String: Any] = [:]
        if let u = r.user, !u.isEmpty { spec["user"] = u }
        if let g = r.groups, !g.isEmpty { spec["groups"] = g }
        if r.resourceRequest {
            var ra: [String: Any] = ["verb": r.verb]
            if let x = r.namespace { ra["namespace"] = x }
            if let x = r.apiGroup { ra["group"] = x }
            if let x = r.resource { ra["resource"] = x }
            if let x = r.subresource { ra["subresource"] = x }
            if let x = r.name { ra["name"] = x }
            spec["resourceAttributes"] = ra
        } else {
            spec["nonResourceAttributes"] = ["path": r.path ?? "", "verb": r.verb]
        }
        let o: [String: Any] = ["apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview", "spec": spec]
        return String(decoding: try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]), as: UTF8.self)
    }

    @Test("every authorizer vector through the command", arguments: Fixtures.vectors.rbacAuthorizer)
    func vectors(_ v: AuthorizerVector) async throws {
        let cluster = try clusterFile(v)
        let r = await kubeletAuthz(["review", "-f", cluster], stdin: try sar(v.request) + "\n")
        #expect(r.code == 0, "\(r.err)")
        let status = try #require(try jsonObject(r.out)["status"] as? [String: Any])
        #expect(status["allowed"] as? Bool == v.expectedAllowed)
    }

    /// The kubelet's own reviews from a real 1.36.2 API server's audit log, replayed as JSON
    /// lines against the cluster they ran on: every verdict and reason must come back
    /// byte for byte.
    /// With CRLF line ends too: as a String, "\r\n" is one Character, and splitting on "\n"
    /// once read every review as one line.
    @Test("replays the real API server's answers", arguments: ["\n", "\r\n"])
    func replayAudit(separator: String) async throws {
        var requests: [String] = []
        var expected: [JSONValue] = []
        for line in String(decoding: Fixtures.data("audit-kube-apiserver-1.36.jsonl"), as: UTF8.self).split(separator: "\n") {
            let event = try JSONDecoder().decode(JSONValue.self, from: Data(line.utf8))
            guard event["objectRef"]?["resource"]?.stringValue == "subjectaccessreviews",
                  let request = event["requestObject"], let response = event["responseObject"] else { continue }
            requests.append(JSONWriter.compact(request))
            expected.append(try #require(response["status"]))
        }
        #expect(requests.count == 14)
        let r = await kubeletAuthz(["review", "-f", Fixtures.url("oracle-cluster.yaml").path], stdin: requests.joined(separator: separator) + separator)
        #expect(r.code == 0, "\(r.err)")
        let lines = r.out.split(separator: "\n")
        #expect(lines.count == expected.count)
        for (line, want) in zip(lines, expected) {
            let got = try JSONDecoder().decode(JSONValue.self, from: Data(line.utf8))
            #expect(got["status"] == want, "\(line)")
            #expect(got["kind"]?.stringValue == "SubjectAccessReview")
        }
    }

    @Test("a single pretty review is answered pretty")
    func single() async throws {
        let input = """
        {
          "apiVersion": "authorization.k8s.io/v1",
          "kind": "SubjectAccessReview",
          "spec": {"resourceAttributes": {"verb": "get", "resource": "nodes", "subresource": "pods", "name": "oracle-node"},
                   "user": "system:serviceaccount:oracle:sa-pods"}
        }
        """
        let r = await kubeletAuthz(["review", "-f", Fixtures.url("oracle-cluster.yaml").path], stdin: input)
        #expect(r.code == 0)
        #expect(r.out.contains("\n    \"status\": {\n        \"allowed\": true,"))
    }

    @Test("bulk: a rejected review is answered in its place, the rest still answered, exit 2")
    func bulkErrors() async throws {
        let good = #"{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"resourceAttributes":{"verb":"get","resource":"nodes","subresource":"log","name":"n"},"user":"system:serviceaccount:oracle:sa-log"}}"#
        let noUser = #"{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"resourceAttributes":{"verb":"get","resource":"nodes"}}}"#
        let both = #"{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":"u","resourceAttributes":{"verb":"get"},"nonResourceAttributes":{"path":"/healthz","verb":"get"}}}"#
        let broken = #"{"apiVersion": "authorization.k8s.io/v1", "kind": "#
        let r = await kubeletAuthz(["review", "-f", Fixtures.url("oracle-cluster.yaml").path],
                                   stdin: [good, noUser, broken, both, good].joined(separator: "\n") + "\n")
        #expect(r.code == 2)
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(try jsonObject(lines[0])["status"] != nil)
        let e1 = try #require(try jsonObject(lines[1])["error"] as? [String: Any])
        #expect(e1["code"] as? Int == 422)
        #expect(e1["message"] as? String == #".authorization.k8s.io "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified"#)
        let e2 = try #require(try jsonObject(lines[2])["error"] as? [String: Any])
        #expect(e2["code"] as? Int == 400)
        #expect((e2["message"] as? String)?.hasPrefix("stdin:3: invalid JSON") == true)
        let e3 = try #require(try jsonObject(lines[3])["error"] as? [String: Any])
        #expect(e3["message"] as? String == #".authorization.k8s.io "" is invalid: spec.nonResourceAttributes: Invalid value: {"Path":"/healthz","Verb":"get"}: cannot be specified in combination with resourceAttributes"#)
        #expect(try jsonObject(lines[4])["status"] != nil)
        #expect(r.err.contains("3 of 5 reviews rejected (stdin lines 2, 3, 4)"))
    }

    @Test("selectors: an unusable one is answered with evaluationError, an empty one is a 422")
    func selectors() async throws {
        let ra = #""verb":"get","resource":"nodes","subresource":"log","name":"n""#
        let user = #""user":"system:serviceaccount:oracle:sa-log""#
        let unparsable = #"{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"resourceAttributes":{"# + ra
            + #","fieldSelector":{"rawSelector":"spec.nodeName"}},"# + user + "}}"
        let empty = #"{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"resourceAttributes":{"# + ra
            + #","labelSelector":{}},"# + user + "}}"
        let r = await kubeletAuthz(["review", "-f", Fixtures.url("oracle-cluster.yaml").path], stdin: unparsable + "\n" + empty + "\n")
        #expect(r.code == 2)
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        let status = try #require(try jsonObject(lines[0])["status"] as? [String: Any])
        #expect(status["allowed"] as? Bool == true)
        #expect(status["evaluationError"] as? String == "spec.resourceAttributes.fieldSelector ignored due to parse error")
        #expect(lines[0].contains(#""fieldSelector":{"rawSelector":"spec.nodeName"}"#))
        let e = try #require(try jsonObject(lines[1])["error"] as? [String: Any])
        #expect(e["code"] as? Int == 422)
        #expect(e["message"] as? String == #".authorization.k8s.io "" is invalid: spec.resourceAttributes.labelSelector.requirements: Required value: when spec.resourceAttributes.labelSelector is specified, requirements or rawSelector is required"#)
    }

    @Test("a single invalid review exits 2 with the API server's message")
    func singleInvalid() async {
        let r = await kubeletAuthz(["review", "-f", Fixtures.url("oracle-cluster.yaml").path],
                                   stdin: #"{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":"u"}}"#)
        #expect(r.code == 2)
        #expect(r.err.contains("exactly one of nonResourceAttributes or resourceAttributes must be specified"))
        let notJSON = await kubeletAuthz(["review", "-f", Fixtures.url("oracle-cluster.yaml").path], stdin: "hello\n")
        #expect(notJSON.code == 2)
        #expect(notJSON.out.contains("invalid JSON"))
        // A pretty-printed review that does not parse: one error at the line it breaks on, not
        // one per line.
        let pretty = await kubeletAuthz(["review", "-f", Fixtures.url("oracle-cluster.yaml").path],
                                        stdin: "{\n  \"apiVersion\": \"authorization.k8s.io/v1\",\n  \"kind\": \"SubjectAccessReview\",\n  \"spec\": {\"user\": tru}\n}\n")
        #expect(pretty.code == 2)
        #expect(pretty.out.isEmpty)
        #expect(pretty.err.contains("stdin:4: invalid JSON at column "), "\(pretty.err)")
        let empty = await kubeletAuthz(["review", "-f", Fixtures.url("oracle-cluster.yaml").path], stdin: "")
        #expect(empty.code == 2)
        #expect(empty.err.contains("no SubjectAccessReview"))
    }
}
