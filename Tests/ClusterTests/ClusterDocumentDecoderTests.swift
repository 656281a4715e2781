import Cluster
import Foundation
import RBAC
import Testing

@Suite("Reading cluster objects")
struct ClusterDocumentDecoderTests {
    func decode(_ text: String, source: String = "in.yaml") throws -> ClusterSnapshot {
        try ClusterDocumentDecoder.decode(Data(text.utf8), source: source)
    }

    @Test("multi-document YAML, with lines")
    func multiDocument() throws {
        let s = try decode("""
        # leading comment
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: reader
        rules:
        - apiGroups: [""]
          resources: ["nodes/metrics"]
          verbs: ["get"]
        ---
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: reader}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
        subjects:
        - kind: ServiceAccount
          name: prom
          namespace: monitoring
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: x, namespace: y}
        """)
        #expect(s.roles.count == 1 && s.bindings.count == 1)
        #expect(s.roles[0].rules == [PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["nodes/metrics"])])
        #expect(s.roles[0].source == SourceLocation(file: "in.yaml", line: 2, document: 1))
        #expect(s.bindings[0].source?.line == 12)
        #expect(s.bindings[0].subjects == [Subject(kind: "ServiceAccount", name: "prom", namespace: "monitoring")])
        #expect(s.skippedKinds == ["ConfigMap": 1])
    }

    @Test("kind: List and typed lists whose items omit kind, in JSON and YAML")
    func lists() throws {
        let json = """
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBindingList", "metadata": {},
         "items": [{"metadata": {"name": "a"}, "roleRef": {"kind": "ClusterRole", "name": "r"}, "subjects": [{"kind": "User", "name": "u"}]}]}
        """
        let s = try decode(json, source: "crbs.json")
        #expect(s.bindings.map(\.name) == ["a"])
        #expect(s.bindings[0].kind == .clusterRoleBinding)

        let yaml = """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Node
          metadata:
            name: gpu-1
            labels: {nvidia.com/gpu.present: "true"}
          status:
            capacity: {nvidia.com/gpu: 8, cpu: "96"}
            nodeInfo: {kubeletVersion: v1.36.2}
        - apiVersion: apps/v1
          kind: DaemonSet
          metadata: {name: agent, namespace: monitoring}
          spec:
            template:
              spec:
                serviceAccountName: agent
                containers: [{name: a, image: agent:1}]
        """
        let l = try decode(yaml)
        #expect(l.nodes.first?.kubeletVersion == "v1.36.2")
        #expect(l.nodes.first?.accelerators == ["nvidia.com/gpu": "8"])
        #expect(l.nodes.first?.source?.line == 4)
        #expect(l.workloads.first?.serviceAccountName == "agent")
        #expect(l.workloads.first?.source?.line == 12)
    }

    @Test("RBAC kinds of another group are not RBAC objects")
    func otherGroup() throws {
        let s = try decode("apiVersion: example.com/v1\nkind: ClusterRole\nmetadata: {name: x}\n")
        #expect(s.roles.isEmpty)
        #expect(s.skippedKinds == ["ClusterRole (example.com/v1)": 1])
    }

    @Test("malformed YAML names the line and column")
    func badYAML() {
        #expect {
            try decode("apiVersion: v1\nkind: List\nitems:\n- a: [1, 2\n- b: 3\n", source: "bad.yaml")
        } throws: { error in
            let e = error as! ClusterInputError
            return e.location.file == "bad.yaml" && e.location.line != nil && e.message.hasPrefix("invalid YAML")
        }
    }

    @Test("a wrongly typed field names its path and line")
    func wrongType() {
        let text = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: x}
        rules:
        - apiGroups: [""]
          resources: nodes/proxy
          verbs: [get]
        """
        #expect {
            try decode(text, source: "role.yaml")
        } throws: { error in
            let e = error as! ClusterInputError
            return e.description.hasPrefix("role.yaml:6: rules[0].resources:")
        }
    }

    @Test("invalid JSON names the line")
    func badJSON() {
        #expect {
            try decode("{\n  \"kind\": \"List\",\n  \"items\": [\n    {\"kind\": }\n  ]\n}\n", source: "bad.json")
        } throws: { error in
            let e = error as! ClusterInputError
            return e.location.file == "bad.json" && e.location.line == 4 && e.message.hasPrefix("invalid JSON")
        }
    }

    @Test("a wrongly typed JSON field is located by its coding path")
    func wrongTypeJSON() {
        let text = "{\n \"apiVersion\": \"rbac.authorization.k8s.io/v1\",\n \"kind\": \"ClusterRole\",\n \"metadata\": {\"name\": \"x\"},\n \"rules\": [\n  {\"verbs\": \"get\"}\n ]\n}\n"
        #expect {
            try decode(text, source: "role.json")
        } throws: { error in
            (error as! ClusterInputError).description.hasPrefix("role.json:6: rules[0].verbs:")
        }
    }

    /// In a List as `kubectl get -o json` writes it, the line of the item's field, not the List's.
    @Test func wrongTypeInAListItem() throws {
        func role(_ name: String, _ verbs: String) -> String {
            "    {\n      \"apiVersion\": \"rbac.authorization.k8s.io/v1\",\n      \"kind\": \"ClusterRole\",\n"
                + "      \"metadata\": {\"name\": \"\(name)\"},\n      \"rules\": [\n        {\"resources\": [\"nodes\"],\n         \"verbs\": \(verbs)}\n      ]\n    }"
        }
        let text = "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": [\n"
            + [role("a", "[\"get\"]"), role("b", "[\"get\"]"), role("c", "\"get\"")].joined(separator: ",\n") + "\n  ]\n}\n"
        let line = 1 + text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("\"verbs\": \"get\"") }!
        #expect(line > 20)
        #expect {
            try decode(text, source: "roles.json")
        } throws: { error in
            (error as! ClusterInputError).description.hasPrefix("roles.json:\(line): ")
        }
    }

    /// (A namespaced object without a namespace, and a document that is no object at all, are
    /// read with a warning instead: ClusterReaderSemanticsTests.)
    @Test("objects without kind or name are errors, not skips", arguments: [
        ("apiVersion: v1\nmetadata: {name: x}\n", "missing kind"),
        ("apiVersion: v1\nkind: ServiceAccount\nmetadata: {namespace: x}\n", "has no metadata.name"),
        ("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {namespace: x}\nroleRef: {kind: Role, name: r}\n", "has no metadata.name"),
    ])
    func incomplete(_ c: (String, String)) {
        #expect {
            try decode(c.0)
        } throws: { error in
            (error as! ClusterInputError).message.contains(c.1)
        }
    }

    @Test("objects the API server would reject are kept and warned about")
    func validationWarnings() throws {
        let s = try decode("""
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: b}
        roleRef: {kind: ClusterRole, name: r}
        subjects: [{kind: ServiceAccount, name: sa}, {kind: user, name: u}]
        """)
        #expect(s.bindings.count == 1)
        #expect(s.warnings.count == 2)
        #expect(s.warnings.allSatisfy { $0.location?.line == 1 })
    }

    @Test("a later definition replaces an earlier one, with a warning")
    func duplicates() throws {
        var s = try decode("apiVersion: v1\nkind: Node\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: a, labels: {x: y}}\n")
        s.resolveDuplicates()
        #expect(s.nodes.count == 1 && s.nodes[0].labels == ["x": "y"])
        #expect(s.warnings.count == 1)
    }

    @Test("repeats of every kind are resolved, and the same name in another namespace or kind is not a repeat")
    func duplicatesOfEveryKind() throws {
        let docs = [
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\nrules: []",
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r, namespace: a}\nrules: []",
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: b}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: r}",
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b, namespace: a}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}",
            "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: s, namespace: a}",
            "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: s, namespace: b}",
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: a}\nspec: {containers: []}",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: p, namespace: a}\nspec: {template: {spec: {containers: []}}}",
        ]
        var s = try decode((docs + docs.dropFirst(2)).joined(separator: "\n---\n") + "\n")
        s.resolveDuplicates()
        #expect(s.roles.count == 2 && s.bindings.count == 2 && s.serviceAccounts.count == 2)
        #expect(s.namespaces.count == 1 && s.workloads.count == 2)
        #expect(s.warnings.count == docs.count - 2)
        #expect(s.warnings.allSatisfy { $0.message.contains("appears again; this definition replaces the one at") })
    }

    @Test("the bundled example cluster reads completely")
    func example() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/ai-cluster")
        var all = ClusterSnapshot()
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() where name.hasSuffix(".yaml") {
            all.merge(try ClusterDocumentDecoder.decode(try Data(contentsOf: dir.appendingPathComponent(name)), source: name))
        }
        #expect(all.skippedKinds.isEmpty)
        #expect(all.warnings.isEmpty)
        #expect(all.nodes.count == 4)
        #expect(all.bindings.contains { $0.name == "all-authenticated-node-metrics" && $0.kind == .clusterRoleBinding })
    }
}

@Suite("Large JSON lists")
struct LargeJSONListTests {
    /// Pretty-printed like `kubectl -o json`, so every item starts on a known line.
    func list(_ n: Int, extraItem: String? = nil) -> (String, [Int]) {
        var lines = ["{", "    \"apiVersion\": \"v1\",", "    \"items\": ["]
        var starts: [Int] = []
        for i in 0..<n {
            starts.append(lines.count + 1)
            lines.append("        {")
            lines.append("            \"apiVersion\": \"v1\", \"kind\": \"ServiceAccount\",")
            lines.append("            \"metadata\": {\"name\": \"sa-\(i)\", \"namespace\": \"ns-\(i % 7)\", \"annotations\": {\"note\": \"{[\\\"tricky\\\"]}\"}}")
            lines.append(i == n - 1 && extraItem == nil ? "        }" : "        },")
        }
        if let extraItem { lines.append("        \(extraItem)") }
        lines += ["    ],", "    \"kind\": \"List\"", "}"]
        return (lines.joined(separator: "\n"), starts)
    }

    @Test("items decoded in parallel keep their order and lines")
    func parallel() throws {
        let (text, starts) = list(5000)
        let s = try ClusterDocumentDecoder.decode(Data(text.utf8), source: "big.json")
        #expect(s.serviceAccounts.count == 5000)
        #expect(s.serviceAccounts.map(\.name) == (0..<5000).map { "sa-\($0)" })
        #expect(s.serviceAccounts.map { $0.source?.line ?? -1 } == starts)
    }

    @Test("a null item in a large list is reported, not skipped")
    func nullItem() {
        let (text, _) = list(3000, extraItem: "null")
        #expect(throws: ClusterInputError.self) { try ClusterDocumentDecoder.decode(Data(text.utf8), source: "big.json") }
    }

    @Test("a bad item in a large list is reported with its path")
    func badItem() {
        let (text, _) = list(3000, extraItem: "{\"kind\": \"ClusterRole\", \"apiVersion\": \"rbac.authorization.k8s.io/v1\", \"metadata\": {\"name\": \"x\"}, \"rules\": [{\"verbs\": \"get\"}]}")
        #expect {
            try ClusterDocumentDecoder.decode(Data(text.utf8), source: "big.json")
        } throws: { error in
            let e = error as! ClusterInputError
            return e.message.contains("items[3000].rules[0].verbs") && e.location.line == 12004
        }
    }
}
