@testable import Cluster
import Foundation
import RBAC
import TestSupport
import Testing

/// The fast YAML reader (`YAMLBlockParser` + `YAMLObjectReader`) against the reference
/// (Yams' `Node` through `YAMLDecoder`): the same snapshot — objects, their files, lines and
/// documents, warnings, skipped kinds — or an error at the same file, line and document, on
/// the bundled examples, the fixtures, generated kubectl-style clusters, documents in the
/// YAML the fast reader leaves to Yams, seeded mutations of all of those, and the real-world
/// manifests when they are checked out beside the repository.
@Suite("YAML fast reader against the reference")
struct YAMLReaderDifferentialTests {
    /// Compares the two readers on one input; returns whether the fast reader read it itself.
    @discardableResult
    static func compare(_ data: Data, _ label: @autoclosure () -> String) -> Bool {
        let fast = Result { () throws(ClusterInputError) in try ClusterDocumentDecoder.decode(data, source: "in.yaml", yamlReader: .fast) }
        let reference = Result { () throws(ClusterInputError) in try ClusterDocumentDecoder.decode(data, source: "in.yaml", yamlReader: .reference) }
        switch (fast, reference) {
        case (.success(let a), .success(let b)):
            #expect(a.roles == b.roles, "roles differ: \(label())")
            #expect(a.bindings == b.bindings, "bindings differ: \(label())")
            #expect(a.serviceAccounts == b.serviceAccounts, "service accounts differ: \(label())")
            #expect(a.nodes == b.nodes, "nodes differ: \(label())")
            #expect(a.namespaces == b.namespaces, "namespaces differ: \(label())")
            #expect(a.workloads == b.workloads, "workloads differ: \(label())")
            #expect(a.kubeadmConfig == b.kubeadmConfig, "kubeadm config differs: \(label())")
            #expect(a.admissionPolicies == b.admissionPolicies, "admission policies differ: \(label())")
            #expect(a.serverVersion == b.serverVersion, "server version differs: \(label())")
            #expect(a.skippedKinds == b.skippedKinds, "skipped kinds differ: \(label())")
            #expect(a.warnings == b.warnings, "warnings differ: \(label())")
        case (.failure(let a), .failure(let b)):
            #expect(a.location == b.location, "errors at different places: \(a) / \(b): \(label())")
        case (.success, .failure(let b)):
            Issue.record("the fast reader read what the reference refuses (\(b)): \(label())")
        case (.failure(let a), .success):
            Issue.record("the fast reader refused what the reference reads (\(a)): \(label())")
        }
        return data.first.map { $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "[") } == true ? false : YAMLObjectReader.read(data) != nil
    }

    /// Where the fast reader gave up, for messages.
    static func why(_ data: Data) -> String {
        do { _ = try YAMLObjectReader.readOrExplain(data); return "it did not" } catch { return "unsure at line \(error.at) of its source" }
    }

    static func file(_ path: String) -> Data? {
        FileManager.default.contents(atPath: Fixtures.repositoryRoot.appendingPathComponent(path).path)
    }

    static let bundled: [(String, Data)] = {
        let dirs = ["examples/ai-cluster", "Tests/Fixtures"]
        return dirs.flatMap { dir -> [(String, Data)] in
            let names = (try? FileManager.default.contentsOfDirectory(atPath: Fixtures.repositoryRoot.appendingPathComponent(dir).path)) ?? []
            return names.filter { $0.hasSuffix(".yaml") }.sorted().compactMap { name in file("\(dir)/\(name)").map { ("\(dir)/\(name)", $0) } }
        }
    }()

    /// Inputs in YAML the fast reader leaves to Yams: anchors (workloads.yaml), flow style
    /// (the fixtures written by hand).
    static let readByReference: Set<String> = [
        "examples/ai-cluster/workloads.yaml", "Tests/Fixtures/kubeadm-cluster.yaml", "Tests/Fixtures/kubeadm-register.yaml",
        "Tests/Fixtures/oracle-cluster.yaml",
    ]

    @Test("the bundled examples and fixtures read the same, and kubectl's YAML on the fast path")
    func bundledInputs() {
        #expect(Self.bundled.count >= 8)
        for (name, data) in Self.bundled {
            let fast = Self.compare(data, name)
            #expect(fast == !Self.readByReference.contains(name), "\(name): fast path \(fast) (\(Self.why(data)))")
        }
    }

    @Test("generated kubectl-style clusters read the same, on the fast path", arguments: 0..<24)
    func generated(seed: UInt64) {
        let text = KubectlStyleCluster.generate(seed: seed)
        #expect(Self.compare(Data(text.utf8), "generated seed \(seed)\n\(text)"), "seed \(seed) was left to the reference reader")
    }

    @Test("scalars resolve as YAML 1.1 does in Yams", arguments: [
        ("verbs: [yes]", true), ("verbs: [yes, 'no', \"on\", ~, 0x10, ]", true), ("verbs: [get, [list]]", false),
        ("verbs: [\"get\": x]", false), ("verbs: [a:b]", false), ("verbs: [get,\n    list]", false), ("verbs: [ ]", true),
        ("verbs:\n- yes", true), ("verbs:\n- 'yes'", true), ("verbs:\n- ~", true), ("verbs:\n- null", true), ("verbs:\n- ''", true),
        ("verbs:\n- 0x10", true), ("verbs:\n- .inf", true), ("verbs:\n- 2026-01-01", true), ("verbs:\n- \"\\u00e9t\\u00e9\"", true),
        ("verbs:\n- 'it''s'", true), ("verbs: ~", true), ("verbs: get", false), ("verbs: {}", false),
        ("verbs:\n- !!str get", false), ("verbs:\n- &a get", false), ("verbs:\n- >-\n    get", false), ("verbs:\n- |\n    get", true),
    ])
    func scalarForms(verbs: String, fast: Bool) {
        let text = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: r
          labels:
            on: yes
            n: ~
        rules:
        - apiGroups:
          - ''
          resources:
          - nodes/proxy
          \(verbs.replacingOccurrences(of: "\n", with: "\n  "))
        """
        #expect(Self.compare(Data(text.utf8), text) == fast, "fast path expected \(fast) for \(verbs): \(Self.why(Data(text.utf8)))")
    }

    @Test("names as numbers, nulls and booleans, quoted and not", arguments: [
        "name: 0123", "name: '0123'", "name: 1e3", "name: true", "name: \"true\"", "name: ~", "name: null", "name: 'null'", "name:",
        "namespace: 010", "namespace: ''", "labels: {}\n  annotations:\n    '8': x", "labels:\n    '8': x", "labels:\n    8: x", "name: x # comment", "name: x#y", "name: a:b", "name: -x", "name: ::1",
    ])
    func nameForms(line: String) {
        let text = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  namespace: ns\n  \(line)\n"
        Self.compare(Data(text.utf8), text)
    }

    @Test("RBAC objects keep every label and annotation but kubectl's last-applied configuration, as Yams reads them", arguments: [
        ("ClusterRoleBinding", "labels:\n    app.kubernetes.io/managed-by: Helm\n    argocd.argoproj.io/instance: x\n  annotations:\n    meta.helm.sh/release-name: r\n    kubectl.kubernetes.io/last-applied-configuration: |\n      {\"a\": 1}\n", true),
        ("RoleBinding", "annotations:\n    kubectl.kubernetes.io/last-applied-configuration:\n      nested: [1, 2]\n    n: 8\n    t: yes\n    z: ~\n", true),
        ("ClusterRole", "annotations:\n    'quoted/key': \"v\"\n    meta.helm.sh/release-namespace: ns\n    meta.helm.sh/release-namespace: other\n", nil),
        ("Role", "annotations:\n    a: [x]\n", nil),
        ("ClusterRoleBinding", "labels: {a: b}\n  annotations: {c: d}\n", nil),
    ])
    func rbacMetadata(kind: String, metadata: String, fast: Bool?) throws {
        let body = kind.hasSuffix("Binding") ? "roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: r\n" : "rules: []\n"
        let text = "apiVersion: rbac.authorization.k8s.io/v1\nkind: \(kind)\nmetadata:\n  name: x\n  namespace: ns\n  \(metadata)" + body
        let read = Self.compare(Data(text.utf8), text)
        if let fast { #expect(read == fast, "\(Self.why(Data(text.utf8)))") }
    }

    @Test("YAML the fast reader leaves to Yams reads the same", arguments: [
        "a: &x 1\nb: *x\n", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a, namespace: b}\n",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: &m\n  name: a\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: *m\n",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  <<: {name: a}\n", "!!map\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n    b\n", "%YAML 1.1\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n",
        "apiVersion: v1\r\nkind: Namespace\r\nmetadata:\r\n  name: a\r\n", "apiVersion: v1\nkind: Namespace\nmetadata:\n\tname: a\n",
        "- apiVersion: v1\n  kind: Namespace\n", "apiVersion: v1\nkind: List\nitems: x\n", "? a\n: b\n",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: \"a\n    b\"\n", "apiVersion: v1\nkind: Namespace\nkind: Namespace\n",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\napiVersion: v1\n", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {{ .Values.x }}\n",
        "just a string\n", "---\n---\n", "# only a comment\n", "", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kubeadm-config\n  namespace: kube-system\ndata:\n  ClusterConfiguration: >\n    a\n    b\n",
    ])
    func leftToYams(text: String) {
        Self.compare(Data(text.utf8), text)
    }

    /// What `kubelet-authz guardrail` writes, as kubectl returns it: read for KA048 (metadata
    /// only), on the fast path, as the reference reads it.
    static let guardrailPolicy = """
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata:
          annotations:
            kubectl.kubernetes.io/last-applied-configuration: |
              {"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingAdmissionPolicy"}
            kubelet-authz.io/exceptions-expire: "2027-01-15"
            kubelet-authz.io/generated: "2026-11-27"
          creationTimestamp: "2026-11-27T10:00:00Z"
          generation: 1
          labels:
            app.kubernetes.io/managed-by: kubelet-authz
            kubelet-authz.io/guardrail: nodes-proxy
          name: kubelet-authz-nodes-proxy-roles
          resourceVersion: "4242"
        spec:
          failurePolicy: Fail
          matchConditions:
          - expression: request.userInfo.username != 'system:apiserver'
            name: not-the-api-server
          matchConstraints:
            resourceRules:
            - apiGroups:
              - rbac.authorization.k8s.io
              apiVersions:
              - '*'
              operations:
              - CREATE
              - UPDATE
              resources:
              - clusterroles
          validations:
          - expression: '!variables.reaches || variables.approved'
            reason: Forbidden
        status:
          observedGeneration: 1
          typeChecking: {}

        """

    @Test("a guardrail ValidatingAdmissionPolicy reads the same, on the fast path")
    func guardrailPolicyRead() throws {
        #expect(Self.compare(Data(Self.guardrailPolicy.utf8), "guardrail policy"), "left to the reference: \(Self.why(Data(Self.guardrailPolicy.utf8)))")
        let s = try ClusterDocumentDecoder.decode(Data(Self.guardrailPolicy.utf8), source: "vap.yaml", yamlReader: .fast)
        #expect(s.admissionPolicies == [AdmissionPolicy(name: "kubelet-authz-nodes-proxy-roles",
                                                         labels: ["app.kubernetes.io/managed-by": "kubelet-authz", "kubelet-authz.io/guardrail": "nodes-proxy"],
                                                         annotations: ["kubelet-authz.io/exceptions-expire": "2027-01-15", "kubelet-authz.io/generated": "2026-11-27"],
                                                         source: s.admissionPolicies.first?.source)])
        #expect(s.admissionPolicies.first?.source?.line == 1)
        #expect(s.skippedKinds.isEmpty)
        // Its seeded mutations: the two readers agree on every one, or refuse it at the same line.
        var rng = SplitMix(state: 48)
        for run in 0..<80 {
            let mutated = YAMLMutator.mutate(Array(Self.guardrailPolicy.utf8), using: &rng)
            Self.compare(Data(mutated), "guardrail mutation \(run):\n\(String(decoding: mutated, as: UTF8.self))")
        }
    }

    @Test("seeded mutations of every input read the same")
    func mutations() {
        // Mutations of what the fast reader reads; mutations of the rest test only Yams.
        var inputs = Self.bundled.filter { !Self.readByReference.contains($0.0) }.map { Array($0.1) }
        inputs += (100..<106).map { Array(KubectlStyleCluster.generate(seed: $0).utf8) }
        var rng = SplitMix(state: 20261207)
        var fastCount = 0
        let runs = 360
        for run in 0..<runs {
            let base = inputs[run % inputs.count]
            let mutated = YAMLMutator.mutate(base, using: &rng)
            if Self.compare(Data(mutated), "mutation run \(run):\n\(String(decoding: mutated, as: UTF8.self))") { fastCount += 1 }
        }
        // Mutations the fast reader always hands over test nothing of it.
        #expect(fastCount > runs / 4, "only \(fastCount) of \(runs) mutations were read on the fast path")
    }

    @Test("the real-world manifests read the same (when checked out beside the repository)")
    func realWorld() throws {
        guard let files = Fixtures.realWorldManifests() else { return }
        var fast = 0
        for (name, url) in files {
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            if Self.compare(data, name) { fast += 1 } else { print("real-world \(name): \(Self.why(data))") }
        }
        print("real-world manifests: \(fast) of \(files.count) read on the fast path")
        #expect(files.isEmpty || fast > 0)
    }
}

/// Line-aware mutations of YAML text: values and keys replaced by the scalars, indicators and
/// structures where YAML readers disagree, lines duplicated (duplicate keys), dropped or
/// re-indented, separators and tabs inserted, bytes flipped.
enum YAMLMutator {
    static let values = [
        "yes", "'yes'", "no", "On", "null", "~", "''", "\"\"", "0x10", "010", "1_000", ".inf", "-.inf", ".nan", "1e3",
        "2026-01-01", "2026-01-01 10:00:00", "12:30:45", "\"8080\"", "8080", "<<", "=", "&a x", "*a", "!!str 5", "!!int \"5\"",
        "[a, b]", "{a: b}", "[]", "{}", "|", ">-", "|+", "\"\\u00e9\"", "\"\\x41\\t\"", "\"\\q\"", "'it''s'", "a: b", "- x",
        "\"unterminated", "x #c", "x#c", "{{ .Values.x }}", "-x", "?x", ":x", "'", "\"a\" # c", "é", "\u{85}", "\u{2028}",
    ]
    static let keys = ["\"kind\"", "'name'", "\"8080\"", "'true'", "true", "yamlAnchor", "<<", "? x", "\"\"", "name", "kind", "-k", "'a''b'"]

    static func mutate(_ input: [UInt8], using rng: inout SplitMix) -> [UInt8] {
        var lines = String(decoding: input, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            guard !lines.isEmpty else { break }
            let i = Int.random(in: 0..<lines.count, using: &rng)
            let line = lines[i]
            let colon = line.range(of: ": ") ?? (line.hasSuffix(":") ? line.range(of: ":", options: .backwards) : nil)
            switch Int.random(in: 0..<11, using: &rng) {
            case 0, 1, 2:
                if let colon { lines[i] = String(line[..<colon.upperBound]) + (line.hasSuffix(":") ? " " : "") + values.randomElement(using: &rng)! }
                else if let dash = line.range(of: "- ") { lines[i] = String(line[..<dash.upperBound]) + values.randomElement(using: &rng)! }
            case 3:
                if let colon {
                    let indent = line.prefix { $0 == " " || $0 == "-" }
                    lines[i] = indent + keys.randomElement(using: &rng)! + line[colon.lowerBound...]
                }
            case 4: lines.insert(line, at: i)
            case 5: lines.remove(at: i)
            case 6: lines[i] = String(repeating: " ", count: Int.random(in: 1...2, using: &rng)) + line
            case 7: if line.hasPrefix(" ") { lines[i] = String(line.dropFirst(Int.random(in: 1...2, using: &rng))) }
            case 8: lines.insert(["---", "...", "# c", "", "\t", "  # c", "%YAML 1.1"].randomElement(using: &rng)!, at: i)
            case 9: lines[i] = line + [" ", "\r", "\t", " # c", ":", "\u{FEFF}"].randomElement(using: &rng)!
            default:
                var bytes = Array(line.utf8)
                if !bytes.isEmpty { bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0x20...0x7E, using: &rng) }
                lines[i] = String(decoding: bytes, as: UTF8.self)
            }
        }
        return Array(lines.joined(separator: "\n").utf8)
    }
}

/// A small cluster as `kubectl get -o yaml` and `helm template` write one: a `kind: List` or
/// `---`-separated documents, indentless or indented sequences, quoted and plain scalars, the
/// noise of real dumps (timestamps, managed fields, last-applied configurations as literal
/// blocks, `status: {}`), and every kind the reader reads. Seeded, so a failure reproduces.
enum KubectlStyleCluster {
    static func generate(seed: UInt64) -> String {
        var rng = SplitMix(state: seed &* 0x9E37_79B9 &+ 7)
        let asList = Bool.random(using: &rng)
        let indentlessSeq = Bool.random(using: &rng)
        let step = asList ? 2 : [2, 4].randomElement(using: &rng)!
        var objects: [[Line]] = []
        for n in 0..<Int.random(in: 4...14, using: &rng) { objects.append(object(n, &rng)) }
        var out = Bool.random(using: &rng) ? "# generated, seed \(seed)\n" : ""
        if asList {
            out += "apiVersion: v1\nitems:\n"
            for o in objects { out += render(o, indent: 0, step: step, indentless: true, firstPrefix: "- ") }
            out += "kind: List\nmetadata:\n  resourceVersion: \"\"\n"
        } else {
            for (i, o) in objects.enumerated() {
                if i > 0 || Bool.random(using: &rng) { out += "---\n" }
                if Int.random(in: 0..<3, using: &rng) == 0 { out += "# Source: chart/templates/t\(i).yaml\n" }
                out += render(o, indent: 0, step: step, indentless: indentlessSeq, firstPrefix: "")
            }
            if Bool.random(using: &rng) { out += "---\n" }
        }
        return out
    }

    /// A key with a scalar, a nested mapping, a list of scalars or a list of mappings.
    indirect enum Value { case scalar(String), map([Line]), list([String]), maps([[Line]]), raw(String), block(String, [String]) }
    struct Line { var key: String; var value: Value }

    static func render(_ lines: [Line], indent: Int, step: Int, indentless: Bool, firstPrefix: String) -> String {
        var out = ""
        let pad = String(repeating: " ", count: indent)
        for (i, line) in lines.enumerated() {
            let lead = i == 0 && !firstPrefix.isEmpty ? pad + firstPrefix : pad + String(repeating: " ", count: firstPrefix.count)
            let inner = indent + firstPrefix.count
            let seqIndent = indentless ? inner : inner + step
            switch line.value {
            case .scalar(let s): out += "\(lead)\(line.key): \(s)\n"
            case .raw(let s): out += "\(lead)\(line.key): \(s)\n"
            case .block(let header, let content):
                let contentPad = String(repeating: " ", count: inner + step)
                out += "\(lead)\(line.key): \(header)\n" + content.map { $0.isEmpty ? "\n" : contentPad + $0 + "\n" }.joined()
            case .map(let m):
                out += m.isEmpty ? "\(lead)\(line.key): {}\n" : "\(lead)\(line.key):\n" + render(m, indent: inner + step, step: step, indentless: indentless, firstPrefix: "")
            case .list(let l):
                out += l.isEmpty ? "\(lead)\(line.key): []\n" : "\(lead)\(line.key):\n" + l.map { String(repeating: " ", count: seqIndent) + "- \($0)\n" }.joined()
            case .maps(let ms):
                out += "\(lead)\(line.key):\n" + ms.map { render($0, indent: seqIndent, step: step, indentless: indentless, firstPrefix: "- ") }.joined()
            }
        }
        return out
    }

    static func scalar(_ s: String, _ rng: inout SplitMix) -> String {
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: return "'\(s.replacingOccurrences(of: "'", with: "''"))'"
        case 1: return "\"\(s)\""
        default: return s
        }
    }

    static func object(_ n: Int, _ rng: inout SplitMix) -> [Line] {
        func s(_ v: String) -> Value { .scalar(scalar(v, &rng)) }
        let ns = "ns\(Int.random(in: 0..<3, using: &rng))"
        var meta: [Line] = [Line(key: "name", value: s("obj-\(n)"))]
        if Bool.random(using: &rng) { meta.append(Line(key: "namespace", value: s(ns))) }
        meta.append(Line(key: "creationTimestamp", value: .raw(Bool.random(using: &rng) ? "\"2026-04-28T18:41:24Z\"" : "2026-04-28T18:41:24Z")))
        meta.append(Line(key: "resourceVersion", value: .raw(["'234895653'", "234895653", "\"1\""].randomElement(using: &rng)!)))
        // `helm.sh/chart` as Helm writes it, quoted or not, and forms only a hand writes.
        func chartLabel() -> Line {
            Line(key: ["helm.sh/chart", "'helm.sh/chart'", "\"helm.sh/chart\""].randomElement(using: &rng)!,
                 value: .raw(["fluent-bit-0.47.10", "'x-1.2.3-rc.1'", "\"netdata-v3.7.1_b\"", "~", "''", "8", "plain"].randomElement(using: &rng)!))
        }
        if Bool.random(using: &rng) {
            var labels = [Line(key: "app", value: s("a\(n % 3)")), Line(key: "tier", value: .raw(["'true'", "yes", "8", "~", ""].randomElement(using: &rng)!))]
            if Bool.random(using: &rng) { labels.append(chartLabel()) }
            meta.append(Line(key: "labels", value: .map(labels)))
        }
        // A pod template's metadata: its chart label is read, nothing else of it.
        let templateMeta: [Line] = {
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: return []
            case 1: return [Line(key: "metadata", value: .raw("~"))]
            case 2: return [Line(key: "metadata", value: .map([Line(key: "labels", value: .map([Line(key: "app", value: .raw("x")), chartLabel()])),
                                                               Line(key: "annotations", value: .map([Line(key: "n", value: .raw("1"))]))]))]
            default: return [Line(key: "metadata", value: .map([Line(key: "creationTimestamp", value: .raw("null")), Line(key: "labels", value: .map([Line(key: "n", value: .raw("2"))]))]))]
            }
        }()
        var annotations: [Line] = []
        if Bool.random(using: &rng) { annotations.append(Line(key: "kubelet-authz.io/owner", value: s("team-\(n)"))) }
        if Bool.random(using: &rng) { annotations.append(Line(key: "kubectl.kubernetes.io/last-applied-configuration", value: .block("|", ["{\"apiVersion\":\"v1\",\"kind\":\"X\"}"]))) }
        // Helm's and Argo CD's, which RBAC objects keep whole.
        if Bool.random(using: &rng) {
            annotations.append(Line(key: "meta.helm.sh/release-name", value: s("rel-\(n)")))
            annotations.append(Line(key: "argocd.argoproj.io/tracking-id", value: .raw(["'app:rbac/ClusterRole:x'", "8", "~", "yes"].randomElement(using: &rng)!)))
        }
        if !annotations.isEmpty { meta.append(Line(key: "annotations", value: .map(annotations))) }
        if Bool.random(using: &rng) {
            meta.append(Line(key: "managedFields", value: .maps([[Line(key: "apiVersion", value: .raw("v1")), Line(key: "fieldsType", value: .raw("FieldsV1")),
                                                                  Line(key: "fieldsV1", value: .map([Line(key: "f:metadata", value: .map([Line(key: "f:labels", value: .map([]))]))]))]])))
        }
        let rbac = Line(key: "apiVersion", value: .raw("rbac.authorization.k8s.io/v1"))
        switch Int.random(in: 0..<11, using: &rng) {
        case 0, 1:
            var rules: [[Line]] = []
            for _ in 0..<Int.random(in: 0...3, using: &rng) {
                var r = [Line(key: "apiGroups", value: .list([["''", "\"\"", "apps", "'*'"].randomElement(using: &rng)!])),
                         Line(key: "resources", value: .list(["nodes/proxy", "pods", "nodes/*", "'*'"].shuffled(using: &rng).prefix(2).map { $0 })),
                         Line(key: "verbs", value: .list(["get", "create", "'*'", "list", "watch"].shuffled(using: &rng).prefix(Int.random(in: 1...3, using: &rng)).map { $0 }))]
                if Bool.random(using: &rng) { r.append(Line(key: "resourceNames", value: .list(["n1"]))) }
                rules.append(r)
            }
            if Bool.random(using: &rng) { rules.append([Line(key: "nonResourceURLs", value: .list(["/metrics", "'/api/*'"])), Line(key: "verbs", value: .list(["get"]))]) }
            var o = [rbac, Line(key: "kind", value: .raw(n % 2 == 0 ? "ClusterRole" : "Role")), Line(key: "metadata", value: .map(meta)),
                     Line(key: "rules", value: rules.isEmpty ? .list([]) : .maps(rules))]
            if n % 2 == 0 && Bool.random(using: &rng) {
                o.append(Line(key: "aggregationRule", value: .map([Line(key: "clusterRoleSelectors", value: .maps([
                    [Line(key: "matchLabels", value: .map([Line(key: "rbac.example.com/aggregate", value: .raw("'true'"))]))],
                    [Line(key: "matchExpressions", value: .maps([[Line(key: "key", value: .raw("tier")), Line(key: "operator", value: .raw("In")), Line(key: "values", value: .list(["a", "'b'"]))]]))],
                ]))])))
            }
            return o
        case 2, 3:
            let subjects: [[Line]] = (0..<Int.random(in: 1...3, using: &rng)).map { i in
                switch i % 3 {
                case 0: return [Line(key: "kind", value: .raw("ServiceAccount")), Line(key: "name", value: .raw("sa-\(i)")), Line(key: "namespace", value: .raw(ns))]
                case 1: return [Line(key: "apiGroup", value: .raw("rbac.authorization.k8s.io")), Line(key: "kind", value: .raw("User")), Line(key: "name", value: .raw("\"alice@example.com\""))]
                default: return [Line(key: "apiGroup", value: .raw("rbac.authorization.k8s.io")), Line(key: "kind", value: .raw("Group")), Line(key: "name", value: .raw("system:nodes"))]
                }
            }
            return [rbac, Line(key: "kind", value: .raw(n % 2 == 0 ? "ClusterRoleBinding" : "RoleBinding")), Line(key: "metadata", value: .map(meta)),
                    Line(key: "roleRef", value: .map([Line(key: "apiGroup", value: .raw("rbac.authorization.k8s.io")), Line(key: "kind", value: .raw("ClusterRole")), Line(key: "name", value: s("obj-0"))])),
                    Line(key: "subjects", value: .maps(subjects))]
        case 4, 5:
            var sa = [Line(key: "apiVersion", value: .raw("v1")), Line(key: "kind", value: .raw("ServiceAccount")), Line(key: "metadata", value: .map(meta))]
            // Plain booleans are the fast reader's; other spellings are left to Yams.
            if Bool.random(using: &rng) { sa.append(Line(key: "automountServiceAccountToken", value: .raw(["false", "true", "~"].randomElement(using: &rng)!))) }
            return sa
        case 6:
            return [Line(key: "apiVersion", value: .raw("v1")), Line(key: "kind", value: .raw("Node")), Line(key: "metadata", value: .map(meta)),
                    Line(key: "spec", value: .map([])),
                    Line(key: "status", value: .map([Line(key: "capacity", value: .map([Line(key: "cpu", value: .raw(["'8'", "8", "7.5"].randomElement(using: &rng)!)), Line(key: "nvidia.com/gpu", value: .raw(["'4'", "4", "\"2\""].randomElement(using: &rng)!))])),
                                                     Line(key: "nodeInfo", value: .map([Line(key: "kubeletVersion", value: s("v1.3\(Int.random(in: 0...4, using: &rng)).2"))]))]))]
        case 7:
            return [Line(key: "apiVersion", value: .raw("v1")), Line(key: "kind", value: .raw("Namespace")), Line(key: "metadata", value: .map(meta)), Line(key: "status", value: .map([Line(key: "phase", value: .raw("Active"))]))]
        case 8:
            let containers: [[Line]] = [[Line(key: "name", value: .raw("c")), Line(key: "image", value: s("registry.example.com/app:1.\(n)")),
                                         Line(key: "args", value: .list(["--port=8080", "'--x'"])), Line(key: "ports", value: .maps([[Line(key: "containerPort", value: .raw("8080"))]])),
                                         Line(key: "resources", value: .map([Line(key: "limits", value: .map([Line(key: "cpu", value: .raw("'1'")), Line(key: ["nvidia.com/gpu", "amd.com/gpu", "habana.ai/gaudi"].randomElement(using: &rng)!, value: .raw(["'1'", "1", "\"2\""].randomElement(using: &rng)!))])),
                                                                            Line(key: "requests", value: .raw("~"))]))]]
            var pod: [Line] = [Line(key: "serviceAccountName", value: s("sa-\(n % 2)")), Line(key: "nodeName", value: .raw("n1")), Line(key: "containers", value: .maps(containers))]
            if Bool.random(using: &rng) { pod.append(Line(key: "automountServiceAccountToken", value: .raw(["false", "true", "null"].randomElement(using: &rng)!))) }
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: return [Line(key: "apiVersion", value: .raw("v1")), Line(key: "kind", value: .raw("Pod")), Line(key: "metadata", value: .map(meta)), Line(key: "spec", value: .map(pod))]
            case 1: return [Line(key: "apiVersion", value: .raw("apps/v1")), Line(key: "kind", value: .raw("Deployment")), Line(key: "metadata", value: .map(meta)),
                            Line(key: "spec", value: .map([Line(key: "replicas", value: .raw("3")), Line(key: "template", value: .map(templateMeta + [Line(key: "spec", value: .map(pod))]))]))]
            default: return [Line(key: "apiVersion", value: .raw("batch/v1")), Line(key: "kind", value: .raw("CronJob")), Line(key: "metadata", value: .map(meta)),
                             Line(key: "spec", value: .map([Line(key: "schedule", value: .raw("'*/5 * * * *'")), Line(key: "jobTemplate", value: .map([Line(key: "spec", value: .map([Line(key: "template", value: .map(templateMeta + [Line(key: "spec", value: .map(pod))]))]))]))]))]
            }
        case 9:
            let kubeadm = Bool.random(using: &rng)
            let cm: [Line] = kubeadm ? [Line(key: "name", value: .raw("kubeadm-config")), Line(key: "namespace", value: .raw("kube-system"))] : meta
            let config = Value.block("|", ["apiVersion: kubeadm.k8s.io/v1beta4", "kind: ClusterConfiguration", "", "kubernetesVersion: v1.31.2", ""])
            return [Line(key: "apiVersion", value: .raw("v1")), Line(key: "kind", value: .raw("ConfigMap")), Line(key: "metadata", value: .map(cm)),
                    Line(key: "data", value: .map([Line(key: "ClusterConfiguration", value: Bool.random(using: &rng) ? config : .block((kubeadm ? ["|-", "|+"] : ["|-", "|+", ">"]).randomElement(using: &rng)!, ["a: 1", "  b: 2", "#c", ""]))]))]
        default:
            return [Line(key: "apiVersion", value: .raw("v1")), Line(key: "kind", value: .raw("Secret")), Line(key: "metadata", value: .map(meta)), Line(key: "type", value: .raw("Opaque"))]
        }
    }
}
