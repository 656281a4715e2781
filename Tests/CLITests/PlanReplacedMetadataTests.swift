import CLITestSupport
import Foundation
import TestSupport
import Testing
import Yams

/// `plan -o yaml` is a plain overlay: an object it replaces must carry the live object's labels
/// and annotations, or applying it would drop Helm's and Argo CD's. The demo's RBAC files are
/// given, in a copy, what a cluster managed by Helm and Argo CD returns (an Argo CD label and
/// tracking annotation, kubectl's last-applied configuration, managedFields) and planned with
/// the demo's audit log; every replaced object is compared with its input.
@Suite("plan: replaced objects keep their metadata")
struct PlanReplacedMetadataTests {
    static let root = Fixtures.repositoryRoot.path
    static let decorated = ["collectors-rbac.yaml", "platform-rbac.yaml"]
    static let rbacKinds: Set<String> = ["ClusterRole", "Role", "ClusterRoleBinding", "RoleBinding"]

    static func key(_ d: [String: Any]) -> String? {
        guard let kind = d["kind"] as? String, let m = d["metadata"] as? [String: Any], let name = m["name"] as? String else { return nil }
        return "\(kind)/\(m["namespace"] as? String ?? "")/\(name)"
    }

    /// The demo cluster copied, its RBAC documents decorated; the decorated documents by key.
    static func cluster() throws -> (dir: URL, inputs: [String: [String: Any]]) {
        let dir = Fixtures.temporaryDirectory()
        let source = root + "/examples/ai-cluster"
        var inputs: [String: [String: Any]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: source) where name.hasSuffix(".yaml") {
            let text = try String(contentsOfFile: source + "/" + name, encoding: .utf8)
            guard decorated.contains(name) else { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8); continue }
            var documents: [Any] = []
            for case var d as [String: Any] in try Yams.load_all(yaml: text) {
                if let kind = d["kind"] as? String, rbacKinds.contains(kind), var m = d["metadata"] as? [String: Any] {
                    var labels = m["labels"] as? [String: Any] ?? [:]
                    labels["argocd.argoproj.io/instance"] = "platform"
                    var annotations = m["annotations"] as? [String: Any] ?? [:]
                    annotations["argocd.argoproj.io/tracking-id"] = "platform:rbac.authorization.k8s.io/\(kind):\(m["name"] ?? "")"
                    annotations["kubectl.kubernetes.io/last-applied-configuration"] = "{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"\(kind)\"}\n"
                    m["labels"] = labels
                    m["annotations"] = annotations
                    m["managedFields"] = [["manager": "argocd-controller", "operation": "Apply", "fieldsType": "FieldsV1"]]
                    d["metadata"] = m
                    if let k = key(d) { inputs[k] = d }
                }
                documents.append(d)
            }
            try Yams.dump(objects: documents).write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return (dir, inputs)
    }

    @Test("each replaced role and binding carries its input's labels and annotations, less last-applied, and no server fields")
    func replaced() async throws {
        let (dir, inputs) = try Self.cluster()
        let r = await kubeletAuthz(["plan", "-f", dir.path, "--audit", Self.root + "/examples/audit",
                                    "--register", Self.root + "/examples/register.yaml", "--now", "2026-11-27"])
        #expect(r.code == 0, "\(r.err)")
        var replaced: [String] = []
        for case let d as [String: Any] in try Yams.load_all(yaml: r.out) {
            guard let k = Self.key(d), let input = inputs[k] else { continue }
            replaced.append(k)
            let m = try #require(d["metadata"] as? [String: Any])
            let i = try #require(input["metadata"] as? [String: Any])
            #expect(Set(m.keys).isSubset(of: ["name", "namespace", "labels", "annotations"]), "\(k): \(m.keys.sorted())")
            #expect(m["labels"] as? [String: String] == (i["labels"] as? [String: Any])?.mapValues { "\($0)" }, "\(k)")
            var want = (i["annotations"] as? [String: Any])?.mapValues { "\($0)" } ?? [:]
            want["kubectl.kubernetes.io/last-applied-configuration"] = nil
            var got = m["annotations"] as? [String: String] ?? [:]
            // The plan's own note on what it changed.
            #expect(got.removeValue(forKey: "kubelet-authz.io/plan") != nil, "\(k)")
            #expect(got == want, "\(k)")
        }
        // Roles narrowed in place and shared bindings without the subject, Helm's among them.
        #expect(replaced.contains { $0.hasPrefix("ClusterRole/") } && replaced.contains { $0.hasPrefix("ClusterRoleBinding/") }, "\(replaced)")
        #expect(replaced.contains("ClusterRole//datadog"))
        #expect(r.out.contains("meta.helm.sh/release-name: datadog"))
    }
}
