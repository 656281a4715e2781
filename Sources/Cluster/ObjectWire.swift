import RBAC

/// The fields kubelet-authz reads from any Kubernetes object, in the JSON shape the API
/// server and kubectl write. One permissive type for every kind: decoding only what the
/// analysis uses is what keeps large clusters fast, and unknown fields are ignored as
/// `kubectl get -o yaml` output is full of them.
struct ObjectWire: Decodable, Equatable {
    struct Meta: Equatable {
        var name: String?
        var namespace: String?
        var labels: [String: String]?
        var annotations: KubeletAuthzAnnotations?
        /// RBAC objects (`Fields.allAnnotations`): every annotation but kubectl's last-applied
        /// configuration, so that a plan replacing the object keeps Helm's and Argo CD's.
        var allAnnotations: [String: String]?
        /// Workloads only (`Fields.chartLabel`): `labels` less every key but `helm.sh/chart`.
        var chartLabel: ChartLabelWire?
        /// Namespaces only (`Fields.uid`): the kube-system Namespace's UID names the cluster.
        var uid: String?
    }

    /// A pod template's metadata: only its `helm.sh/chart` label is read.
    struct TemplateMeta: Decodable, Equatable { var labels: ChartLabelWire? }

    struct AggregationRuleWire: Decodable, Equatable {
        var clusterRoleSelectors: [LabelSelector]?
    }

    /// A container's requests and limits: only accelerators are read.
    struct Resources: Decodable, Equatable {
        var requests: AcceleratorQuantities?
        var limits: AcceleratorQuantities?
    }

    struct Container: Decodable, Equatable {
        var name: String?
        var image: String?
        var resources: Resources?
    }

    struct PodSpec: Decodable, Equatable {
        var serviceAccountName: String?
        var serviceAccount: String?
        var nodeName: String?
        var containers: [Container]?
        var initContainers: [Container]?
        var automountServiceAccountToken: Bool?
    }

    struct Template: Decodable, Equatable {
        var metadata: TemplateMeta?
        var spec: PodSpec?
    }
    struct JobSpec: Decodable, Equatable { var template: Template? }
    /// A CronJob's job template: its Jobs' labels (`helm.sh/chart` alone) and their spec.
    struct JobTemplate: Decodable, Equatable {
        var metadata: TemplateMeta?
        var spec: JobSpec?
    }

    /// Pod specs, controller specs and CronJob specs share this one shape.
    struct Spec: Decodable, Equatable {
        var serviceAccountName: String?
        var serviceAccount: String?
        var nodeName: String?
        var containers: [Container]?
        var initContainers: [Container]?
        var automountServiceAccountToken: Bool?
        var template: Template?
        var jobTemplate: JobTemplate?
    }

    struct NodeInfo: Decodable, Equatable { var kubeletVersion: String? }
    struct Status: Decodable, Equatable {
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
    /// ServiceAccount only: whether pods get its token unless they say otherwise.
    var automountServiceAccountToken: Bool?

    init() {}

    enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, rules, aggregationRule, roleRef, subjects, spec, status, serverVersion, data
        case automountServiceAccountToken
    }
    enum MetaKeys: String, CodingKey { case name, namespace, labels, annotations, uid }

    /// Which fields an object of a kind is read for. One answer for both readers (this
    /// `Decodable` and `JSONObjectReader`), so that they cannot drift apart.
    struct Fields: OptionSet {
        let rawValue: UInt16
        static let apiVersion = Fields(rawValue: 1 << 0)
        /// `metadata.name` and `metadata.namespace`.
        static let metadata = Fields(rawValue: 1 << 1)
        static let labels = Fields(rawValue: 1 << 2)
        static let annotations = Fields(rawValue: 1 << 3)
        /// `rules` and `aggregationRule`.
        static let rules = Fields(rawValue: 1 << 4)
        /// `roleRef` and `subjects`.
        static let binding = Fields(rawValue: 1 << 5)
        static let spec = Fields(rawValue: 1 << 6)
        static let status = Fields(rawValue: 1 << 7)
        static let serverVersion = Fields(rawValue: 1 << 8)
        /// `data`, when the object is `kube-system/kubeadm-config`.
        static let kubeadmData = Fields(rawValue: 1 << 9)
        /// A ServiceAccount's top-level `automountServiceAccountToken`.
        static let automount = Fields(rawValue: 1 << 10)
        /// `metadata.labels["helm.sh/chart"]` alone, where `labels` is not read whole.
        static let chartLabel = Fields(rawValue: 1 << 11)
        /// `metadata.uid` (Namespaces: the cluster's identity for saved scans).
        static let uid = Fields(rawValue: 1 << 12)
        /// Every annotation but `lastAppliedKey` (`KeptAnnotations`), in place of `annotations`.
        static let allAnnotations = Fields(rawValue: 1 << 13)
    }

    /// kubectl's copy of the object as last applied: never read, often the largest value in
    /// an object, and wrong on a replaced object (kubectl would diff against the old one).
    static let lastAppliedKey = "kubectl.kubernetes.io/last-applied-configuration"

    /// An item without `kind` (typed lists) gets every field, and the list's kind decides
    /// later. Only RBAC kinds are judged by their group; kinds the analysis does not read are
    /// counted by name only.
    static func fields(for kind: String?) -> Fields {
        guard let kind else { return [.apiVersion, .metadata, .labels, .allAnnotations, .rules, .binding, .spec, .status, .automount, .uid] }
        let group: Fields = ObjectConverter.rbacKinds.contains(kind) ? [.apiVersion] : []
        switch kind {
        // Labels and annotations whole: `plan -o yaml` writes these objects back complete.
        case "ClusterRole", "Role": return group.union([.metadata, .labels, .allAnnotations, .rules])
        case "ClusterRoleBinding", "RoleBinding": return group.union([.metadata, .labels, .allAnnotations, .binding])
        case "ServiceAccount": return [.metadata, .annotations, .automount]
        case "Node": return [.metadata, .labels, .status]
        case "Namespace": return [.metadata, .labels, .uid]
        case ObjectConverter.admissionPolicyKind: return [.metadata, .labels, .annotations]
        case _ where ObjectConverter.workloadKinds.contains(kind): return [.metadata, .chartLabel, .spec]
        case ObjectConverter.snapshotInfoKind: return [.serverVersion]
        // Only kubeadm's own configuration is read; other ConfigMaps are counted by kind.
        case "ConfigMap": return [.metadata, .kubeadmData]
        default: return []
        }
    }

    /// Decodes the fields the object's kind needs and nothing else: most of a large cluster
    /// is ServiceAccounts, which need only their metadata.
    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decodeIfPresent(String.self, forKey: .kind)
        let want = Self.fields(for: kind)
        if want.contains(.apiVersion) { apiVersion = try c.decodeIfPresent(String.self, forKey: .apiVersion) }
        if want.contains(.serverVersion) { serverVersion = try c.decodeIfPresent(String.self, forKey: .serverVersion) }
        if want.contains(.metadata), c.contains(.metadata), try !c.decodeNil(forKey: .metadata) {
            let m = try c.nestedContainer(keyedBy: MetaKeys.self, forKey: .metadata)
            var meta = Meta()
            meta.name = try m.decodeIfPresent(String.self, forKey: .name)
            meta.namespace = try m.decodeIfPresent(String.self, forKey: .namespace)
            if want.contains(.labels) { meta.labels = try m.decodeIfPresent([String: String].self, forKey: .labels) }
            else if want.contains(.chartLabel) { meta.chartLabel = try m.decodeIfPresent(ChartLabelWire.self, forKey: .labels) }
            if want.contains(.annotations) { meta.annotations = try m.decodeIfPresent(KubeletAuthzAnnotations.self, forKey: .annotations) }
            else if want.contains(.allAnnotations) { meta.allAnnotations = try m.decodeIfPresent(KeptAnnotations.self, forKey: .annotations)?.values }
            if want.contains(.uid) { meta.uid = try m.decodeIfPresent(String.self, forKey: .uid) }
            metadata = meta
            if want.contains(.kubeadmData), meta.isKubeadmConfig {
                data = try c.decodeIfPresent([String: String].self, forKey: .data)
            }
        }
        if want.contains(.rules) {
            rules = try c.decodeIfPresent([PolicyRule].self, forKey: .rules)
            aggregationRule = try c.decodeIfPresent(AggregationRuleWire.self, forKey: .aggregationRule)
        }
        if want.contains(.binding) {
            roleRef = try c.decodeIfPresent(RoleRef.self, forKey: .roleRef)
            subjects = try c.decodeIfPresent([Subject].self, forKey: .subjects)
        }
        if want.contains(.spec) { spec = try c.decodeIfPresent(Spec.self, forKey: .spec) }
        if want.contains(.status) { status = try c.decodeIfPresent(Status.self, forKey: .status) }
        if want.contains(.automount) {
            automountServiceAccountToken = try c.decodeIfPresent(Bool.self, forKey: .automountServiceAccountToken)
        }
    }
}

extension ObjectWire.Meta {
    var isKubeadmConfig: Bool { name == KubeadmConfig.name && namespace == KubeadmConfig.namespace }

    /// What an RBAC object keeps: every annotation read.
    var keptAnnotations: [String: String] { allAnnotations ?? annotations?.values ?? [:] }

    /// What other kinds keep: this tool's annotations (an item of a typed list, read before
    /// its kind was known, has them all).
    var ownAnnotations: [String: String] {
        annotations?.values ?? allAnnotations?.filter { $0.key.hasPrefix(KubeletAuthzAnnotations.prefix) } ?? [:]
    }
}

/// A list document: `kind: List` or a typed `…List`, whose items may omit their own kind.
struct ListWire: Decodable, Equatable {
    var apiVersion: String?
    var kind: String?
    var items: [ObjectWire]?
}

/// Only the `kubelet-authz.io/*` annotations: the others (last-applied configurations, Helm
/// metadata) can be most of a cluster's bytes and are never read.
struct KubeletAuthzAnnotations: Decodable, Equatable {
    static let prefix = "kubelet-authz.io/"
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

/// Every annotation but `ObjectWire.lastAppliedKey`, which is skipped whatever it holds.
struct KeptAnnotations: Decodable, Equatable {
    var values: [String: String] = [:]

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: KubeletAuthzAnnotations.Key.self)
        for key in c.allKeys where key.stringValue != ObjectWire.lastAppliedKey {
            values[key.stringValue] = try c.decode(String.self, forKey: key)
        }
    }
}

/// A workload's labels, of which only `helm.sh/chart` is decoded (a string, or null for
/// none): the others, of any type, are never looked at, so a workload reads as before
/// whatever its other labels hold.
struct ChartLabelWire: Decodable, Equatable {
    var value: String?

    init(value: String?) { self.value = value }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: KubeletAuthzAnnotations.Key.self)
        value = try c.decodeIfPresent(String.self, forKey: .init(stringValue: HelmChartLabel.key))
    }
}

/// Quantities are strings in the API but YAML written by hand often has `8`.
struct FlexibleScalar: Decodable, Equatable {
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

/// Quantities of accelerator resources only (`Node.isAcceleratorResource`): cpu and memory,
/// often numbers in hand-written YAML, are never decoded.
struct AcceleratorQuantities: Decodable, Equatable {
    var values: [String: FlexibleScalar] = [:]

    init(values: [String: FlexibleScalar]) { self.values = values }

    /// The names kept, for the readers that cannot see `Node` under their own `Node`.
    static func keeps(_ name: String) -> Bool { Node.isAcceleratorResource(name) }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: KubeletAuthzAnnotations.Key.self)
        for key in c.allKeys where Self.keeps(key.stringValue) {
            values[key.stringValue] = try c.decode(FlexibleScalar.self, forKey: key)
        }
    }
}
