import Foundation
import KubeJSON
import RBAC

/// The fast path for YAML: `YAMLBlockParser`'s tree read straight into `ObjectWire`, field by
/// field as `ObjectWire`'s `Decodable` reads it through `YAMLDecoder` — which, with Yams'
/// `Node` built first, is most of a large dump's reading time. Wherever the reference decoder
/// would fail, or its answer depends on something this reader does not model, it throws
/// `Unsure` and the caller reads the whole input with the reference decoder instead; a
/// differential test holds the two to the same snapshots and errors.
struct YAMLObjectReader {
    typealias Unsure = YAMLBlockParser.Unsure
    typealias Node = YAMLBlockTree.Node

    enum Document {
        /// `---` alone, comments only, or a scalar document that is empty or null.
        case empty
        /// A scalar document: not a Kubernetes object.
        case notKubernetes
        case object(ObjectWire, line: Int, number: Int)
        case list(ListWire, line: Int, number: Int, itemLines: [Int])
    }

    private let tree: YAMLBlockTree
    private let b: UnsafeBufferPointer<UInt8>

    /// Nil when the input is not one this reader is sure of.
    static func read(_ data: Data) -> [Document]? {
        try? readOrExplain(data)
    }

    /// The documents, or where in this reader's source it gave up (for tests).
    static func readOrExplain(_ data: Data) throws(Unsure) -> [Document] {
        let result = data.withUnsafeBytes { raw in
            Result { () throws(Unsure) -> [Document] in
                let b = raw.bindMemory(to: UInt8.self)
                let reader = YAMLObjectReader(tree: try YAMLBlockParser.parse(b), b: b)
                var documents: [Document] = []
                documents.reserveCapacity(reader.tree.documents.count)
                for d in reader.tree.documents { documents.append(try reader.document(d)) }
                return documents
            }
        }
        return try result.get()
    }

    // MARK: Documents

    /// What `decodeYAML` does with each root, up to `dispatch`.
    private func document(_ d: YAMLBlockTree.Document) throws(Unsure) -> Document {
        guard let r = d.root else { return .empty }
        let root = node(r)
        switch root.kind {
        case .scalar:
            guard let t = YAMLScalarText.text(of: root, in: b) else { throw Unsure() }
            return t.isEmpty || t == "null" || t == "~" ? .empty : .notKubernetes
        case .sequence:
            throw Unsure()  // a top-level list: refused or skipped by the reference reader
        case .mapping:
            break
        }
        if let items = lookup(root, "items") {
            let kind = lookup(root, "kind")
            if let kind, kind.kind != .scalar { throw Unsure() }
            if let kind, let k = YAMLScalarText.text(of: kind, in: b), k == "List" || k.hasSuffix("List"), items.kind != .sequence {
                throw Unsure()  // the reference reader's error, with its line
            }
            if let kind, kind.style == .opaque { throw Unsure() }
            if items.kind == .sequence {
                let (objects, lines) = try self.items(items)
                let list = ListWire(apiVersion: try string(lookup(root, "apiVersion")), kind: try string(kind), items: objects)
                return .list(list, line: Int(root.line), number: d.number, itemLines: lines)
            }
        }
        return .object(try object(root), line: Int(root.line), number: d.number)
    }

    /// A List's items and their lines; a large List on every core, one run of items each.
    private func items(_ items: Node) throws(Unsure) -> ([ObjectWire], [Int]) {
        let count = Int(items.end)
        guard count >= ListItemConverter.parallelFrom else { return try self.items(items, 0..<count) }
        // The tree and the bytes are only read; each run builds its own objects.
        let parts = ParallelRuns.map(count: count) { range in try? self.items(items, range) }
        var objects: [ObjectWire] = [], lines: [Int] = []
        objects.reserveCapacity(count)
        lines.reserveCapacity(count)
        for part in parts {
            guard let part else { throw Unsure() }
            objects += part.0
            lines += part.1
        }
        return (objects, lines)
    }

    private func items(_ items: Node, _ range: Range<Int>) throws(Unsure) -> ([ObjectWire], [Int]) {
        var objects: [ObjectWire] = [], lines: [Int] = []
        objects.reserveCapacity(range.count)
        lines.reserveCapacity(range.count)
        for i in range {
            let item = node(tree.child(items, i))
            objects.append(try object(item))
            lines.append(Int(item.line))
        }
        return (objects, lines)
    }

    // MARK: ObjectWire

    /// `ObjectWire.init(from:)`, kind by kind.
    private func object(_ n: Node) throws(Unsure) -> ObjectWire {
        guard n.kind == .mapping else { throw Unsure() }
        var o = ObjectWire()
        o.kind = try string(lookup(n, "kind"))
        let want = ObjectWire.fields(for: o.kind)
        if want.contains(.apiVersion) { o.apiVersion = try string(lookup(n, "apiVersion")) }
        if want.contains(.serverVersion) { o.serverVersion = try string(lookup(n, "serverVersion")) }
        if want.contains(.metadata), let m = try mapping(lookup(n, "metadata")) {
            var meta = ObjectWire.Meta()
            meta.name = try string(lookup(m, "name"))
            meta.namespace = try string(lookup(m, "namespace"))
            if want.contains(.labels) { meta.labels = try dictionary(lookup(m, "labels")) }
            else if want.contains(.chartLabel) { meta.chartLabel = try chartLabel(lookup(m, "labels")) }
            if want.contains(.annotations) { meta.annotations = try annotations(lookup(m, "annotations")) }
            else if want.contains(.allAnnotations) { meta.allAnnotations = try keptAnnotations(lookup(m, "annotations")) }
            if want.contains(.uid) { meta.uid = try string(lookup(m, "uid")) }
            o.metadata = meta
            if want.contains(.kubeadmData), meta.isKubeadmConfig { o.data = try dictionary(lookup(n, "data")) }
        }
        if want.contains(.rules) {
            if let rules = try sequence(lookup(n, "rules")) {
                o.rules = try elements(rules) { r throws(Unsure) in
                    guard r.kind == .mapping else { throw Unsure() }
                    return PolicyRule(verbs: try strings(lookup(r, "verbs")) ?? [], apiGroups: try strings(lookup(r, "apiGroups")) ?? [],
                               resources: try strings(lookup(r, "resources")) ?? [], resourceNames: try strings(lookup(r, "resourceNames")) ?? [],
                               nonResourceURLs: try strings(lookup(r, "nonResourceURLs")) ?? [])
                }
            }
            if let a = try mapping(lookup(n, "aggregationRule")) {
                var rule = ObjectWire.AggregationRuleWire()
                if let selectors = try sequence(lookup(a, "clusterRoleSelectors")) {
                    rule.clusterRoleSelectors = try elements(selectors) { s throws(Unsure) in try labelSelector(s) }
                }
                o.aggregationRule = rule
            }
        }
        if want.contains(.binding) {
            if let r = try mapping(lookup(n, "roleRef")) {
                o.roleRef = RoleRef(kind: try string(lookup(r, "kind")) ?? "", name: try string(lookup(r, "name")) ?? "",
                                    apiGroup: try string(lookup(r, "apiGroup")) ?? "")
            }
            if let subjects = try sequence(lookup(n, "subjects")) {
                o.subjects = try elements(subjects) { s throws(Unsure) in
                    guard s.kind == .mapping else { throw Unsure() }
                    return Subject(kind: try string(lookup(s, "kind")) ?? "", name: try string(lookup(s, "name")) ?? "",
                            namespace: try string(lookup(s, "namespace")) ?? "", apiGroup: try string(lookup(s, "apiGroup")) ?? "")
                }
            }
        }
        if want.contains(.spec), let s = try mapping(lookup(n, "spec")) { o.spec = try spec(s) }
        if want.contains(.automount) { o.automountServiceAccountToken = try bool(lookup(n, "automountServiceAccountToken")) }
        if want.contains(.status), let s = try mapping(lookup(n, "status")) {
            var status = ObjectWire.Status()
            if let info = try mapping(lookup(s, "nodeInfo")) {
                status.nodeInfo = ObjectWire.NodeInfo(kubeletVersion: try string(lookup(info, "kubeletVersion")))
            }
            status.capacity = try quantities(lookup(s, "capacity"))
            o.status = status
        }
        return o
    }

    private func labelSelector(_ s: Node) throws(Unsure) -> LabelSelector {
        guard s.kind == .mapping else { throw Unsure() }
        var expressions: [LabelSelector.Requirement] = []
        if let e = try sequence(lookup(s, "matchExpressions")) {
            expressions = try elements(e) { r throws(Unsure) in
                guard r.kind == .mapping else { throw Unsure() }
                return LabelSelector.Requirement(key: try string(lookup(r, "key")) ?? "", operator: try string(lookup(r, "operator")) ?? "",
                                          values: try strings(lookup(r, "values")) ?? [])
            }
        }
        return LabelSelector(matchLabels: try dictionary(lookup(s, "matchLabels")) ?? [:], matchExpressions: expressions)
    }

    private func spec(_ s: Node) throws(Unsure) -> ObjectWire.Spec {
        var spec = ObjectWire.Spec()
        spec.serviceAccountName = try string(lookup(s, "serviceAccountName"))
        spec.serviceAccount = try string(lookup(s, "serviceAccount"))
        spec.nodeName = try string(lookup(s, "nodeName"))
        spec.containers = try containers(lookup(s, "containers"))
        spec.initContainers = try containers(lookup(s, "initContainers"))
        spec.automountServiceAccountToken = try bool(lookup(s, "automountServiceAccountToken"))
        if let t = try mapping(lookup(s, "template")) { spec.template = try template(t) }
        if let j = try mapping(lookup(s, "jobTemplate")) {
            var jobTemplate = ObjectWire.JobTemplate()
            if let m = try mapping(lookup(j, "metadata")) { jobTemplate.metadata = try templateMeta(m) }
            if let js = try mapping(lookup(j, "spec")) {
                var jobSpec = ObjectWire.JobSpec()
                if let t = try mapping(lookup(js, "template")) { jobSpec.template = try template(t) }
                jobTemplate.spec = jobSpec
            }
            spec.jobTemplate = jobTemplate
        }
        return spec
    }

    private func templateMeta(_ m: Node) throws(Unsure) -> ObjectWire.TemplateMeta {
        ObjectWire.TemplateMeta(labels: try chartLabel(lookup(m, "labels")))
    }

    private func template(_ t: Node) throws(Unsure) -> ObjectWire.Template {
        var template = ObjectWire.Template()
        if let m = try mapping(lookup(t, "metadata")) { template.metadata = try templateMeta(m) }
        if let s = try mapping(lookup(t, "spec")) {
            template.spec = ObjectWire.PodSpec(serviceAccountName: try string(lookup(s, "serviceAccountName")),
                                               serviceAccount: try string(lookup(s, "serviceAccount")),
                                               nodeName: try string(lookup(s, "nodeName")),
                                               containers: try containers(lookup(s, "containers")),
                                               initContainers: try containers(lookup(s, "initContainers")),
                                               automountServiceAccountToken: try bool(lookup(s, "automountServiceAccountToken")))
        }
        return template
    }

    private func containers(_ v: Node?) throws(Unsure) -> [ObjectWire.Container]? {
        guard let seq = try sequence(v) else { return nil }
        return try elements(seq) { c throws(Unsure) in
            guard c.kind == .mapping else { throw Unsure() }
            var resources: ObjectWire.Resources? = nil
            if let r = try mapping(lookup(c, "resources")) {
                resources = ObjectWire.Resources(requests: try acceleratorQuantities(lookup(r, "requests")),
                                                 limits: try acceleratorQuantities(lookup(r, "limits")))
            }
            return ObjectWire.Container(name: try string(lookup(c, "name")), image: try string(lookup(c, "image")), resources: resources)
        }
    }

    // MARK: Values, as Yams' decoder answers them

    private func node(_ i: Int32) -> Node { tree.nodes[Int(i)] }

    /// `mapping[name]`: names here are plain strings, so a key matches by its text whether
    /// quoted or not (the parser refused duplicate texts and merge keys).
    private func lookup(_ map: Node, _ name: StaticString) -> Node? {
        guard map.kind == .mapping else { return nil }
        let n = name.utf8CodeUnitCount
        for i in stride(from: 0, to: Int(map.end), by: 2) {
            let key = node(tree.child(map, i))
            if key.style == .plain {
                guard Int(key.end - key.start) == n, memcmp(b.baseAddress! + Int(key.start), name.utf8Start, n) == 0 else { continue }
            } else if YAMLScalarText.text(of: key, in: b) != String(decoding: UnsafeBufferPointer(start: name.utf8Start, count: n), as: UTF8.self) {
                continue
            }
            return node(tree.child(map, i + 1))
        }
        return nil
    }

    /// `decodeIfPresent(String.self)`: absent or null is nil; any scalar is its text.
    private func string(_ v: Node?) throws(Unsure) -> String? {
        guard let v, !YAMLScalarText.isNull(v, in: b) else { return nil }
        return try text(v)
    }

    /// `decode(String.self)`: any scalar's text, null included (`~` is "~").
    private func text(_ v: Node) throws(Unsure) -> String {
        guard let t = YAMLScalarText.text(of: v, in: b) else { throw Unsure() }
        return t
    }

    /// `decodeIfPresent(Bool.self)`: only the plain `true` and `false` are sure; other
    /// spellings Yams may or may not take are left to it.
    private func bool(_ v: Node?) throws(Unsure) -> Bool? {
        guard let v, !YAMLScalarText.isNull(v, in: b) else { return nil }
        guard v.kind == .scalar, v.style == .plain else { throw Unsure() }
        switch try text(v) {
        case "true": return true
        case "false": return false
        default: throw Unsure()
        }
    }

    /// `decodeIfPresent([String].self)`.
    private func strings(_ v: Node?) throws(Unsure) -> [String]? {
        guard let seq = try sequence(v) else { return nil }
        return try elements(seq) { e throws(Unsure) in try text(e) }
    }

    /// A value read as a keyed container: absent or null is nil, anything but a mapping is
    /// the reference decoder's type error.
    private func mapping(_ v: Node?) throws(Unsure) -> Node? {
        guard let v, !YAMLScalarText.isNull(v, in: b) else { return nil }
        guard v.kind == .mapping else { throw Unsure() }
        return v
    }

    private func sequence(_ v: Node?) throws(Unsure) -> Node? {
        guard let v, !YAMLScalarText.isNull(v, in: b) else { return nil }
        guard v.kind == .sequence else { throw Unsure() }
        return v
    }

    /// Each element of a sequence; elements read as keyed containers must be mappings.
    private func elements<T>(_ seq: Node, _ body: (Node) throws(Unsure) -> T) throws(Unsure) -> [T] {
        var out: [T] = []
        out.reserveCapacity(Int(seq.end))
        for i in 0..<Int(seq.end) { out.append(try body(node(tree.child(seq, i)))) }
        return out
    }

    /// The keys of a mapping read as a dictionary, as Yams lists and then finds them: its
    /// own `yamlAnchor` and `yamlTag` keys are left out, and a quoted key whose name resolves
    /// to something other than a string is not found (an error).
    private func keys(_ map: Node) throws(Unsure) -> [(key: String, value: Node)] {
        var out: [(String, Node)] = []
        out.reserveCapacity(Int(map.end) / 2)
        for i in stride(from: 0, to: Int(map.end), by: 2) {
            let k = node(tree.child(map, i))
            let name = try text(k)
            if name == "yamlAnchor" || name == "yamlTag" { continue }
            if k.style != .plain && !YAMLScalarText.lookupFinds(quotedKey: name) { throw Unsure() }
            out.append((name, node(tree.child(map, i + 1))))
        }
        return out
    }

    /// `decodeIfPresent([String: String].self)`.
    private func dictionary(_ v: Node?) throws(Unsure) -> [String: String]? {
        guard let map = try mapping(v) else { return nil }
        var out: [String: String] = [:]
        for (key, value) in try keys(map) { out[key] = try text(value) }
        return out
    }

    /// `KeptAnnotations`: every key but kubectl's last-applied configuration, whose value is
    /// not looked at.
    private func keptAnnotations(_ v: Node?) throws(Unsure) -> [String: String]? {
        guard let map = try mapping(v) else { return nil }
        var out: [String: String] = [:]
        for (key, value) in try keys(map) where key != ObjectWire.lastAppliedKey { out[key] = try text(value) }
        return out
    }

    /// `KubeletAuthzAnnotations`: only this tool's keys are read.
    private func annotations(_ v: Node?) throws(Unsure) -> KubeletAuthzAnnotations? {
        guard let map = try mapping(v) else { return nil }
        var values: [String: String] = [:]
        let prefix: StaticString = "kubelet-authz.io/"
        for i in stride(from: 0, to: Int(map.end), by: 2) {
            let k = node(tree.child(map, i))
            if k.style == .plain {
                let n = prefix.utf8CodeUnitCount
                guard Int(k.end - k.start) >= n, memcmp(b.baseAddress! + Int(k.start), prefix.utf8Start, n) == 0 else { continue }
            }
            let name = try text(k)
            guard name.hasPrefix("kubelet-authz.io/") else { continue }
            values[name] = try text(node(tree.child(map, i + 1)))
        }
        return KubeletAuthzAnnotations(values: values)
    }

    /// `ChartLabelWire`: the `helm.sh/chart` key alone, looked up as Yams looks it up.
    private func chartLabel(_ v: Node?) throws(Unsure) -> ChartLabelWire? {
        guard let map = try mapping(v) else { return nil }
        return ChartLabelWire(value: try string(lookup(map, "helm.sh/chart")))
    }

    /// `AcceleratorQuantities`: accelerator names only.
    private func acceleratorQuantities(_ v: Node?) throws(Unsure) -> AcceleratorQuantities? {
        guard let map = try mapping(v) else { return nil }
        var out: [String: FlexibleScalar] = [:]
        for (key, value) in try keys(map) where AcceleratorQuantities.keeps(key) {
            out[key] = FlexibleScalar(text: value.kind == .scalar ? try text(value) : "")
        }
        return AcceleratorQuantities(values: out)
    }

    /// `[String: FlexibleScalar]`: a collection where a quantity belongs reads as "".
    private func quantities(_ v: Node?) throws(Unsure) -> [String: FlexibleScalar]? {
        guard let map = try mapping(v) else { return nil }
        var out: [String: FlexibleScalar] = [:]
        for (key, value) in try keys(map) {
            out[key] = FlexibleScalar(text: value.kind == .scalar ? try text(value) : "")
        }
        return out
    }
}
