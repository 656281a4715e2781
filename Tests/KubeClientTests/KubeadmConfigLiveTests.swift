import TestPKI
import CLITestSupport
import Foundation
import KubeClient
import TestSupport
import Testing

/// The live reader gets kube-system/kubeadm-config (one `get`, never a list of ConfigMaps), so
/// a live scan judges the API server's kubelet client as a scan of the same objects in files
/// does; without the permission it says what it could not judge.
@Suite("kubeadm-config on a live cluster", .serialized)
struct KubeadmConfigLiveTests {
    static let pki = try! TestPKI.make()

    static let configMap = #"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"kubeadm-config","namespace":"kube-system","managedFields":[{"manager":"kubeadm"}]},"data":{"ClusterConfiguration":"apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.35.5\n"}}"#

    func serve(_ cluster: ServedCluster, kubeadm: FakeAPIServer.Response) throws -> FakeAPIServer {
        try FakeAPIServer(pki: Self.pki) { r in
            let path = String(r.uri.split(separator: "?", maxSplits: 1)[0])
            if path == "/version" { return .init(status: 200, body: Wire.version) }
            if path == LiveClusterReader.kubeadmConfigPath { return kubeadm }
            let query = r.uri.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
            return cluster.page(path: path, query: query) ?? .init(status: 404, body: Wire.status(404, "NotFound", "not found"))
        }
    }

    @Test("read live, written by snapshot, read back: the same upgrade-gap finding")
    func readAndSnapshot() async throws {
        let server = try serve(try ServedCluster.example(), kubeadm: .init(status: 200, body: Self.configMap))
        defer { server.stop() }
        let dir = Fixtures.temporaryDirectory()
        let kubeconfig = try writeKubeconfig(server: server, ca: Self.pki.caCert, in: dir)
        // Under a name nothing grants, the client holds no kubelet access: with kubeadm 1.35.5 that is the gap.
        let args = ["--now", "2026-11-27", "-o", "json", "--apiserver-kubelet-client", "nobody-kubelet-client"]
        let live = await run(["scan", "--kubeconfig", kubeconfig] + args)
        #expect(live.code == 0, "\(live.err)")
        let ids = (try jsonObject(live.out)["findings"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(ids.contains("KA014"))
        // Live objects are cited by context, kind, namespace and name, not by a line of a page.
        let files = (try jsonObject(live.out)["findings"] as? [[String: Any]] ?? [])
            .flatMap { ($0["locations"] as? [[String: Any]]) ?? [] }.compactMap { $0["file"] as? String }
        #expect(!files.isEmpty)
        #expect(files.allSatisfy { $0.hasPrefix("lab/") && !$0.contains("://") }, "\(files.prefix(3))")
        #expect(files.contains { $0.hasPrefix("lab/ClusterRoleBinding/") })
        #expect(files.contains("lab/ConfigMap/kube-system/kubeadm-config"))
        #expect(server.requests.contains { $0.uri == LiveClusterReader.kubeadmConfigPath && $0.method == "GET" })
        #expect(!server.requests.contains { $0.uri.hasPrefix("/api/v1/configmaps") || $0.uri.contains("/configmaps?") })

        let snapDir = dir.appendingPathComponent("snap").path + "/"
        #expect(await run(["snapshot", "--kubeconfig", kubeconfig, "--output-dir", snapDir]).code == 0)
        let written = try String(contentsOfFile: snapDir + "kubeadm-config.json", encoding: .utf8)
        #expect(!written.contains("managedFields"))
        let back = await run(["scan", "-f", snapDir] + args)
        let backIDs = (try jsonObject(back.out)["findings"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(backIDs == ids)
    }

    @Test("SARIF of a live scan: objects under kubernetes/CONTEXT/…, an EKS ARN context one encoded segment")
    func sarifOfLiveScan() async throws {
        let server = try serve(try ServedCluster.example(), kubeadm: .init(status: 200, body: Self.configMap))
        defer { server.stop() }
        let dir = Fixtures.temporaryDirectory()
        let context = "arn:aws:eks:eu-west-1:123456789012:cluster/prod"
        let kubeconfig = try writeKubeconfig(server: server, ca: Self.pki.caCert, in: dir, context: context)
        let r = await run(["scan", "--kubeconfig", kubeconfig, "--now", "2026-11-27", "-o", "sarif"])
        #expect(r.code == 0, "\(r.err)")
        let sarifRun = try #require((try jsonObject(r.out)["runs"] as? [[String: Any]])?.first)
        let uris = (sarifRun["results"] as? [[String: Any]] ?? []).flatMap { ($0["locations"] as? [[String: Any]]) ?? [] }
            .compactMap { (($0["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: Any])?["uri"] as? String }
        #expect(!uris.isEmpty)
        let prefix = "kubernetes/arn%3Aaws%3Aeks%3Aeu-west-1%3A123456789012%3Acluster%2Fprod/"
        #expect(uris.allSatisfy { $0.hasPrefix(prefix) }, "\(uris.prefix(3))")
        #expect(uris.contains { $0.hasPrefix(prefix + "ClusterRoleBinding/") && $0.hasSuffix(".yaml") })
        // A relative reference: nothing in it reads as a URI scheme.
        #expect(uris.allSatisfy { URL(string: $0) != nil && URL(string: $0)?.scheme == nil })
        // The text and JSON reports keep naming the object by the context as given.
        let json = await run(["scan", "--kubeconfig", kubeconfig, "--now", "2026-11-27", "-o", "json"])
        let files = (try jsonObject(json.out)["findings"] as? [[String: Any]] ?? [])
            .flatMap { ($0["locations"] as? [[String: Any]]) ?? [] }.compactMap { $0["file"] as? String }
        #expect(files.contains { $0.hasPrefix(context + "/ClusterRoleBinding/") })
    }

    @Test("403 on the ConfigMap: a warning naming what is not judged, and the scan goes on")
    func forbidden() async throws {
        let server = try serve(try ServedCluster.example(), kubeadm: .init(status: 403, body: Wire.status(403, "Forbidden", "configmaps \"kubeadm-config\" is forbidden")))
        defer { server.stop() }
        let kubeconfig = try writeKubeconfig(server: server, ca: Self.pki.caCert, in: Fixtures.temporaryDirectory())
        let r = await run(["scan", "--kubeconfig", kubeconfig, "--now", "2026-11-27", "-o", "json", "--apiserver-kubelet-client", "nobody-kubelet-client"])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.err.contains("cannot read ConfigMap kube-system/kubeadm-config (403 Forbidden)"))
        let ids = (try jsonObject(r.out)["findings"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(ids.contains("KA015") && !ids.contains("KA014"))
    }
}
