import Cluster
import Foundation

/// Turns what `LiveClusterReader` read into documents `-f` reads back: one `kind: List` per
/// resource, every item carrying its own apiVersion and kind (typed lists omit them), and a
/// `ClusterSnapshotInfo` recording the API server's version and where and when it was read.
///
/// Two things are deliberately not copied: `metadata.managedFields` (bulk, never read), and
/// everything in a Pod beyond what workload mapping reads — a Pod spec can hold secrets in
/// environment variables and commands, and a snapshot is meant to be shared for review.
public enum SnapshotWriter {
    public struct Document: Sendable {
        public let name: String
        public let data: Data
    }

    public static func documents(_ result: LiveClusterReader.Result, server: String, capturedAt: Date) throws -> [Document] {
        var items: [String: [Any]] = [:]
        for (path, page) in result.pages {
            guard let (apiVersion, kind) = LiveClusterReader.kinds[path] else { continue }
            guard let list = try JSONSerialization.jsonObject(with: page) as? [String: Any] else {
                throw KubeAPIError("\(server)\(path): the answer is not a JSON object")
            }
            for case var item as [String: Any] in list["items"] as? [Any] ?? [] {
                item["apiVersion"] = apiVersion
                item["kind"] = kind
                if var meta = item["metadata"] as? [String: Any] {
                    meta.removeValue(forKey: "managedFields")
                    item["metadata"] = meta
                }
                if kind == "Pod" { item = reducedPod(item) }
                items[kind, default: []].append(item)
            }
        }
        let info: [String: Any] = [
            "apiVersion": "kubelet-authz.io/v1alpha1", "kind": ClusterSnapshot.infoKind,
            "metadata": ["name": "snapshot"],
            "serverVersion": result.serverVersion ?? "",
            "server": server,
            "capturedAt": ISO8601DateFormatter().string(from: capturedAt),
            "resources": LiveClusterReader.paths,
        ]
        var docs = [Document(name: "cluster-snapshot-info.json", data: try encode(info))]
        for path in LiveClusterReader.paths {
            guard let (_, kind) = LiveClusterReader.kinds[path] else { continue }
            let list: [String: Any] = ["apiVersion": "v1", "kind": "List", "items": items[kind] ?? []]
            docs.append(Document(name: kind.lowercased() + "s.json", data: try encode(list)))
        }
        // Read only where the API serves them and the reader may list them: written when there are any.
        if let policies = items["ValidatingAdmissionPolicy"], !policies.isEmpty {
            let list: [String: Any] = ["apiVersion": "v1", "kind": "List", "items": policies]
            docs.append(Document(name: "validatingadmissionpolicies.json", data: try encode(list)))
        }
        if let data = result.kubeadmConfig {
            guard var configMap = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw KubeAPIError("\(server)\(LiveClusterReader.kubeadmConfigPath): the answer is not a JSON object")
            }
            if var meta = configMap["metadata"] as? [String: Any] {
                meta.removeValue(forKey: "managedFields")
                configMap["metadata"] = meta
            }
            docs.append(Document(name: "kubeadm-config.json", data: try encode(configMap)))
        }
        return docs
    }

    /// Everything in one `kind: List`, for `snapshot -o FILE`.
    public static func single(_ result: LiveClusterReader.Result, server: String, capturedAt: Date) throws -> Data {
        var all: [Any] = []
        for doc in try documents(result, server: server, capturedAt: capturedAt) {
            let object = try JSONSerialization.jsonObject(with: doc.data) as? [String: Any] ?? [:]
            if object["kind"] as? String == "List" { all += object["items"] as? [Any] ?? [] } else { all.append(object) }
        }
        return try encode(["apiVersion": "v1", "kind": "List", "items": all])
    }

    static func reducedPod(_ pod: [String: Any]) -> [String: Any] {
        var meta: [String: Any] = [:]
        let full = pod["metadata"] as? [String: Any] ?? [:]
        for key in ["name", "namespace", "uid", "labels", "ownerReferences"] { meta[key] = full[key] }
        var spec: [String: Any] = [:]
        let fullSpec = pod["spec"] as? [String: Any] ?? [:]
        for key in ["serviceAccountName", "serviceAccount", "nodeName", "automountServiceAccountToken"] { spec[key] = fullSpec[key] }
        for key in ["containers", "initContainers"] {
            if let list = fullSpec[key] as? [[String: Any]] {
                // Resources stay: accelerator requests mark the AI workloads the review looks for.
                spec[key] = list.map { c in c.filter { $0.key == "name" || $0.key == "image" || $0.key == "resources" } }
            }
        }
        return ["apiVersion": pod["apiVersion"] ?? "v1", "kind": "Pod", "metadata": meta, "spec": spec]
    }

    static func encode(_ object: Any) throws -> Data {
        var data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        data.append(0x0A)
        return data
    }
}
