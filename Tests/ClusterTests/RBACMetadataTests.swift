import Foundation
import RBAC
import TestSupport
import Testing
import Yams
@testable import Cluster

/// RBAC objects keep their labels and annotations whole (less kubectl's last-applied
/// configuration), as Yams reads them from the manifest: `plan -o yaml` writes them back. Held
/// against real manifests with Helm's labels (../shared/realworld, read in place) and a
/// fixture with Helm's and Argo CD's annotations, through the YAML reader and, as a JSON List,
/// the JSON reader. That every reader agrees with its complete decoder is the differential
/// tests' part.
@Suite("RBAC objects keep their metadata")
struct RBACMetadataTests {
    typealias Key = String

    static let rbacKinds: Set<String> = ["ClusterRole", "Role", "ClusterRoleBinding", "RoleBinding"]

    /// kind/namespace/name → (labels, annotations) as Yams reads the documents, less last-applied.
    static func expected(_ documents: [[String: Any]], defaultNamespace: String = "default") -> [Key: ([String: String], [String: String])] {
        var out: [Key: ([String: String], [String: String])] = [:]
        for d in documents {
            guard let kind = d["kind"] as? String, rbacKinds.contains(kind), let m = d["metadata"] as? [String: Any], let name = m["name"] as? String else { continue }
            let namespace = kind.hasPrefix("Cluster") ? "" : (m["namespace"] as? String ?? defaultNamespace)
            func strings(_ v: Any?) -> [String: String] {
                ((v as? [String: Any]) ?? [:]).mapValues { "\($0)" }
            }
            var annotations = strings(m["annotations"])
            annotations["kubectl.kubernetes.io/last-applied-configuration"] = nil
            out["\(kind)/\(namespace)/\(name)"] = (strings(m["labels"]), annotations)
        }
        return out
    }

    static func read(_ s: ClusterSnapshot) -> [Key: ([String: String], [String: String])] {
        var out: [Key: ([String: String], [String: String])] = [:]
        for r in s.roles { out["\(r.kind.rawValue)/\(r.namespace)/\(r.name)"] = (r.labels, r.annotations) }
        for b in s.bindings { out["\(b.kind.rawValue)/\(b.namespace)/\(b.name)"] = (b.labels, b.annotations) }
        return out
    }

    static func check(_ text: String, _ label: String) throws -> Int {
        let documents = try Yams.load_all(yaml: text).compactMap { $0 as? [String: Any] }
        let want = expected(documents)
        guard !want.isEmpty else { return 0 }
        let yaml = read(try ClusterDocumentDecoder.decode(Data(text.utf8), source: label))
        let items = documents.filter { JSONSerialization.isValidJSONObject($0) }
        let json = read(try ClusterDocumentDecoder.decode(try JSONSerialization.data(withJSONObject: ["apiVersion": "v1", "kind": "List", "items": items]),
                                                          source: label + ".json"))
        for (key, (labels, annotations)) in want {
            #expect(yaml[key]?.0 == labels && yaml[key]?.1 == annotations, "\(label): \(key) from YAML: \(String(describing: yaml[key]))")
            #expect(json[key]?.0 == labels && json[key]?.1 == annotations, "\(label): \(key) from JSON: \(String(describing: json[key]))")
        }
        return want.values.filter { $0.0.keys.contains { $0.hasPrefix("helm.sh/") || $0 == "app.kubernetes.io/managed-by" } }.count
    }

    @Test("the real-world manifests' RBAC objects keep their Helm labels (when checked out beside the repository)")
    func realWorld() throws {
        guard let files = Fixtures.realWorldManifests() else { return }
        var helmLabelled = 0
        for (name, url) in files {
            let text = try String(contentsOf: url, encoding: .utf8)
            // Manifests the readers refuse (templates, other documents) are the reader tests' part.
            guard (try? ClusterDocumentDecoder.decode(Data(text.utf8), source: name)) != nil,
                  (try? Yams.load_all(yaml: text)) != nil else { continue }
            helmLabelled += try Self.check(text, name)
        }
        #expect(helmLabelled > 0, "no Helm-labelled RBAC object among the real-world manifests")
    }

    @Test("Helm's and Argo CD's labels and annotations stay; kubectl's last-applied configuration does not")
    func fixture() throws {
        let text = try String(contentsOf: Fixtures.url("plan-metadata.yaml"), encoding: .utf8)
        #expect(try Self.check(text, "plan-metadata.yaml") == 2)
        let s = try ClusterDocumentDecoder.decode(Data(text.utf8), source: "plan-metadata.yaml")
        let binding = try #require(s.bindings.first { $0.name == "node-agents" })
        #expect(binding.labels["argocd.argoproj.io/instance"] == "platform-rbac")
        #expect(binding.annotations["meta.helm.sh/release-name"] == "node-agents")
        #expect(binding.annotations["kubectl.kubernetes.io/last-applied-configuration"] == nil)
        // Other kinds keep only this tool's annotations, as before.
        let account = try #require(s.serviceAccounts.first)
        #expect(account.annotations == ["kubelet-authz.io/owner": "team-observability@example.com"])
    }
}
