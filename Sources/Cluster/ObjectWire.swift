import RBAC

/// The fields kubelet-authz reads from any Kubernetes object, in the JSON shape the API
/// server and kubectl write. One permissive type for every kind: decoding only what the
/// analysis uses is what keeps large clusters fast, and unknown fields are ignored as
/// `kubectl get -o yaml` output is full of them.
struct ObjectWire: Decodable {
    struct Meta {
        var name: String?
        var namespace: String?
        var labels: [String: String]?
        var annotations: KubeletAuthzAnnotations?
    }

    struct AggregationRuleWire: Decodable {
        var clusterRoleSelectors: [LabelSelector]?
    }

    struct Container: Decodable {
        var name: String?
        var image: String?
    }

    struct PodSpec: Decodable {
        var serviceAccountName: String?
        var serviceAccount: String?
        var nodeName: String?
        var containers: [Container]?
        var initContainers: [Container]?
    }

    struct Template: Decodable { var spec: PodSpec? }
    struct JobSpec: Decodable { var template: Template? }
    struct JobTemplate: Decodable { var spec: JobSpec? }

    /// Pod specs, controller specs and CronJob specs share this one shape.
    struct Spec: Decodable {
        var serviceAccountName: String?
        var serviceAccount: String?
        var nodeName: String?
        var containers: [Container]?
        var initContainers: [Container]?
        var template: Template?
        var jobTemplate: JobTemplate?
    }

    struct NodeInfo: Decodable { var kubeletVersion: String? }
    struct Status: Decodable {
        var nodeInfo: NodeInfo?
        var capacity: [String: FlexibleScalar]?
    }

    var apiVersion: String?
    var kind: String?
    var metadata: Meta?
    var rules: [PolicyRule]?
    var aggregationRule: AggregationRuleWire?
    var roleRef: RoleRef?
    var subjects: [Subject]?
    var spec: Spec?
    var status: Status?
    /// `ClusterSnapshotInfo` only: the API server's `gitVersion` when the snapshot was taken.
    var serverVersion: String?
    /// ConfigMap `kube-system/kubeadm-config` only.
    var data: [String: String]?

    init() {}

    /// The fields beside `metadata.name` and `namespace` that a kind needs.
    struct Fields {
        var labels = false, annotations = false, rules = false, binding = false, spec = false, status = false
    }

    /// What is read of an object of `kind`: shared by this `Decodable` and `YAMLObjectReader`,
    /// which must read the same.
    enum Reading {
        case fields(Fields)
        /// `ClusterSnapshotInfo`: `serverVersion` only.
        case snapshotInfo
        /// Only kubeadm's own configuration is read; other ConfigMaps are counted by kind.
        case configMap
        /// A kind the analysis does not read: counted by name only.
        case nameOnly
    }

    static func reading(_ kind: String?) -> Reading {
        switch kind {
        case "ClusterRole", "Role": return .fields(Fields(labels: true, annotations: true, rules: true))
        case "ClusterRoleBinding", "RoleBinding": return .fields(Fields(annotations: true, binding: true))
        case "ServiceAccount": return .fields(Fields(annotations: true))
        case "Node": return .fields(Fields(labels: true, status: true))
        case "Namespace": return .fields(Fields(labels: true))
        case .some(let k) where ObjectConverter.workloadKinds.contains(k): return .fields(Fields(spec: true))
        case ObjectConverter.snapshotInfoKind: return .snapshotInfo
        case "ConfigMap": return .configMap
        case .some: return .nameOnly
        // An item without `kind` (typed lists) gets every field; the list's kind decides later.
        case .none: return .fields(Fields(labels: true, annotations: true, rules: true, binding: true, spec: true, status: true))
        }
    }

    enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, rules, aggregationRule, roleRef, subjects, spec, status, serverVersion, data
    }
    enum MetaKeys: String, CodingKey { case name, namespace, labels, annotations }

    /// Decodes the fields the object's kind needs and nothing else: most of a large cluster
    /// is ServiceAccounts, which need only their metadata. An item without `kind` (typed
    /// lists) gets every field, and the list's kind decides later.
    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decodeIfPresent(String.self, forKey: .kind)
        // Only RBAC kinds are judged by their group; typed-list items may need it too.
        if kind == nil || ObjectConverter.rbacKinds.contains(kind!) {
            apiVersion = try c.decodeIfPresent(String.self, forKey: .apiVersion)
        }
        let want: Fields
        switch Self.reading(kind) {
        case .fields(let fields): want = fields
        case .snapshotInfo:
            serverVersion = try c.decodeIfPresent(String.self, forKey: .serverVersion)
            return
        case .configMap:
            // Only kubeadm's own configuration is read; other ConfigMaps are counted by kind.
            if c.contains(.metadata), try !c.decodeNil(forKey: .metadata) {
                let m = try c.nestedContainer(keyedBy: MetaKeys.self, forKey: .metadata)
                var meta = Meta()
                meta.name = try m.decodeIfPresent(String.self, forKey: .name)
                meta.namespace = try m.decodeIfPresent(String.self, forKey: .namespace)
                metadata = meta
                if meta.name == KubeadmConfig.name && meta.namespace == KubeadmConfig.namespace {
                    data = try c.decodeIfPresent([String: String].self, forKey: .data)
                }
            }
            return
        case .nameOnly: return
        }
        if c.contains(.metadata), try !c.decodeNil(forKey: .metadata) {
            let m = try c.nestedContainer(keyedBy: MetaKeys.self, forKey: .metadata)
            var meta = Meta()
            meta.name = try m.decodeIfPresent(String.self, forKey: .name)
            meta.namespace = try m.decodeIfPresent(String.self, forKey: .namespace)
            if want.labels { meta.labels = try m.decodeIfPresent([String: String].self, forKey: .labels) }
            if want.annotations { meta.annotations = try m.decodeIfPresent(KubeletAuthzAnnotations.self, forKey: .annotations) }
            metadata = meta
        }
        if want.rules {
            rules = try c.decodeIfPresent([PolicyRule].self, forKey: .rules)
            aggregationRule = try c.decodeIfPresent(AggregationRuleWire.self, forKey: .aggregationRule)
        }
        if want.binding {
            roleRef = try c.decodeIfPresent(RoleRef.self, forKey: .roleRef)
            subjects = try c.decodeIfPresent([Subject].self, forKey: .subjects)
        }
        if want.spec { spec = try c.decodeIfPresent(Spec.self, forKey: .spec) }
        if want.status { status = try c.decodeIfPresent(Status.self, forKey: .status) }
    }
}

/// A list document: `kind: List` or a typed `…List`, whose items may omit their own kind.
struct ListWire: Decodable {
    var apiVersion: String?
    var kind: String?
    var items: [ObjectWire]?
}

/// Only the `kubelet-authz.io/*` annotations: the others (last-applied configurations, Helm
/// metadata) can be most of a cluster's bytes and are never read.
struct KubeletAuthzAnnotations: Decodable {
    var values: [String: String] = [:]

    init(values: [String: String]) { self.values = values }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        for key in c.allKeys where key.stringValue.hasPrefix("kubelet-authz.io/") {
            values[key.stringValue] = try c.decode(String.self, forKey: key)
        }
    }
}

/// Quantities are strings in the API but YAML written by hand often has `8`.
struct FlexibleScalar: Decodable {
    let text: String
    init(text: String) { self.text = text }
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) { text = s }
        else if let i = try? c.decode(Int.self) { text = String(i) }
        else if let d = try? c.decode(Double.self) { text = String(d) }
        else { text = "" }
    }
}
