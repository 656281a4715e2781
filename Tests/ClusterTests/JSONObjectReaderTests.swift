import Foundation
import RBAC
import TestSupport
import Testing
import Yams
@testable import Cluster

/// The byte-level JSON reader must give exactly what `JSONDecoder` gives, or step aside.
@Suite("Byte-level JSON reader agrees with JSONDecoder")
struct JSONObjectReaderTests {
    typealias Read = (list: ListWire, single: ObjectWire)

    /// `decodeJSON`'s sequential path: a `ListWire`, and the object itself when it has no items.
    static func reference(_ data: Data) -> Read? {
        guard let list = try? JSONDecoder().decode(ListWire.self, from: data) else { return nil }
        if list.items != nil { return (list, ObjectWire()) }
        guard let object = try? JSONDecoder().decode(ObjectWire.self, from: data) else { return nil }
        return (list, object)
    }

    /// The byte-level reader alone; nil when it steps aside.
    static func fast(_ data: Data) -> Read? {
        let layout = JSONItemLocator.layout(data)
        guard let document = JSONObjectReader.document(data, layout: layout) else { return nil }
        let list = ListWire(apiVersion: document.apiVersion, kind: document.kind, items: nil)
        guard document.hasItems else { return (list, document.single) }
        guard let items = JSONObjectReader.objects(data, layout.items[...]) else { return nil }
        return (ListWire(apiVersion: list.apiVersion, kind: list.kind, items: items), ObjectWire())
    }

    /// Every string in a value, as bytes, sorted: `String`'s `==` calls `é` and `e\u{301}`
    /// equal, and the readers must not even differ there.
    static func strings(_ value: Any) -> [[UInt8]] {
        if let s = value as? String { return [Array(s.utf8)] }
        return Mirror(reflecting: value).children.flatMap { strings($0.value) }.sorted { $0.lexicographicallyPrecedes($1) }
    }

    struct Outcome: Equatable {
        var roles: [Role], bindings: [Binding], serviceAccounts: [ServiceAccount], nodes: [Cluster.Node], namespaces: [Namespace]
        var workloads: [Workload], skipped: [String: Int], warnings: [InputWarning], serverVersion: String?, kubeadm: KubeadmConfig?
        var admissionPolicies: [AdmissionPolicy]
        init(_ s: ClusterSnapshot) {
            admissionPolicies = s.admissionPolicies
            (roles, bindings, serviceAccounts, nodes, namespaces) = (s.roles, s.bindings, s.serviceAccounts, s.nodes, s.namespaces)
            (workloads, skipped, warnings, serverVersion, kubeadm) = (s.workloads, s.skippedKinds, s.warnings, s.serverVersion, s.kubeadmConfig)
        }
    }

    static func decode(_ data: Data, byteReader: Bool) -> Result<Outcome, ClusterInputError> {
        ClusterDocumentDecoder.$useByteReader.withValue(byteReader) {
            Result { () throws(ClusterInputError) in Outcome(try ClusterDocumentDecoder.decode(data, source: "in.json")) }
        }
    }

    /// Holds the two readers to one answer on `data`; returns whether the byte reader read it.
    @discardableResult
    static func check(_ data: Data, _ label: String) -> Bool {
        #expect(JSONItemLocator.layout(data) == JSONItemLocator.referenceLayout(data), "\(label): the C item locator differs")
        let fast = fast(data)
        if let fast {
            let reference = reference(data)
            #expect(reference != nil, "\(label): read by the byte reader, rejected by JSONDecoder")
            if let reference {
                #expect(fast.list == reference.list && fast.single == reference.single, "\(label)")
                #expect(strings(fast) == strings(reference), "\(label): strings differ in their bytes")
            }
        }
        // Whole inputs, objects with their lines, or the same error at the same line.
        #expect(decode(data, byteReader: true) == decode(data, byteReader: false), "\(label)")
        return fast != nil
    }

    // MARK: Inputs

    /// A JSON value written by the test, so that key order, repeated keys, spacing and escapes
    /// are the test's to choose.
    indirect enum J {
        case s(String), raw(String), a([J]), o([(String, J)])
    }

    struct Writer {
        var indent = 0
        /// Escapes non-ASCII as `\uXXXX` (surrogate pairs above U+FFFF), `/` as `\/`, and `<>&` as
        /// Go writes them.
        var escapeAll = false

        func quote(_ s: String) -> String {
            var out = "\""
            for u in s.unicodeScalars {
                switch u {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\t": out += "\\t"
                case "/" where escapeAll: out += "\\/"
                case "<", ">", "&": out += escapeAll ? String(format: "\\u%04x", u.value) : String(u)
                case _ where u.value < 0x20: out += String(format: "\\u%04X", u.value)
                case _ where u.value > 0x7F && escapeAll:
                    for unit in String(u).utf16 { out += String(format: "\\u%04x", unit) }
                default: out.unicodeScalars.append(u)
                }
            }
            return out + "\""
        }

        func write(_ v: J, _ level: Int = 0) -> String {
            let pad = indent == 0 ? "" : "\n" + String(repeating: " ", count: indent * (level + 1))
            let end = indent == 0 ? "" : "\n" + String(repeating: " ", count: indent * level)
            let colon = indent == 0 ? ":" : ": "
            switch v {
            case .s(let s): return quote(s)
            case .raw(let r): return r
            case .a(let xs): return xs.isEmpty ? "[]" : "[" + xs.map { pad + write($0, level + 1) }.joined(separator: ",") + end + "]"
            case .o(let kv): return kv.isEmpty ? "{}" : "{" + kv.map { pad + quote($0.0) + colon + write($0.1, level + 1) }.joined(separator: ",") + end + "}"
            }
        }
    }

    /// Seeded Kubernetes objects of every kind the scan reads and some it does not, with the
    /// noise kubectl writes (managed fields, last-applied annotations, status).
    struct Generator {
        var rng: SplitMix
        var unicode = true

        mutating func pick<T>(_ xs: [T]) -> T { xs[Int.random(in: 0..<xs.count, using: &rng)] }
        mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }

        mutating func name() -> String {
            let base = pick(["api", "web", "ml-trainer", "node-exporter", "kube-proxy", "prom"]) + "-\(Int.random(in: 0..<99, using: &rng))"
            guard unicode, chance(0.15) else { return base }
            return base + pick(["é", "e\u{301}", "😀", "\"q\"", "a\\b", "tab\there", "<&>", "/x/", "\u{1}", "ü\u{FEFF}"])
        }

        mutating func strings(_ xs: [String]) -> J { .a((0..<Int.random(in: 0...3, using: &rng)).map { _ in .s(pick(xs)) }) }

        mutating func noise(_ depth: Int) -> J {
            if depth == 0 || chance(0.3) {
                return pick([.s("v"), .raw("12"), .raw("-0.5e+3"), .raw("true"), .raw("false"), .raw("null"), .s("k:{\"name\":\"c\"}"), .raw("0")])
            }
            if chance(0.5) { return .a((0..<Int.random(in: 0...3, using: &rng)).map { _ in noise(depth - 1) }) }
            return .o((0..<Int.random(in: 0...3, using: &rng)).map { k in ("f:\(k)", noise(depth - 1)) })
        }

        /// RBAC objects keep every annotation, which must then be strings; other kinds keep only
        /// `kubelet-authz.io/*`, and the rest may hold anything.
        mutating func metadata(namespaced: Bool, rbac: Bool = false) -> J {
            var m: [(String, J)] = [("name", .s(name()))]
            if namespaced && chance(0.9) { m.append(("namespace", .s(pick(["default", "kube-system", "ml", "ünïcode"])))) }
            if chance(0.6) {
                var l: [(String, J)] = [("app", .s(name())), ("team", .s(pick(["sre", "ml"])))]
                if chance(0.4) { l.append(("helm.sh/chart", chartLabel())) }
                if chance(0.3) { l.append(("app.kubernetes.io/managed-by", .s(pick(["Helm", "argocd"])))); l.append(("argocd.argoproj.io/instance", .s(name()))) }
                m.append(("labels", .o(l)))
            }
            if chance(0.6) {
                var a: [(String, J)] = [("kubectl.kubernetes.io/last-applied-configuration", .s("{\"apiVersion\":\"v1\",\"kind\":\"X\",\"metadata\":{\"name\":\"\(name())\"}}\n"))]
                if chance(0.5) { a.append(("kubelet-authz.io/reviewed", .s(pick(["2026-11-01", "yes", "é"])))) }
                if chance(0.3) { a.append(("helm.sh/count", rbac ? .s("3") : .raw("3"))) }
                if chance(0.4) { a.append(("meta.helm.sh/release-name", .s(name()))); a.append(("meta.helm.sh/release-namespace", .s("ml"))) }
                if chance(0.2) { a.shuffle(using: &rng) }
                m.append(("annotations", .o(a)))
            }
            if chance(0.3) { m.append(("managedFields", .a([noise(5)]))) }
            m.append(("uid", .s("0a1b2c3d-\(Int.random(in: 0..<9999, using: &rng))")))
            return .o(m)
        }

        /// A `helm.sh/chart` value: versions to strip or not, and non-ASCII.
        mutating func chartLabel() -> J {
            .s(pick(["fluent-bit-0.47.10", "x-1.2.3-rc.1", "", "plain", "k8s-1-agent-v2.0.0_b", "é-1.0.0", name() + "-0.1.0"]))
        }

        /// A pod template's metadata, which workloads are read for their chart label only.
        mutating func templateMetadata() -> J {
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: return .o([])
            case 1: return .raw("null")
            case 2: return .o([("labels", .o([("app", .s(name())), ("helm.sh/chart", chartLabel())])), ("annotations", .o([("a", .raw("1"))]))])
            default: return .o([("labels", .o([("helm.sh/chart", .raw("null")), ("n", .raw("2"))]))])
            }
        }

        mutating func rule() -> J {
            var r: [(String, J)] = [("verbs", strings(["get", "list", "*", "create"]))]
            if chance(0.8) { r.append(("apiGroups", strings(["", "apps", "*", "rbac.authorization.k8s.io"]))) }
            if chance(0.8) { r.append(("resources", strings(["nodes/proxy", "pods", "nodes", "*", "nodes/metrics"]))) }
            if chance(0.2) { r.append(("resourceNames", strings(["a", "b"]))) }
            if chance(0.1) { r.append(("nonResourceURLs", strings(["/metrics", "/healthz"]))) }
            if chance(0.1) { r.append(("verbs2", noise(2))) }
            return .o(r)
        }

        mutating func container() -> J {
            .o([("name", .s(name())), ("image", .s("registry.example/\(name()):1.\(Int.random(in: 0..<9, using: &rng))")),
                ("resources", chance(0.5) ? .o([("limits", .o([("cpu", .s("1")), ("memory", .raw("1024"))]))])
                    : .o([("requests", .o([("cpu", .s("1")), (pick(["nvidia.com/gpu", "amd.com/gpu", "habana.ai/gaudi", "google.com/tpu"]), .s("2"))])),
                          ("limits", chance(0.5) ? .raw("null") : .o([("nvidia.com/gpu", .s("1")), ("memory", .raw("1024"))]))]))])
        }

        mutating func podSpec() -> J {
            var s: [(String, J)] = [("containers", .a([container()]))]
            if chance(0.5) { s.append(("serviceAccountName", .s(name()))) }
            if chance(0.2) { s.append(("serviceAccount", .s(name()))) }
            if chance(0.5) { s.append(("nodeName", .s("node-\(Int.random(in: 0..<9, using: &rng))"))) }
            if chance(0.3) { s.append(("initContainers", .a([container()]))) }
            if chance(0.3) { s.append(("volumes", .a([noise(3)]))) }
            if chance(0.3) { s.append(("automountServiceAccountToken", pick([.raw("false"), .raw("true"), .raw("null")]))) }
            return .o(s)
        }

        mutating func object(kindless: Bool = false) -> J {
            let kind = pick(["ClusterRole", "Role", "ClusterRoleBinding", "RoleBinding", "ServiceAccount", "Node", "Namespace", "Pod",
                             "Deployment", "CronJob", "ConfigMap", "ClusterSnapshotInfo", "Secret", "ServiceAccount", "ClusterRole",
                             "ValidatingAdmissionPolicy"])
            let rbac = kind.hasSuffix("Role") || kind.hasSuffix("Binding")
            var o: [(String, J)] = [("apiVersion", .s(rbac ? pick(["rbac.authorization.k8s.io/v1", "rbac.authorization.k8s.io/v1", "example.com/v1"]) : "v1"))]
            if !kindless { o.append(("kind", .s(kind))) }
            switch kind {
            case "ConfigMap" where chance(0.5):
                o.append(("metadata", .o([("name", .s("kubeadm-config")), ("namespace", .s("kube-system"))])))
                o.append(("data", .o([("ClusterConfiguration", .s("apiVersion: kubeadm.k8s.io/v1beta4\nkubernetesVersion: v1.3\(Int.random(in: 0..<7, using: &rng)).0\n"))])))
            case "ClusterSnapshotInfo":
                o.append(("serverVersion", .s("v1.3\(Int.random(in: 0..<7, using: &rng)).1")))
            default:
                o.append(("metadata", metadata(namespaced: ["Role", "RoleBinding", "ServiceAccount", "Pod", "Deployment", "CronJob"].contains(kind),
                                               rbac: rbac || kindless)))
            }
            switch kind {
            case "ClusterRole", "Role":
                o.append(("rules", .a((0..<Int.random(in: 0...3, using: &rng)).map { _ in rule() })))
                if kind == "ClusterRole", chance(0.2) {
                    o.append(("aggregationRule", .o([("clusterRoleSelectors", .a([.o([("matchLabels", .o([("agg", .s("true"))])),
                        ("matchExpressions", .a([.o([("key", .s("tier")), ("operator", .s("In")), ("values", .a([.s("a")]))])]))])]))])))
                }
            case "ClusterRoleBinding", "RoleBinding":
                o.append(("roleRef", .o([("apiGroup", .s("rbac.authorization.k8s.io")), ("kind", .s("ClusterRole")), ("name", .s(name()))])))
                o.append(("subjects", .a((0..<Int.random(in: 0...3, using: &rng)).map { _ in
                    var s: [(String, J)] = [("kind", .s(pick(["ServiceAccount", "User", "Group"]))), ("name", .s(name()))]
                    if chance(0.5) { s.append(("namespace", .s("ml"))) }
                    if chance(0.5) { s.append(("apiGroup", .s("rbac.authorization.k8s.io"))) }
                    return .o(s)
                })))
            case "Node":
                o.append(("spec", .o([("podCIDR", .s("10.0.0.0/24"))])))
                o.append(("status", .o([("capacity", .o([("cpu", .s("8")), ("nvidia.com/gpu", .s("4"))])),
                                        ("nodeInfo", .o([("kubeletVersion", .s("v1.3\(Int.random(in: 0..<7, using: &rng)).2")), ("osImage", .s("Ubuntu"))])),
                                        ("conditions", noise(4))])))
            case "Pod":
                o.append(("spec", podSpec()))
                o.append(("status", .o([("phase", .s("Running"))])))
            case "Deployment":
                o.append(("spec", .o([("replicas", .raw("3")), ("template", .o([("metadata", templateMetadata()), ("spec", podSpec())]))])))
            case "CronJob":
                o.append(("spec", .o([("schedule", .s("*/5 * * * *")),
                                      ("jobTemplate", .o((chance(0.5) ? [("metadata", templateMetadata())] : [])
                                                         + [("spec", .o([("template", .o([("metadata", templateMetadata()), ("spec", podSpec())]))]))]))])))
            case "ValidatingAdmissionPolicy":
                o.append(("spec", .o([("failurePolicy", .s("Fail")), ("validations", .a([.o([("expression", .s("!has(object.rules)"))])]))])))
            case "ServiceAccount" where chance(0.4):
                o.append(("automountServiceAccountToken", pick([.raw("false"), .raw("true"), .raw("null")])))
            case "Secret":
                o.append(("data", .o([("token", .s("c2VjcmV0")), ("n", .raw("1"))])))
            default: break
            }
            // kubectl sorts keys; other writers do not, and `kind` may come last.
            if chance(0.3) { o.shuffle(using: &rng) }
            return .o(o)
        }

        mutating func list(items: Int) -> J {
            let typed = chance(0.3)
            if typed {
                let kind = pick(["ClusterRole", "ServiceAccount", "Pod", "Node", "ValidatingAdmissionPolicy"])
                var g = self
                var objects: [J] = []
                while objects.count < items {
                    let o = g.object(kindless: true)
                    objects.append(o)
                }
                self = g
                return .o([("apiVersion", .s("v1")), ("kind", .s(kind + "List")), ("metadata", .o([("resourceVersion", .s(""))])), ("items", .a(objects))])
            }
            return .o([("apiVersion", .s("v1")), ("items", .a((0..<items).map { _ in object() })), ("kind", .s("List")),
                       ("metadata", .o([("resourceVersion", .s(""))]))])
        }
    }

    // MARK: Tests

    @Test("generated clusters, compact and indented, Lists, typed Lists and single objects")
    func generated() {
        var g = Generator(rng: SplitMix(state: 20261207))
        var read = 0, total = 0
        for run in 0..<120 {
            let value = run % 4 == 3 ? g.object() : g.list(items: Int.random(in: 0...12, using: &g.rng))
            let writer = Writer(indent: [0, 2, 4][run % 3], escapeAll: run % 5 == 0)
            let text = writer.write(value)
            total += 1
            if Self.check(Data(text.utf8), "generated \(run)") { read += 1 }
        }
        // Regular input is the byte reader's to read, not JSONDecoder's.
        #expect(read == total)
    }

    @Test("a List large enough to be read on every core")
    func parallel() {
        var g = Generator(rng: SplitMix(state: 7))
        let text = Writer(indent: 0).write(.o([("apiVersion", .s("v1")), ("kind", .s("List")), ("items", .a((0..<2100).map { _ in g.object() }))]))
        let data = Data(text.utf8)
        #expect(Self.fast(data) != nil)
        let outcome = Self.decode(data, byteReader: true)
        #expect(outcome == Self.decode(data, byteReader: false))
        #expect((try? outcome.get())?.serviceAccounts.isEmpty == false)
    }

    @Test("a List read on every core fails at the first bad item, as one thread does")
    func parallelErrors() {
        var g = Generator(rng: SplitMix(state: 8))
        var items = (0..<2200).map { _ in g.object() }
        let bad: J = .o([("apiVersion", .s("v1")), ("kind", .s("ServiceAccount")), ("metadata", .o([("namespace", .s("a"))]))])
        let kindless: J = .o([("apiVersion", .s("v1")), ("metadata", .o([("name", .s("x"))]))])
        for (late, early) in [(2000, nil), (2000, 5), (1500, 1400), (2199, 1101)] as [(Int, Int?)] {
            var these = items
            these[late] = bad
            if let early { these[early] = kindless }
            let data = Data(Writer(indent: 2).write(.o([("apiVersion", .s("v1")), ("kind", .s("List")), ("items", .a(these))])).utf8)
            let outcome = Self.decode(data, byteReader: true)
            #expect(outcome == Self.decode(data, byteReader: false), "bad item \(late), kindless \(String(describing: early))")
            guard case .failure(let error) = outcome else { Issue.record("no error for bad item \(late)"); continue }
            #expect(error.message.contains(early == nil ? "has no metadata.name" : "items[\(early!)]: missing kind"), "\(error)")
        }
        items[0] = .o([("kind", .s("ClusterRole")), ("metadata", .o([("name", .s("n"))]))])
        let data = Data(Writer(indent: 0).write(.o([("apiVersion", .s("v1")), ("kind", .s("Lost")), ("items", .a(items))])).utf8)
        #expect(Self.decode(data, byteReader: true) == Self.decode(data, byteReader: false))
        // The wrong kind and an item JSONDecoder refuses: the item's error, as on one thread.
        items[1800] = .o([("apiVersion", .s("v1")), ("kind", .s("ServiceAccount")), ("metadata", .raw("7"))])
        let both = Data(Writer(indent: 0).write(.o([("apiVersion", .s("v1")), ("kind", .s("Lost")), ("items", .a(items))])).utf8)
        let outcome = Self.decode(both, byteReader: true)
        #expect(outcome == ListItemConverter.$parallelFrom.withValue(.max) { Self.decode(both, byteReader: true) })
        guard case .failure(let error) = outcome else { Issue.record("no error"); return }
        #expect(!error.message.contains("must have kind List"), "\(error)")
    }

    @Test("the bundled examples and fixtures, as JSON")
    func examples() throws {
        let files = ["examples/ai-cluster/platform-rbac.yaml", "examples/ai-cluster/collectors-rbac.yaml", "examples/ai-cluster/nodes.yaml",
                     "examples/ai-cluster/workloads.yaml", "examples/ai-cluster/serviceaccounts.yaml", "examples/ai-cluster/namespaces.yaml",
                     "examples/ai-cluster/clusterrolebindings-list.yaml", "Tests/Fixtures/oracle-cluster.yaml", "Tests/Fixtures/kubeadm-cluster.yaml"]
        var documents = 0
        for file in files {
            let text = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent(file), encoding: .utf8)
            var items: [Any] = []
            for document in try Yams.load_all(yaml: text) {
                if let d = document as? [String: Any], let more = d["items"] as? [Any] { items += more } else { items.append(document) }
            }
            for indent in [0, 4] {
                let json = try JSONSerialization.data(withJSONObject: ["apiVersion": "v1", "kind": "List", "items": items],
                                                      options: indent == 0 ? [.sortedKeys] : [.sortedKeys, .prettyPrinted])
                #expect(Self.check(json, "\(file) indent \(indent)"), "\(file): the byte reader stepped aside")
                documents += 1
            }
        }
        #expect(documents == files.count * 2)
    }

    /// Each edit applied to a small valid document: whether the byte reader must read it
    /// (true), or may step aside (nil), and in both cases agree with JSONDecoder.
    static let edits: [(String, String, Bool?)] = [
        ("\"name\":\"a\"", "\"name\":\"\\u00e9\\ud83d\\ude00\\/\\\"\\\\\\b\\f\\n\\r\\t\\u0000x\"", true),
        ("\"name\":\"a\"", "\"name\":\"e\u{301}\"", true),
        ("\"name\":\"a\"", "\"n\\u0061me\":\"a\"", true),
        ("\"name\":\"a\"", "\"name\":\"\\ud800\"", nil),
        ("\"name\":\"a\"", "\"name\":\"\\udc00x\"", nil),
        ("\"name\":\"a\"", "\"name\":\"\\ud800\\u0041\"", nil),
        ("\"name\":\"a\"", "\"name\":\"\\x\"", nil),
        ("\"name\":\"a\"", "\"name\":7", nil),
        ("\"name\":\"a\"", "\"name\":true", nil),
        ("\"name\":\"a\"", "\"name\":null", true),
        ("\"name\":\"a\"", "\"name\":\"a\",\"name\":\"b\"", nil),
        ("\"name\":\"a\"", "\"name\":\"a\"\n,\"labels\":{\"x\":\"1\",\"x\":\"2\"}", nil),
        ("\"name\":\"a\"", "\"name\":\"a\",\"labels\":{\"x\":1}", nil),
        ("\"name\":\"a\"", "\"name\":\"a\",\"labels\":null,\"annotations\":{}", true),
        ("\"name\":\"a\"", "\"name\":\"a\",\"annotations\":{\"kubelet-authz.io/x\":3}", nil),
        // A role keeps every annotation, so each must be a string; kubectl's last-applied
        // configuration is skipped whatever it holds.
        ("\"name\":\"a\"", "\"name\":\"a\",\"annotations\":{\"other\":3,\"k\\u0075belet-authz.io/x\":\"y\"}", nil),
        ("\"name\":\"a\"", "\"name\":\"a\",\"annotations\":{\"meta.helm.sh/release-name\":\"r\",\"kubectl.kubernetes.io/last-applied-configuration\":{\"a\":[1,null]}}", true),
        ("\"name\":\"a\"", "\"name\":\"a\",\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":7,\"kubectl.kubernetes.io/last-applied-configuration\":\"x\"}", true),
        ("\"name\":\"a\"", "\"name\":\"a\",\"annotations\":{\"kubectl.kubernetes.io\\/last-applied-configuration\":\"{}\",\"x\":\"\\u00e9\"}", true),
        ("\"name\":\"a\"", "\"name\":\"a\",\"annotations\":{\"meta.helm.sh/release-name\":\"r\",\"meta.helm.sh/release-name\":\"s\"}", nil),
        ("\"name\":\"a\"", "\"name\":\"a\",\"annotations\":{\"x\":null}", nil),
        ("\"name\":\"a\"", "\"name\":\"a\",\"annotations\":{\"kubelet-authz.io/\\u0301x\":\"y\"}", true),
        ("\"verbs\":[\"get\"]", "\"verbs\":[]", true),
        ("\"verbs\":[\"get\"]", "\"verbs\":null", true),
        ("\"verbs\":[\"get\"]", "\"verbs\":[null]", nil),
        ("\"verbs\":[\"get\"]", "\"verbs\":[\"get\",]", nil),
        ("\"verbs\":[\"get\"]", "\"verbs\":\"get\"", nil),
        ("\"rules\":[", "\"x\":" + String(repeating: "[", count: 150) + String(repeating: "]", count: 150) + ",\"rules\":[", nil),
        ("\"rules\":[", "\"x\":" + String(repeating: "{\"a\":", count: 40) + "1" + String(repeating: "}", count: 40) + ",\"rules\":[", true),
        ("\"rules\":[", "\"x\":[1.5e3,-0,0.25,1E+2,true,false,null,{}],\"rules\":[", true),
        ("\"rules\":[", "\"x\":01,\"rules\":[", nil),
        ("\"rules\":[", "\"x\":1.,\"rules\":[", nil),
        ("\"rules\":[", "\"x\":tru,\"rules\":[", nil),
        ("\"rules\":[", "\"x\":1e999,\"rules\":[", nil),
        ("\"rules\":[", "\"x\":\"\u{1}\",\"rules\":[", nil),
        ("\"rules\":[", "\"rules\":[{}],\"rules\":[", nil),
        ("\"kind\":\"ClusterRole\"", "\"kind\":null", true),
        ("\"kind\":\"ClusterRole\"", "\"kind\":5", nil),
        ("\"kind\":\"ClusterRole\"", "\"kind\":\"\"", true),
        ("\"kind\":\"ClusterRole\",\"metadata\":{\"name\":\"a\"}", "\"kind\":\"Secret\",\"metadata\":7", true),
        ("{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"ClusterRole\"", "{\"apiVersion\":{},\"kind\":\"Pod\"", true),
        ("{\"apiVersion\":\"v1\"", "{\"apiVersion\":5", nil),
        ("{\"apiVersion\":\"v1\",\"items\":[", "{\"apiVersion\":\"v1\",\"items\":null,\"x\":[", true),
        ("{\"apiVersion\":\"v1\"", "{\"items\":{},\"apiVersion\":\"v1\"", nil),
        ("]}", "]} x", nil),
        ("]}", "]}\n\n", true),
        ("]}", "]", nil),
        ("\"a\"", "\"a\u{80}\"", nil),
        ("\"a\"", "\"a\u{7F}\"", true),
    ]

    /// Edits of `smallWorkload`'s labels: only `helm.sh/chart` is read, the rest skipped whatever it holds.
    static let workloadEdits: [(String, String, Bool?)] = [
        ("\"labels\":{}", "\"labels\":{\"helm.sh/chart\":3}", nil),
        ("\"labels\":{}", "\"labels\":{\"helm.sh/chart\":null}", true),
        ("\"labels\":{}", "\"labels\":null", true),
        ("\"labels\":{}", "\"labels\":{\"other\":3,\"helm.sh/chart\":\"a-1.0.0\"}", true),
        ("\"labels\":{}", "\"labels\":{\"helm.sh\\/chart\":\"a-1.0.0\"}", true),
        ("\"labels\":{}", "\"labels\":{\"helm.sh/chart\":\"a-1.0.0\",\"helm.sh/chart\":\"b-1.0.0\"}", nil),
        ("\"labels\":{}", "\"labels\":[]", nil),
        ("\"metadata\":{\"labels\":{\"helm.sh/chart\":\"t-1.0.0\"}}", "\"metadata\":null", true),
        ("\"metadata\":{\"labels\":{\"helm.sh/chart\":\"t-1.0.0\"}}", "\"metadata\":7", nil),
        ("\"metadata\":{\"labels\":{\"helm.sh/chart\":\"t-1.0.0\"}}", "\"metadata\":{\"labels\":{\"helm.sh/chart\":true}}", nil),
        ("\"metadata\":{\"labels\":{\"helm.sh/chart\":\"t-1.0.0\"}}", "\"metadata\":{\"name\":5,\"labels\":{\"x\":[1]}}", true),
    ]

    /// Edits of `smallServiceAccount`'s annotations: only `kubelet-authz.io/*` is read, the rest
    /// skipped whatever it holds.
    static let serviceAccountEdits: [(String, String, Bool?)] = [
        ("\"annotations\":{}", "\"annotations\":{\"other\":3,\"k\\u0075belet-authz.io/x\":\"y\"}", true),
        ("\"annotations\":{}", "\"annotations\":{\"kubelet-authz.io/x\":3}", nil),
        ("\"annotations\":{}", "\"annotations\":{\"meta.helm.sh/release-name\":[],\"kubelet-authz.io/owner\":\"t\"}", true),
    ]

    static let smallServiceAccount = #"{"apiVersion":"v1","items":[{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"a","namespace":"n","annotations":{}}}],"kind":"List"}"#

    static let smallWorkload = #"{"apiVersion":"v1","items":[{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"a","namespace":"n","labels":{}},"spec":{"template":{"metadata":{"labels":{"helm.sh/chart":"t-1.0.0"}},"spec":{"containers":[{"image":"i"}]}}}}],"kind":"List"}"#

    static let small = #"{"apiVersion":"v1","items":[{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"a"},"rules":[{"verbs":["get"],"resources":["nodes/proxy"]}]}],"kind":"List"}"#

    @Test("the real-world manifests as JSON Lists, compact and indented (when checked out beside the repository)")
    func realWorld() throws {
        guard let files = Fixtures.realWorldManifests() else { return }
        var read = 0, lists = 0
        for (name, url) in files {
            let text = try String(contentsOf: url, encoding: .utf8)
            // Documents Yams reads as mappings; a manifest's other documents are not the point here.
            guard let documents = try? Yams.load_all(yaml: text) else { continue }
            let items = documents.compactMap { $0 as? [String: Any] }.filter { JSONSerialization.isValidJSONObject($0) }
            guard !items.isEmpty else { continue }
            for indent in [0, 4] {
                let json = try JSONSerialization.data(withJSONObject: ["apiVersion": "v1", "kind": "List", "items": items],
                                                      options: indent == 0 ? [.sortedKeys] : [.sortedKeys, .prettyPrinted])
                lists += 1
                if Self.check(json, "\(name) indent \(indent)") { read += 1 }
            }
        }
        print("real-world manifests as JSON: \(read) of \(lists) read by the byte reader")
        #expect(lists == 0 || read > 0)
    }

    @Test("escapes, unicode, nulls, other types, repeated keys, nesting and numbers")
    func edits() {
        for (base, edits, name) in [(Self.small, Self.edits, "edit"), (Self.smallWorkload, Self.workloadEdits, "workload edit"),
                                    (Self.smallServiceAccount, Self.serviceAccountEdits, "service account edit")] {
            for (n, (from, to, mustRead)) in edits.enumerated() {
                guard let range = base.range(of: from) else { Issue.record("\(name) \(n): \(from) not found"); continue }
                let text = base.replacingCharacters(in: range, with: to)
                let read = Self.check(Data(text.utf8), "\(name) \(n): \(to)")
                if mustRead == true { #expect(read, "\(name) \(n): the byte reader stepped aside on \(to)") }
            }
        }
        // The chart each reader keeps is the label's, version stripped.
        let chart = try? Self.decode(Data(Self.smallWorkload.utf8), byteReader: true).get().workloads.map(\.helmChart)
        #expect(chart == ["t"])
        // A byte that is not UTF-8, where the reader skips and where it reads.
        for bytes in [[0x80], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xFF]] as [[UInt8]] {
            var data = Array(Self.small.utf8)
            let at = data.firstIndex(of: UInt8(ascii: "a"))!
            data.insert(contentsOf: bytes, at: at + 1)
            #expect(!Self.check(Data(data), "invalid UTF-8 \(bytes)"))
        }
    }

    @Test("JSON documents separated by --- go through YAML, as before")
    func yamlStream() {
        let text = Self.small + "\n---\n" + Self.small + "\n"
        #expect(!Self.check(Data(text.utf8), "two documents"))
        #expect((try? Self.decode(Data(text.utf8), byteReader: true).get())?.roles.count == 2)
    }

    @Test("seeded byte mutations of generated clusters")
    func mutations() {
        var g = Generator(rng: SplitMix(state: 99))
        var rng = SplitMix(state: 20261208)
        let tokens = ["\\u0000", "\\ud800", "\"", "{", "}", "[", "]", ",", ":", "null", "1e999", "-0", "\\", "\u{FEFF}", "\t", " ", "\"kind\":5,"]
        var read = 0, failed = 0
        for run in 0..<400 {
            var bytes = Array(Writer(indent: run % 2 * 2).write(g.list(items: Int.random(in: 1...4, using: &rng))).utf8)
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<5, using: &rng) {
                case 0: bytes[at] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes.insert(contentsOf: tokens[Int.random(in: 0..<tokens.count, using: &rng)].utf8, at: at)
                case 2: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...8, using: &rng)))
                case 3: bytes[at] ^= 1 << UInt8.random(in: 0...7, using: &rng)
                default:
                    let end = min(bytes.count, at + Int.random(in: 1...40, using: &rng))
                    bytes.insert(contentsOf: bytes[at..<end], at: end)
                }
            }
            if Self.check(Data(bytes), "mutation \(run)") { read += 1 }
            if case .failure = Self.decode(Data(bytes), byteReader: true) { failed += 1 }
        }
        // Both sides of the line are exercised: mutations the reader reads, and errors.
        #expect(read > 20)
        #expect(failed > 20)
    }
}
