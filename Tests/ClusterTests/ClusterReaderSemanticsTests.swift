import Cluster
import Foundation
import RBAC
import Testing

/// What real inputs look like in the first hour: directories mixing other tools' YAML, files
/// concatenated without `---`, unrendered Helm templates, JSON documents in a YAML stream,
/// manifests applied with `kubectl apply -n`. Errors name the line and never echo the input.
@Suite("Reader semantics for real-world input")
struct ClusterReaderSemanticsTests {
    func decode(_ text: String, namespace: String = "default") throws(ClusterInputError) -> ClusterSnapshot {
        try ClusterDocumentDecoder.decode(Data(text.utf8), source: "in.yaml", defaultNamespace: namespace)
    }

    func error(_ text: String) -> ClusterInputError? {
        do { _ = try decode(text); return nil } catch { return error }
    }

    static let secretLine = "  token: c2VjcmV0LXRoYXQtbXVzdC1ub3QtbGVhaw=="

    @Test("files concatenated without --- name the second apiVersion's line and echo nothing")
    func concatenated() throws {
        let text = "apiVersion: v1\nkind: Secret\nmetadata: {name: a, namespace: x}\ndata:\n\(Self.secretLine)\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: b, namespace: x}\n"
        let e = try #require(error(text))
        #expect(e.location.line == 6)
        #expect(e.message.contains("a second `apiVersion` at line 6 of the same document (first at line 1): separate documents with `---`"), "\(e.message)")
        #expect(!e.description.contains("c2VjcmV0"))
        #expect(!e.description.contains("Context"))
    }

    @Test("a nested duplicate key names both lines, and nothing of the document")
    func nestedDuplicate() throws {
        let text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\n  namespace: x\n  name: b\ndata:\n\(Self.secretLine)\n"
        let e = try #require(error(text))
        #expect(e.location.line == 6)
        #expect(e.message.contains("duplicate key `name` at line 6 (first at line 4)"), "\(e.message)")
        #expect(!e.description.contains("c2VjcmV0"))
    }

    @Test("an unrendered Helm template is named as such", arguments: [
        "metadata:\n  name: {{ .Values.name }}\n  namespace: x\n",
        "metadata:\n  name: {{ include \"chart.fullname\" . }}\n  namespace: x\n",
    ])
    func helm(_ metadata: String) throws {
        let e = try #require(error("apiVersion: v1\nkind: ServiceAccount\n" + metadata))
        #expect(e.location.line == 4)
        #expect(e.message.contains("unrendered Helm template"), "\(e.message)")
        #expect(!e.message.contains("Expected to decode"))
    }

    @Test("JSON objects separated by --- are a YAML stream, as kubectl reads it")
    func jsonDocuments() throws {
        let s = try decode("""
        {"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"a","namespace":"x"}}
        ---
        {"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"b","namespace":"x"}}
        """)
        #expect(s.serviceAccounts.map(\.name) == ["a", "b"])
        #expect(s.serviceAccounts.map { $0.source?.line } == [1, 3])
        // A broken JSON file without separators is still a JSON error with its line.
        let e = try #require(error("{\"apiVersion\": \"v1\",\n \"kind\": }\n"))
        #expect(e.message.hasPrefix("invalid JSON"))
        #expect(e.location.line == 2)
    }

    @Test("documents that are not Kubernetes objects are skipped, once said per file, and counted")
    func notKubernetes() throws {
        let s = try decode("""
        image: nginx
        replicas: 3
        ---
        - a YAML list, an Ansible play
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: a, namespace: x}
        """)
        #expect(s.serviceAccounts.count == 1)
        #expect(s.skippedKinds["(not a Kubernetes object)"] == 2)
        #expect(s.warnings.map(\.message) == ["2 documents without apiVersion and kind skipped: not Kubernetes objects (a Helm values file, a docker-compose file…)"])
        // A Kubernetes document missing only its kind is still an error.
        let e = try #require(error("apiVersion: v1\nmetadata: {name: a}\n"))
        #expect(e.message.contains("missing kind"))
    }

    @Test("namespaced objects without a namespace get -n's (else default), said once per file")
    func defaultNamespace() throws {
        let text = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: rb}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
        subjects: [{kind: ServiceAccount, name: agent}]
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: agent}
        ---
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: agent}
        spec: {template: {spec: {serviceAccountName: agent}}}
        """
        let plain = try decode(text)
        #expect(plain.serviceAccounts.first?.namespace == "default")
        #expect(plain.bindings.first?.namespace == "default")
        #expect(plain.warnings.map(\.message) == ["3 namespaced objects have no metadata.namespace and are read in namespace default, as kubectl apply would: RoleBinding rb, ServiceAccount agent, DaemonSet agent"])
        let n = try decode(text, namespace: "monitoring")
        #expect(n.serviceAccounts.first?.namespace == "monitoring")
        #expect(n.workloads.first?.namespace == "monitoring")
        #expect(n.warnings.first?.message.contains("in namespace monitoring, as kubectl apply -n monitoring would") == true)
        // Cluster-scoped kinds are left alone and not listed.
        let cluster = try decode("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: c}\nrules: []\n")
        #expect(cluster.roles.first?.namespace == "")
        #expect(cluster.warnings.isEmpty)
    }
}

extension ClusterReaderSemanticsTests {
    @Test("text that is not UTF-8 is named by line, column and byte")
    func notUTF8() throws {
        var data = Data("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: caf".utf8)
        data.append(0xE9)
        data.append(contentsOf: Array("\n  namespace: x\n".utf8))
        do {
            _ = try ClusterDocumentDecoder.decode(data, source: "latin1.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.location.line == 4)
            #expect(error.column == 12)
            #expect(error.message.contains("byte 0xE9 at column 12 (byte 58 of the file)"), "\(error.message)")
        }
    }

    @Test("a List whose items is not a list is an error at its line, in YAML and JSON", arguments: [
        ("apiVersion: v1\nkind: List\nitems: hello\n", 3), ("apiVersion: v1\nkind: RoleList\nitems: {a: b}\n", 3),
    ])
    func listItemsNotAList(_ c: (String, Int)) throws {
        let e = try #require(error(c.0))
        #expect(e.location.line == c.1)
        #expect(e.message.contains("must hold a list of objects"), "\(e.message)")
        let json = try #require(error(#"{"apiVersion":"v1","kind":"List","items":"x"}"#))
        #expect(json.message.hasPrefix("items"))
        let pretty = try #require(error("{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": {\"a\": 1}\n}\n"))
        #expect(pretty.location.line == 4, "\(pretty)")
        #expect(pretty.message.hasPrefix("items"), "\(pretty.message)")
    }

    /// kubectl reads each document whole into one object (cli-runtime's StreamVisitor, then
    /// the unstructured decoder), so a document that is a list fails there
    /// (`json: cannot unmarshal array into Go value`).
    @Test("a document that is a list of objects is an error at its line, in YAML and JSON", arguments: [
        ("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a, namespace: x}\n---\n- apiVersion: v1\n  kind: ServiceAccount\n  metadata: {name: b, namespace: x}\n", 5, "a YAML list at top level"),
        ("# accounts\n- kind: ServiceAccount\n  metadata: {name: b}\n", 2, "a YAML list at top level"),
        ("\n[\n  {\"apiVersion\": \"v1\", \"kind\": \"ServiceAccount\", \"metadata\": {\"name\": \"b\", \"namespace\": \"x\"}}\n]\n", 2, "a JSON array at top level"),
    ])
    func topLevelList(_ c: (String, Int, String)) throws {
        let e = try #require(error(c.0))
        #expect(e.location.file == "in.yaml")
        #expect(e.location.line == c.1, "\(e)")
        #expect(e.message.hasPrefix(c.2 + ": kubectl does not accept it; wrap it in "), "\(e.message)")
        #expect(!e.message.contains("without apiVersion and kind"))
    }

    @Test("an empty -n is no -n, as to kubectl: namespaced objects without one are read in default")
    func emptyNamespaceFlag() throws {
        let s = try decode("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}\n", namespace: "")
        #expect(s.serviceAccounts.map(\.namespace) == ["default"])
        #expect(s.bindings.map(\.namespace) == ["default"])
        #expect(s.warnings.first?.message.contains("read in namespace default, as kubectl apply would") == true)
    }

    /// The column is where the parser gave up: on the bad word, or just after the last byte
    /// when the text ends too soon.
    @Test("invalid JSON names its line and column, not Foundation's character offset", arguments: [
        ("{\n  \"apiVersion\": \"v1\",\n  \"kind\": tru\n}\n", 3, 11...14),
        ("{\"apiVersion\": \"v1\",\n \"kind\": \"List\",\n \"items\": [\n", 3, 12...12),
    ])
    func jsonSyntax(_ c: (String, Int, ClosedRange<Int>)) throws {
        let e = try #require(error(c.0))
        #expect(e.location.line == c.1, "\(e)")
        #expect(e.column.map(c.2.contains) == true, "\(e)")
        #expect(!e.message.contains("character"), "\(e.message)")
    }

    /// Values as Helm's scaffold writes `helm.sh/chart` (`NAME-VERSION`, `+` as `_`; a short
    /// `MAJOR.MINOR` version at the end too), and what is left when there is no version to strip.
    @Test("a helm.sh/chart label names its chart without the version", arguments: [
        ("fluent-bit-0.47.10", "fluent-bit"), ("fluent-bit-1.2.3-rc.1", "fluent-bit"), ("kube-state-metrics-5.27.0", "kube-state-metrics"),
        ("netdata-v3.7.100", "netdata"), ("x-1.0.0_build.7", "x"), ("x-1.0.0+build.7", "x"), ("k8s-1-agent-2.0.0", "k8s-1-agent"),
        ("fluent-bit", "fluent-bit"), ("agent-1.2", "agent"), ("agent-v1.2", "agent"), ("python-3.11-base", "python-3.11-base"),
        ("agent-1.2-rc.1", "agent-1.2-rc.1"), ("k8s-1", "k8s-1"), ("agent-1.2.", "agent-1.2."), ("-1.2", "-1.2"),
        ("-1.2.3", "-1.2.3"), ("a-1.2.3x", "a-1.2.3x"), ("", nil),
    ] as [(String, String?)])
    func helmChartLabel(value: String, chart: String?) {
        #expect(HelmChartLabel.chart(value) == chart)
    }

    @Test("workloads keep their helm.sh/chart label's chart: their own, else a CronJob's job template's, else their pod template's")
    func workloadChart() throws {
        let text = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: a, namespace: x, labels: {helm.sh/chart: own-1.0.0}}
        spec: {template: {metadata: {labels: {helm.sh/chart: pod-1.0.0}}, spec: {containers: []}}}
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: b, namespace: x, labels: {other: 7}}
        spec: {jobTemplate: {spec: {template: {metadata: {labels: {helm.sh/chart: job-2.0.0}}, spec: {}}}}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: c, namespace: x, labels: {helm.sh/chart: ~}}
        spec: {template: {metadata: {labels: {helm.sh/chart: ignored-1.0.0}}}}
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: d, namespace: x}
        spec: {jobTemplate: {metadata: {labels: {helm.sh/chart: jobs-1.2}}, spec: {template: {metadata: {labels: {helm.sh/chart: pods-3.0.0}}}}}}
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: e, namespace: x}
        spec: {jobTemplate: {metadata: {labels: {app: y}}, spec: {template: {metadata: {labels: {helm.sh/chart: pods-3.0.0}}}}}}
        ---
        apiVersion: batch/v1
        kind: Job
        metadata: {name: f, namespace: x}
        spec: {jobTemplate: {metadata: {labels: {helm.sh/chart: not-a-cronjob-1.0.0}}}}
        """
        let s = try decode(text)
        // A CronJob's Jobs carry its job template's labels, nearer to it than its pods'.
        #expect(s.workloads.map(\.helmChart) == ["own", "job", nil, "jobs", "pods", nil])
    }
}
