import CLITestSupport
import Foundation
import TestSupport
import Testing

/// One release rule for every command: `--kube-version`, the `--node`'s kubelet, the oldest
/// kubelet among the Nodes, the API server, the newest modelled release.
@Suite("Release choice is the same for every command")
struct ReleaseChoiceCommandTests {
    /// Two nodes on different releases and a collector that reads /statusz and /flagz: at 1.34
    /// neither route exists with default gates, at 1.36 both do.
    static let cluster = """
    apiVersion: v1
    kind: Node
    metadata: {name: old}
    status: {nodeInfo: {kubeletVersion: v1.34.3}}
    ---
    apiVersion: v1
    kind: Node
    metadata: {name: new}
    status: {nodeInfo: {kubeletVersion: v1.36.2}}
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata: {name: zpages}
    rules:
    - apiGroups: [""]
      resources: [nodes/configz, nodes/statusz]
      verbs: [get]
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRoleBinding
    metadata: {name: zpages}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: zpages}
    subjects:
    - {kind: ServiceAccount, name: status-reader, namespace: ops}
    """

    static let user = "system:serviceaccount:ops:status-reader"

    @Test("explain, who-can and scan answer for the oldest kubelet on a mixed-version cluster")
    func sameRelease() async throws {
        let file = try Fixtures.temporaryFile("mixed-\(UUID().uuidString).yaml", Self.cluster)
        let explain = await kubeletAuthz(["explain", "-o", "json", "-f", file, "--as", Self.user, "GET", "/statusz"])
        let whoCan = await kubeletAuthz(["who-can", "-o", "json", "-f", file, "GET", "/statusz"])
        let scan = await kubeletAuthz(["scan", "-o", "json", "-f", file])
        var versions: [String?] = []
        for r in [explain, whoCan, scan] {
            #expect(r.code == 0, "\(r.err)")
            versions.append(try jsonObject(r.out)["kubeVersion"] as? String)
        }
        #expect(versions == ["1.34", "1.34", "1.34"])
        // Every command says so the same way; scan's table says it in its heading instead.
        for r in [explain, whoCan, scan] { #expect(r.err.contains("Note: nodes run kubelets"), "\(r.err)") }
        #expect(explain.err.contains("answering for the oldest, 1.34"))
        let table = await kubeletAuthz(["scan", "-f", file])
        #expect(!table.err.contains("Note: nodes run kubelets"), "\(table.err)")
        #expect(table.out.contains("oldest kubelet of v1.34.3, v1.36.2"), "\(table.out)")
        // At 1.34 with default gates /statusz is not served: 404 before authorization.
        #expect(try jsonObject(explain.out)["status"] as? Int == 404)

        // --node picks that node's kubelet, for explain and who-can alike.
        let onNew = try jsonObject(await kubeletAuthz(["explain", "-o", "json", "-f", file, "--as", Self.user, "--node", "new", "GET", "/statusz"]).out)
        #expect(onNew["kubeVersion"] as? String == "1.36")
        #expect(onNew["allowed"] as? Bool == true)
        let whoOnNew = try jsonObject(await kubeletAuthz(["who-can", "-o", "json", "-f", file, "--node", "new", "GET", "/statusz"]).out)
        #expect(whoOnNew["kubeVersion"] as? String == "1.36")
    }

    @Test("/flagz: 404 at 1.35, nodes/configz at 1.36 (ComponentFlagz beta)")
    func flagz() async throws {
        let old = try jsonObject(await kubeletAuthz(["map", "-o", "json", "--kube-version", "1.35", "GET", "/flagz"]).out)
        #expect(old["routing"] as? String == "notFound")
        let new = try jsonObject(await kubeletAuthz(["map", "-o", "json", "--kube-version", "1.36", "GET", "/flagz"]).out)
        #expect(new["routing"] as? String == "ok")
        #expect((new["checks"] as? [[String: Any]])?.map { $0["subresource"] as? String } == ["configz"])

        let file = try Fixtures.temporaryFile("flagz-\(UUID().uuidString).yaml", Self.cluster)
        let explained = try jsonObject(await kubeletAuthz(["explain", "-o", "json", "-f", file, "--as", Self.user, "--node", "new", "GET", "/flagz"]).out)
        #expect(explained["allowed"] as? Bool == true)
        #expect((explained["checks"] as? [[String: Any]])?.map { $0["subresource"] as? String } == ["configz"])
        let explainedOld = try jsonObject(await kubeletAuthz(["explain", "-o", "json", "-f", file, "--as", Self.user, "--kube-version", "1.35", "GET", "/flagz"]).out)
        #expect(explainedOld["status"] as? Int == 404)
    }

    @Test("scan lists /flagz among the paths of a get nodes/configz subject at 1.36, not at 1.35")
    func scanFlagz() async throws {
        let file = try Fixtures.temporaryFile("scan-flagz-\(UUID().uuidString).yaml", Self.cluster)
        func paths(_ version: String) async throws -> [String] {
            let r = await kubeletAuthz(["scan", "-o", "json", "-f", file, "--kube-version", version])
            #expect(r.code == 0, "\(r.err)")
            let subjects = try #require(try jsonObject(r.out)["subjects"] as? [[String: Any]])
            let reader = try #require(subjects.first { ($0["name"] as? String) == "status-reader" })
            let reachable = try #require(reader["paths"] as? [[String: Any]], "\(reader.keys.sorted())")
            return reachable.compactMap { $0["path"] as? String }
        }
        let at36 = try await paths("1.36")
        #expect(at36.contains("/flagz"))
        #expect(at36.contains("/statusz"))
        let at35 = try await paths("1.35")
        #expect(!at35.contains("/flagz"))
        #expect(!at35.contains("/statusz"))
        #expect(at35.contains("/configz"))
    }
}
