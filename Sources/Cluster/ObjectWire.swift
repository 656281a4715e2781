import RBAC

/// The fields kubelet-authz reads from any Kubernetes object, in the JSON shape the API
/// server and kubectl write. One permissive type for every kind: decoding only what the
/// analysis uses is what keeps large clusters fast, and unknown fields are ignored as
/// `kubectl get -o yaml` output is full of them.
struct ObjectWire: Decodable {
    struct Meta: Decodable {
        var name: String?
        var namespace: String?
        var labels: [String: String]?
        var annotations: [String: String]?
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
}

/// A list document: `kind: List` or a typed `…List`, whose items may omit their own kind.
struct ListWire: Decodable {
    var apiVersion: String?
    var kind: String?
    var items: [ObjectWire]?
}

/// Quantities are strings in the API but YAML written by hand often has `8`.
struct FlexibleScalar: Decodable {
    let text: String
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) { text = s }
        else if let i = try? c.decode(Int.self) { text = String(i) }
        else if let d = try? c.decode(Double.self) { text = String(d) }
        else { text = "" }
    }
}
