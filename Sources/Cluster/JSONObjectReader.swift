import CByteSearch
import Foundation
import RBAC

/// Reads `ObjectWire` values straight from the bytes of a JSON document, skipping every field
/// the scan does not read without building anything.
///
/// It exists because `JSONDecoder` through `Decodable` costs about a microsecond per field
/// read (generic-metadata lookups that also keep two decoding threads from scaling), which made
/// decoding the largest part of a scan of a big cluster. `JSONDecoder` stays the reference: the
/// reader gives up (returns nil) on anything it does not expect — a value of another type,
/// a repeated key, a lone surrogate, nesting deeper than it skips, bytes that are not UTF-8,
/// JSON that is not JSON — and the caller then decodes with `JSONDecoder`, which also words
/// the error with its line. It is stricter than `JSONDecoder` wherever that is simpler; it is
/// never more lenient. A differential test (`JSONObjectReaderTests`) holds the two to the same
/// values on generated and mutated clusters.
///
/// Which fields each kind needs is `ObjectWire.fields(for:)`, shared with the `Decodable`.
struct JSONObjectReader {
    let p: UnsafePointer<UInt8>
    /// One past the last byte this reader may read.
    let n: Int
    var i: Int

    /// Anything unexpected: the caller falls back to `JSONDecoder`.
    struct Unsure: Error {}

    /// How deep a skipped value may nest. `JSONDecoder` allows 512 levels in all; the reader's
    /// own levels plus this stay well below, so a document the reader skips through is never
    /// one `JSONDecoder` would reject for its depth.
    static let maxSkipDepth = 100

    // MARK: Documents

    /// The top level of a document, when the reader is sure of it.
    struct Document {
        var apiVersion: String?
        var kind: String?
        /// A non-null `items` array, whose elements are exactly `layout.items`.
        var hasItems: Bool
        /// The document's own object when it has no items.
        var single: ObjectWire
    }

    /// Reads the top level: `apiVersion` and `kind` as `ListWire` reads them, the `items`
    /// array checked element by element against `layout` (each element is one of the located
    /// byte ranges, which `objects` reads), or the document's single object. Everything else is
    /// checked as JSON and skipped; nothing but white space may follow.
    static func document(_ data: Data, layout: JSONItemLayout) -> Document? {
        data.withUnsafeBytes { raw -> Document? in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
            var r = JSONObjectReader(p: base, n: raw.count, i: 0)
            return try? r.document(layout)
        }
    }

    /// The objects at these byte ranges of `data`, or nil if any is irregular.
    static func objects(_ data: Data, _ items: ArraySlice<JSONItemLayout.Item>) -> [ObjectWire]? {
        data.withUnsafeBytes { raw -> [ObjectWire]? in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return items.isEmpty ? [] : nil }
            var out: [ObjectWire] = []
            out.reserveCapacity(items.count)
            for item in items {
                guard item.start >= 0, item.end <= raw.count, item.start < item.end else { return nil }
                var r = JSONObjectReader(p: base, n: item.end, i: item.start)
                guard let object = try? r.object(), r.i == item.end else { return nil }
                out.append(object)
            }
            return out
        }
    }

    static let topKeys: [StaticString] = ["apiVersion", "kind", "items"]

    mutating func document(_ layout: JSONItemLayout) throws -> Document {
        skipSpace()
        let start = i
        var doc = Document(hasItems: false, single: ObjectWire())
        try members(Self.topKeys) { k, r in
            switch k {
            case 0: doc.apiVersion = try r.string()
            case 1: doc.kind = try r.string()
            default:
                if r.isNull() { return }
                try r.itemsArray(layout)
                doc.hasItems = true
            }
        }
        skipSpace()
        guard i == n else { throw Unsure() }
        if !doc.hasItems {
            // One object (small): read again as an object, now that the whole is known to be JSON.
            var again = JSONObjectReader(p: p, n: n, i: start)
            doc.single = try again.object()
        }
        return doc
    }

    /// `[ {…}, … ]` whose elements start and end exactly where the locator found them; their
    /// insides are for `objects` to read.
    mutating func itemsArray(_ layout: JSONItemLayout) throws {
        guard layout.hasItems, !layout.irregular else { throw Unsure() }
        try expect(UInt8(ascii: "["))
        skipSpace()
        let items = layout.items
        if i < n, p[i] == UInt8(ascii: "]") {
            i += 1
            guard items.isEmpty else { throw Unsure() }
            return
        }
        var k = 0
        repeat {
            skipSpace()
            guard k < items.count, i == items[k].start, items[k].end <= n else { throw Unsure() }
            i = items[k].end
            k += 1
        } while try next(UInt8(ascii: "]"))
        guard k == items.count else { throw Unsure() }
    }

    // MARK: Objects

    /// The order of `CodingKeys` matters to nothing but this table.
    static let objectKeys: [StaticString] = ["kind", "apiVersion", "metadata", "rules", "aggregationRule", "roleRef", "subjects",
                                             "spec", "status", "serverVersion", "data",
                                             "automountServiceAccountToken"]

    /// One object: its `kind` first, wherever it stands, then the fields that kind needs.
    /// Members before `kind` (kubectl writes `apiVersion` first; a typed list's items have no
    /// kind) are skipped and their place kept, then read once the kind is known.
    mutating func object() throws -> ObjectWire {
        var o = ObjectWire()
        var want: ObjectWire.Fields? = nil
        var later = InlineArray<12, Int>(repeating: -1)
        try members(Self.objectKeys) { k, r in
            if k == 0 {
                o.kind = try r.string()
                want = ObjectWire.fields(for: o.kind)
            } else if let want, k != 10 {
                try r.member(k, want, &o)
            } else {
                // `data` waits for the name: only kube-system/kubeadm-config's is read.
                r.skipSpace()
                later[k] = r.i
                try r.skipValue()
            }
        }
        let fields = want ?? ObjectWire.fields(for: nil)
        for k in 1..<12 where k != 10 && later[k] >= 0 {
            var r = JSONObjectReader(p: p, n: n, i: later[k])
            try r.member(k, fields, &o)
        }
        if later[10] >= 0, fields.contains(.kubeadmData), o.metadata?.isKubeadmConfig == true {
            var r = JSONObjectReader(p: p, n: n, i: later[10])
            o.data = try r.ifPresent { try $0.stringMap() }
        }
        return o
    }

    /// The value of `objectKeys[k]`, read if `want` asks for it, else checked and skipped.
    mutating func member(_ k: Int, _ want: ObjectWire.Fields, _ o: inout ObjectWire) throws {
        switch k {
        case 1 where want.contains(.apiVersion): o.apiVersion = try string()
        case 2 where want.contains(.metadata): o.metadata = try ifPresent { try $0.metadata(want) }
        case 3 where want.contains(.rules): o.rules = try ifPresent { try $0.array { try $0.policyRule() } }
        case 4 where want.contains(.rules): o.aggregationRule = try ifPresent { try $0.aggregationRule() }
        case 5 where want.contains(.binding): o.roleRef = try ifPresent { try $0.roleRef() }
        case 6 where want.contains(.binding): o.subjects = try ifPresent { try $0.array { try $0.subject() } }
        case 7 where want.contains(.spec): o.spec = try ifPresent { try $0.spec() }
        case 8 where want.contains(.status): o.status = try ifPresent { try $0.status() }
        case 9 where want.contains(.serverVersion): o.serverVersion = try string()
        case 11 where want.contains(.automount): o.automountServiceAccountToken = try bool()
        default: try skipValue()
        }
    }

    static let metaKeys: [StaticString] = ["name", "namespace", "labels", "annotations", "uid"]

    mutating func metadata(_ want: ObjectWire.Fields) throws -> ObjectWire.Meta {
        var m = ObjectWire.Meta()
        try members(Self.metaKeys) { k, r in
            switch k {
            case 0: m.name = try r.string()
            case 1: m.namespace = try r.string()
            case 2 where want.contains(.labels): m.labels = try r.ifPresent { try $0.stringMap() }
            case 2 where want.contains(.chartLabel): m.chartLabel = try r.ifPresent { try $0.chartLabel() }
            case 3 where want.contains(.annotations): m.annotations = try r.ifPresent { try $0.annotations() }
            case 3 where want.contains(.allAnnotations): m.allAnnotations = try r.ifPresent { try $0.stringMap(skipping: ObjectWire.lastAppliedKey) }
            case 4 where want.contains(.uid): m.uid = try r.string()
            default: try r.skipValue()
            }
        }
        return m
    }

    static let chartLabelOnly: [StaticString] = ["helm.sh/chart"]
    static let labelsOnly: [StaticString] = ["labels"]

    /// `ChartLabelWire`: `helm.sh/chart`, a string or null; the other labels are skipped
    /// whatever they hold.
    mutating func chartLabel() throws -> ChartLabelWire {
        var label = ChartLabelWire(value: nil)
        try members(Self.chartLabelOnly) { _, r in label.value = try r.string() }
        return label
    }

    static let annotationPrefix: StaticString = "kubelet-authz.io/"

    /// Only the `kubelet-authz.io/*` annotations, which must be strings; the others are skipped
    /// whatever their type, as `KubeletAuthzAnnotations` never decodes them.
    mutating func annotations() throws -> KubeletAuthzAnnotations {
        var values: [String: String] = [:]
        try expect(UInt8(ascii: "{"))
        skipSpace()
        if i < n, p[i] == UInt8(ascii: "}") { i += 1; return KubeletAuthzAnnotations(values: values) }
        let prefix = Self.annotationPrefix
        repeat {
            skipSpace()
            guard i < n, p[i] == UInt8(ascii: "\"") else { throw Unsure() }
            let (end, escaped) = try stringEnd(from: i + 1)
            let start = i + 1
            // Most annotations are someone else's: no String is made for them.
            let mayMatch = escaped || (end - start >= prefix.utf8CodeUnitCount && memcmp(p + start, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0)
            let key = mayMatch ? try text(start, end, escaped) : nil
            i = end + 1
            try expect(UInt8(ascii: ":"))
            // `hasPrefix` as `KubeletAuthzAnnotations` asks it (by characters, not bytes).
            if let key, key.hasPrefix("kubelet-authz.io/") {
                guard values[key] == nil else { throw Unsure() }
                values[key] = try rawString()
            } else {
                try skipValue()
            }
        } while try next(UInt8(ascii: "}"))
        return KubeletAuthzAnnotations(values: values)
    }

    static let ruleKeys: [StaticString] = ["verbs", "apiGroups", "resources", "resourceNames", "nonResourceURLs"]

    mutating func policyRule() throws -> PolicyRule {
        var rule = PolicyRule()
        try members(Self.ruleKeys) { k, r in
            let list = try r.ifPresent { try $0.strings() } ?? []
            switch k {
            case 0: rule.verbs = list
            case 1: rule.apiGroups = list
            case 2: rule.resources = list
            case 3: rule.resourceNames = list
            default: rule.nonResourceURLs = list
            }
        }
        return rule
    }

    static let aggregationKeys: [StaticString] = ["clusterRoleSelectors"]
    static let selectorKeys: [StaticString] = ["matchLabels", "matchExpressions"]
    static let requirementKeys: [StaticString] = ["key", "operator", "values"]

    mutating func aggregationRule() throws -> ObjectWire.AggregationRuleWire {
        var a = ObjectWire.AggregationRuleWire()
        try members(Self.aggregationKeys) { _, r in
            a.clusterRoleSelectors = try r.ifPresent { try $0.array { try $0.labelSelector() } }
        }
        return a
    }

    mutating func labelSelector() throws -> LabelSelector {
        var s = LabelSelector()
        try members(Self.selectorKeys) { k, r in
            if k == 0 { s.matchLabels = try r.ifPresent { try $0.stringMap() } ?? [:] }
            else { s.matchExpressions = try r.ifPresent { try $0.array { try $0.requirement() } } ?? [] }
        }
        return s
    }

    mutating func requirement() throws -> LabelSelector.Requirement {
        var key = "", op = "", values: [String] = []
        try members(Self.requirementKeys) { k, r in
            switch k {
            case 0: key = try r.string() ?? ""
            case 1: op = try r.string() ?? ""
            default: values = try r.ifPresent { try $0.strings() } ?? []
            }
        }
        return LabelSelector.Requirement(key: key, operator: op, values: values)
    }

    static let roleRefKeys: [StaticString] = ["apiGroup", "kind", "name"]
    static let subjectKeys: [StaticString] = ["kind", "apiGroup", "name", "namespace"]

    mutating func roleRef() throws -> RoleRef {
        var f: [String?] = [nil, nil, nil]
        try members(Self.roleRefKeys) { k, r in f[k] = try r.string() }
        return RoleRef(kind: f[1] ?? "", name: f[2] ?? "", apiGroup: f[0] ?? "")
    }

    mutating func subject() throws -> Subject {
        var f: [String?] = [nil, nil, nil, nil]
        try members(Self.subjectKeys) { k, r in f[k] = try r.string() }
        // The API group as written (empty when absent), as `Subject`'s `Decodable` reads it.
        return Subject(kind: f[0] ?? "", name: f[2] ?? "", namespace: f[3] ?? "", apiGroup: f[1] ?? "")
    }

    /// Pod specs, controller specs and CronJob specs: `ObjectWire.Spec` (a pod spec is its
    /// first six members).
    static let specKeys: [StaticString] = ["serviceAccountName", "serviceAccount", "nodeName", "containers", "initContainers",
                                           "automountServiceAccountToken", "template", "jobTemplate"]
    static let podSpecKeys = Array(specKeys.prefix(6))
    static let containerKeys: [StaticString] = ["name", "image", "resources"]
    static let resourcesKeys: [StaticString] = ["requests", "limits"]
    static let templateOnly: [StaticString] = ["template"]
    static let templateKeys: [StaticString] = ["metadata", "spec"]

    mutating func spec(_ keys: [StaticString] = specKeys) throws -> ObjectWire.Spec {
        var s = ObjectWire.Spec()
        try members(keys) { k, r in
            switch k {
            case 0: s.serviceAccountName = try r.string()
            case 1: s.serviceAccount = try r.string()
            case 2: s.nodeName = try r.string()
            case 3: s.containers = try r.ifPresent { try $0.array { try $0.container() } }
            case 4: s.initContainers = try r.ifPresent { try $0.array { try $0.container() } }
            case 5: s.automountServiceAccountToken = try r.bool()
            case 6: s.template = try r.ifPresent { try $0.template() }
            default:
                s.jobTemplate = try r.ifPresent { r in
                    var j = ObjectWire.JobTemplate()
                    try r.members(Self.templateKeys) { k, r in
                        if k == 0 { j.metadata = try r.ifPresent { try $0.templateMeta() }; return }
                        j.spec = try r.ifPresent { r in
                            var js = ObjectWire.JobSpec()
                            try r.members(Self.templateOnly) { _, r in js.template = try r.ifPresent { try $0.template() } }
                            return js
                        }
                    }
                    return j
                }
            }
        }
        return s
    }

    /// A template's metadata: its `helm.sh/chart` label alone.
    mutating func templateMeta() throws -> ObjectWire.TemplateMeta {
        var m = ObjectWire.TemplateMeta()
        try members(Self.labelsOnly) { _, r in m.labels = try r.ifPresent { try $0.chartLabel() } }
        return m
    }

    mutating func template() throws -> ObjectWire.Template {
        var t = ObjectWire.Template()
        try members(Self.templateKeys) { k, r in
            if k == 0 { t.metadata = try r.ifPresent { try $0.templateMeta() }; return }
            t.spec = try r.ifPresent { r in
                // A pod spec: the same members, less `template` and `jobTemplate`.
                let s = try r.spec(Self.podSpecKeys)
                return ObjectWire.PodSpec(serviceAccountName: s.serviceAccountName, serviceAccount: s.serviceAccount, nodeName: s.nodeName,
                                          containers: s.containers, initContainers: s.initContainers,
                                          automountServiceAccountToken: s.automountServiceAccountToken)
            }
        }
        return t
    }

    mutating func container() throws -> ObjectWire.Container {
        var c = ObjectWire.Container()
        try members(Self.containerKeys) { k, r in
            switch k {
            case 0: c.name = try r.string()
            case 1: c.image = try r.string()
            default:
                c.resources = try r.ifPresent { r in
                    var res = ObjectWire.Resources()
                    try r.members(Self.resourcesKeys) { k, r in
                        let q = try r.ifPresent { try $0.acceleratorQuantities() }
                        if k == 0 { res.requests = q } else { res.limits = q }
                    }
                    return res
                }
            }
        }
        return c
    }

    /// `AcceleratorQuantities`: accelerator names only, their values strings as the API writes
    /// them (a number is left to JSONDecoder); other resources are skipped whatever they hold.
    mutating func acceleratorQuantities() throws -> AcceleratorQuantities {
        var values: [String: FlexibleScalar] = [:]
        try expect(UInt8(ascii: "{"))
        skipSpace()
        if i < n, p[i] == UInt8(ascii: "}") { i += 1; return AcceleratorQuantities(values: values) }
        repeat {
            let key = try rawString()
            try expect(UInt8(ascii: ":"))
            if AcceleratorQuantities.keeps(key) {
                guard values[key] == nil else { throw Unsure() }
                values[key] = FlexibleScalar(text: try rawString())
            } else {
                try skipValue()
            }
        } while try next(UInt8(ascii: "}"))
        return AcceleratorQuantities(values: values)
    }

    static let statusKeys: [StaticString] = ["nodeInfo", "capacity"]
    static let nodeInfoKeys: [StaticString] = ["kubeletVersion"]

    mutating func status() throws -> ObjectWire.Status {
        var s = ObjectWire.Status()
        try members(Self.statusKeys) { k, r in
            if k == 0 {
                s.nodeInfo = try r.ifPresent { r in
                    var info = ObjectWire.NodeInfo()
                    try r.members(Self.nodeInfoKeys) { _, r in info.kubeletVersion = try r.string() }
                    return info
                }
            } else {
                // Quantities as the API writes them, strings; `FlexibleScalar`'s numbers are
                // left to JSONDecoder.
                s.capacity = try r.ifPresent { try $0.stringMap().mapValues { FlexibleScalar(text: $0) } }
            }
        }
        return s
    }

    // MARK: JSON values

    /// `{ "key": value, … }`: `member` is called positioned at the value of each key of `keys`
    /// (by its index); other values are checked and skipped. A key that comes twice makes the
    /// reader give up rather than imitate which one `JSONDecoder` keeps.
    mutating func members(_ keys: [StaticString], _ member: (Int, inout JSONObjectReader) throws -> Void) throws {
        try expect(UInt8(ascii: "{"))
        skipSpace()
        if i < n, p[i] == UInt8(ascii: "}") { i += 1; return }
        var seen: UInt32 = 0
        repeat {
            skipSpace()
            guard i < n, p[i] == UInt8(ascii: "\"") else { throw Unsure() }
            let (end, escaped) = try stringEnd(from: i + 1)
            let k = try keyIndex(keys, i + 1, end, escaped)
            i = end + 1
            try expect(UInt8(ascii: ":"))
            if k >= 0 {
                guard seen & (1 << UInt32(k)) == 0 else { throw Unsure() }
                seen |= 1 << UInt32(k)
                try member(k, &self)
            } else {
                try skipValue()
            }
        } while try next(UInt8(ascii: "}"))
    }

    /// The index in `keys` of the key at `start..<end`, or -1. An escaped key is compared
    /// unescaped, as `JSONDecoder` compares it.
    func keyIndex(_ keys: [StaticString], _ start: Int, _ end: Int, _ escaped: Bool) throws -> Int {
        if escaped {
            let bytes = try unescape(start, end, keep: true)
            return bytes.withUnsafeBufferPointer { match(keys, $0.baseAddress!, $0.count) }
        }
        return match(keys, p + start, end - start)
    }

    func match(_ keys: [StaticString], _ q: UnsafePointer<UInt8>, _ count: Int) -> Int {
        for k in keys.indices where keys[k].utf8CodeUnitCount == count && memcmp(keys[k].utf8Start, q, count) == 0 {
            return k
        }
        return -1
    }

    /// After a member or element: true after a comma, false after `close`.
    mutating func next(_ close: UInt8) throws -> Bool {
        skipSpace()
        guard i < n else { throw Unsure() }
        if p[i] == UInt8(ascii: ",") { i += 1; return true }
        if p[i] == close { i += 1; return false }
        throw Unsure()
    }

    /// `[ element, … ]`.
    mutating func array<T>(_ element: (inout JSONObjectReader) throws -> T) throws -> [T] {
        try expect(UInt8(ascii: "["))
        var out: [T] = []
        skipSpace()
        if i < n, p[i] == UInt8(ascii: "]") { i += 1; return out }
        repeat { out.append(try element(&self)) } while try next(UInt8(ascii: "]"))
        return out
    }

    /// nil for `null` (as `decodeIfPresent` reads it), else what `read` reads.
    mutating func ifPresent<T>(_ read: (inout JSONObjectReader) throws -> T) throws -> T? {
        if isNull() { return nil }
        return try read(&self)
    }

    /// A string or null.
    mutating func string() throws -> String? {
        if isNull() { return nil }
        return try rawString()
    }

    /// `true`, `false` or null; anything else is JSONDecoder's type error to word.
    mutating func bool() throws -> Bool? {
        if isNull() { return nil }
        if n - i >= 4, p[i] == UInt8(ascii: "t") { try word("true"); return true }
        try word("false")
        return false
    }

    mutating func strings() throws -> [String] {
        try array { try $0.rawString() }
    }

    /// `{ "key": "value", … }` (`[String: String]`): only strings; a repeated key gives up.
    /// The member named `skipping` is skipped whatever it holds, and no String is made of it
    /// (`KeptAnnotations`: kubectl's last-applied configuration).
    mutating func stringMap(skipping: String? = nil) throws -> [String: String] {
        var out: [String: String] = [:]
        try expect(UInt8(ascii: "{"))
        skipSpace()
        if i < n, p[i] == UInt8(ascii: "}") { i += 1; return out }
        repeat {
            let key = try rawString()
            try expect(UInt8(ascii: ":"))
            if key == skipping { try skipValue(); continue }
            let value = try rawString()
            guard out.updateValue(value, forKey: key) == nil else { throw Unsure() }
        } while try next(UInt8(ascii: "}"))
        return out
    }

    mutating func rawString() throws -> String {
        skipSpace()
        guard i < n, p[i] == UInt8(ascii: "\"") else { throw Unsure() }
        let (end, escaped) = try stringEnd(from: i + 1)
        let s = try text(i + 1, end, escaped)
        i = end + 1
        return s
    }

    func text(_ start: Int, _ end: Int, _ escaped: Bool) throws -> String {
        if !escaped { return String(decoding: UnsafeBufferPointer(start: p + start, count: end - start), as: UTF8.self) }
        return String(decoding: try unescape(start, end, keep: true), as: UTF8.self)
    }

    mutating func skipSpace() {
        while i < n {
            let c = p[i]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            i += 1
        }
    }

    mutating func expect(_ byte: UInt8) throws {
        skipSpace()
        guard i < n, p[i] == byte else { throw Unsure() }
        i += 1
    }

    /// `null` (after white space), consumed; anything else is left in place.
    mutating func isNull() -> Bool {
        skipSpace()
        guard n - i >= 4, p[i] == UInt8(ascii: "n"), p[i + 1] == UInt8(ascii: "u"), p[i + 2] == UInt8(ascii: "l"), p[i + 3] == UInt8(ascii: "l") else { return false }
        i += 4
        return true
    }

    // MARK: Strings

    /// From just after an opening quote: the closing quote's index, and whether there are
    /// escapes. Raw control characters and bytes that are not UTF-8 give up (C, 16 bytes at a
    /// time: strings are most of a document's bytes).
    func stringEnd(from start: Int) throws -> (Int, Bool) {
        var escaped: Int32 = 0
        let end = ka_json_string_end(p, n, start, &escaped)
        guard end >= 0 else { throw Unsure() }
        return (end, escaped != 0)
    }

    /// The bytes of the string body `start..<end` with its escapes decoded, or (`keep` false)
    /// only checked. `\uXXXX` pairs of surrogates make one scalar; a lone surrogate, or an
    /// escape JSON does not have, gives up.
    func unescape(_ start: Int, _ end: Int, keep: Bool) throws -> [UInt8] {
        var out: [UInt8] = []
        if keep { out.reserveCapacity(end - start) }
        var k = start
        while k < end {
            // The run up to the next backslash, copied or passed over whole.
            let run = memchr(p + k, 0x5C, end - k).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - p } ?? end
            if keep { out.append(contentsOf: UnsafeBufferPointer(start: p + k, count: run - k)) }
            k = run
            guard k < end else { break }
            guard k + 1 < end else { throw Unsure() }
            let simple: UInt8
            switch p[k + 1] {
            case UInt8(ascii: "\""): simple = 0x22
            case UInt8(ascii: "\\"): simple = 0x5C
            case UInt8(ascii: "/"): simple = 0x2F
            case UInt8(ascii: "b"): simple = 0x08
            case UInt8(ascii: "f"): simple = 0x0C
            case UInt8(ascii: "n"): simple = 0x0A
            case UInt8(ascii: "r"): simple = 0x0D
            case UInt8(ascii: "t"): simple = 0x09
            case UInt8(ascii: "u"):
                var unit = try hex4(k + 2, end)
                k += 6
                if unit >= 0xD800 && unit < 0xDC00 {
                    guard k + 1 < end, p[k] == 0x5C, p[k + 1] == UInt8(ascii: "u") else { throw Unsure() }
                    let low = try hex4(k + 2, end)
                    guard low >= 0xDC00 && low < 0xE000 else { throw Unsure() }
                    unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    k += 6
                } else if unit >= 0xDC00 && unit < 0xE000 {
                    throw Unsure()
                }
                if keep, let scalar = Unicode.Scalar(unit) { out.append(contentsOf: UTF8.encode(scalar)!) }
                continue
            default: throw Unsure()
            }
            if keep { out.append(simple) }
            k += 2
        }
        return out
    }

    /// Four hex digits at `at`, before `end`.
    func hex4(_ at: Int, _ end: Int) throws -> UInt32 {
        guard at + 4 <= end else { throw Unsure() }
        var v: UInt32 = 0
        for j in at..<(at + 4) {
            let c = p[j]
            let d: UInt8
            switch c {
            case 0x30...0x39: d = c - 0x30
            case 0x41...0x46: d = c - 0x41 + 10
            case 0x61...0x66: d = c - 0x61 + 10
            default: throw Unsure()
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }

    // MARK: Skipping

    /// Passes over one value of any type, checking it is JSON on the way (brackets matched,
    /// colons and commas in place, literals and numbers spelled out, escapes valid), so that a
    /// document `JSONDecoder` rejects is never read here.
    mutating func skipValue(depth: Int = 0) throws {
        skipSpace()
        guard i < n else { throw Unsure() }
        switch p[i] {
        case UInt8(ascii: "\""):
            let (end, escaped) = try stringEnd(from: i + 1)
            if escaped { _ = try unescape(i + 1, end, keep: false) }
            i = end + 1
        case UInt8(ascii: "{"):
            guard depth < Self.maxSkipDepth else { throw Unsure() }
            i += 1
            skipSpace()
            if i < n, p[i] == UInt8(ascii: "}") { i += 1; return }
            repeat {
                skipSpace()
                guard i < n, p[i] == UInt8(ascii: "\"") else { throw Unsure() }
                try skipValue(depth: depth + 1)  // the key: a string
                try expect(UInt8(ascii: ":"))
                try skipValue(depth: depth + 1)
            } while try next(UInt8(ascii: "}"))
        case UInt8(ascii: "["):
            guard depth < Self.maxSkipDepth else { throw Unsure() }
            i += 1
            skipSpace()
            if i < n, p[i] == UInt8(ascii: "]") { i += 1; return }
            repeat { try skipValue(depth: depth + 1) } while try next(UInt8(ascii: "]"))
        case UInt8(ascii: "t"): try word("true")
        case UInt8(ascii: "f"): try word("false")
        case UInt8(ascii: "n"): try word("null")
        default: try skipNumber()
        }
    }

    mutating func word(_ w: StaticString) throws {
        let count = w.utf8CodeUnitCount
        guard n - i >= count, memcmp(p + i, w.utf8Start, count) == 0 else { throw Unsure() }
        i += count
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`; what follows is the caller's.
    mutating func skipNumber() throws {
        if i < n, p[i] == UInt8(ascii: "-") { i += 1 }
        guard i < n, p[i] &- 0x30 < 10 else { throw Unsure() }
        if p[i] == 0x30 { i += 1 } else { digits() }
        if i < n, p[i] == UInt8(ascii: ".") {
            i += 1
            guard i < n, p[i] &- 0x30 < 10 else { throw Unsure() }
            digits()
        }
        if i < n, p[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < n, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") { i += 1 }
            guard i < n, p[i] &- 0x30 < 10 else { throw Unsure() }
            digits()
        }
    }

    mutating func digits() {
        while i < n, p[i] &- 0x30 < 10 { i += 1 }
    }
}
