import Cluster
import Foundation

/// Reads what kubelet-authz needs from a live API server, page by page, into the same
/// snapshot the file reader produces.
public enum LiveClusterReader {
    /// The lists read, in order; each needs `list` on its resource (deploy/kubelet-authz-reader.yaml).
    public static let kinds: [String: (apiVersion: String, kind: String)] = [
        "/api/v1/nodes": ("v1", "Node"), "/api/v1/namespaces": ("v1", "Namespace"),
        "/api/v1/serviceaccounts": ("v1", "ServiceAccount"), "/api/v1/pods": ("v1", "Pod"),
        "/apis/rbac.authorization.k8s.io/v1/clusterroles": ("rbac.authorization.k8s.io/v1", "ClusterRole"),
        "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings": ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
        "/apis/rbac.authorization.k8s.io/v1/roles": ("rbac.authorization.k8s.io/v1", "Role"),
        "/apis/rbac.authorization.k8s.io/v1/rolebindings": ("rbac.authorization.k8s.io/v1", "RoleBinding"),
        admissionPoliciesPath: ("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy"),
    ]

    /// ValidatingAdmissionPolicies, for the guardrail's own (KA048, KA049): read when the API
    /// serves them (1.30+) and the reader may list them, skipped otherwise.
    public static let admissionPoliciesPath = "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies"

    public static let paths = [
        "/api/v1/nodes", "/api/v1/namespaces", "/api/v1/serviceaccounts",
        "/apis/rbac.authorization.k8s.io/v1/clusterroles", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
        "/apis/rbac.authorization.k8s.io/v1/roles", "/apis/rbac.authorization.k8s.io/v1/rolebindings",
        "/api/v1/pods",
    ]

    public struct Result: Sendable {
        public var snapshot: ClusterSnapshot
        public var serverVersion: String?
        /// The API server's URL.
        public var server: String = ""
        /// The raw pages, for `snapshot` to write back.
        public var pages: [(path: String, data: Data)]
        /// ConfigMap kube-system/kubeadm-config as the API server sent it, on kubeadm clusters.
        public var kubeadmConfig: Data? = nil
        /// What could not be read (403 on an optional read), also among the snapshot's warnings:
        /// a snapshot rebuilt from watches says it again.
        public var accessWarnings: [InputWarning] = []
    }

    /// kubeadm's configuration: read with `get` on that one ConfigMap (never a list of
    /// ConfigMaps, which may hold secrets). Absent on clusters kubeadm did not make.
    public static let kubeadmConfigPath = "/api/v1/namespaces/\(KubeadmConfig.namespace)/configmaps/\(KubeadmConfig.name)"

    /// How findings cite live objects: by the kubeconfig context when there is one, else the
    /// server's host (`lab/ClusterRoleBinding/datadog`).
    static func objectPrefix(_ client: KubeAPIClient) -> String {
        client.contextName ?? URLComponents(string: client.server)?.host ?? client.server
    }

    /// Every page of one list, merged into `snapshot` and kept for `snapshot` to write back.
    static func readList(_ path: String, _ client: KubeAPIClient, into snapshot: inout ClusterSnapshot,
                         pages: inout [(String, Data)]) async throws {
        for page in try await client.list(path) {
            snapshot.merge(try decode(page, path: path, client))
            pages.append((path, page))
        }
    }

    /// The objects of one list page, cited as live objects: the one decoding of what the API
    /// server sends, for the pages read here and for the objects a watch keeps
    /// (`WatchedObjects.listDocument`).
    public static func decode(_ page: Data, path: String, _ client: KubeAPIClient) throws -> ClusterSnapshot {
        do {
            return try ClusterDocumentDecoder.decode(page, source: client.server + path, objectPrefix: objectPrefix(client))
        } catch {
            throw KubeAPIError("\(client.server)\(path): the answer is not a Kubernetes list: \(error)")
        }
    }

    /// The list of the kube-system Namespace alone (list, not get: list is what the serve
    /// ClusterRole grants on namespaces).
    public static let kubeSystemPath = "/api/v1/namespaces?fieldSelector=metadata.name%3Dkube-system"

    /// The kube-system Namespace's UID (what a cluster is stored under without `--cluster`),
    /// read alone: a server need not read the whole cluster twice at start.
    public static func kubeSystemUID(_ client: KubeAPIClient) async throws -> String? {
        for page in try await client.list(kubeSystemPath) {
            let namespaces = try decode(page, path: "/api/v1/namespaces", client).namespaces
            if let uid = namespaces.first(where: { $0.name == "kube-system" })?.uid, !uid.isEmpty { return uid }
        }
        return nil
    }

    /// Every list read, in order: those of `paths`, then ValidatingAdmissionPolicies.
    public static var allPaths: [String] { paths + [admissionPoliciesPath] }

    public static func read(_ client: KubeAPIClient) async throws -> Result {
        var snapshot = ClusterSnapshot()
        var pages: [(String, Data)] = []
        var accessWarnings: [InputWarning] = []
        struct Version: Decodable { var gitVersion: String? }
        let versionData = try await client.get("/version")
        let version = (try? JSONDecoder().decode(Version.self, from: versionData))?.gitVersion
        for path in paths { try await readList(path, client, into: &snapshot, pages: &pages) }
        var kubeadmConfig: Data? = nil
        do {
            let data = try await client.get(kubeadmConfigPath)
            do {
                snapshot.merge(try ClusterDocumentDecoder.decode(data, source: client.server + kubeadmConfigPath, objectPrefix: objectPrefix(client)))
            } catch {
                throw KubeAPIError("\(client.server)\(kubeadmConfigPath): the answer is not a ConfigMap: \(error)")
            }
            kubeadmConfig = data
        } catch let e as KubeAPIError where e.status == 404 {
            // Not a kubeadm cluster: nothing to read.
        } catch let e as KubeAPIError where e.status == 403 {
            accessWarnings.append(InputWarning(location: nil, message: "cannot read ConfigMap kube-system/kubeadm-config (403 Forbidden): whether the API server's kubelet client lost its access in a kubeadm upgrade (KA014) is not judged; deploy/kubelet-authz-reader.yaml grants that one get"))
        }
        do {
            try await readList(admissionPoliciesPath, client, into: &snapshot, pages: &pages)
        } catch let e as KubeAPIError where e.status == 404 {
            // Before 1.30, or with the API turned off: no policy to judge.
        } catch let e as KubeAPIError where e.status == 403 {
            accessWarnings.append(InputWarning(location: nil, message: "cannot list ValidatingAdmissionPolicies (403 Forbidden): an installed kubelet-authz guardrail is not judged (KA048, KA049); deploy/kubelet-authz-reader.yaml grants that list"))
        }
        snapshot.warnings += accessWarnings
        snapshot.resolveDuplicates()
        snapshot.serverVersion = version
        return Result(snapshot: snapshot, serverVersion: version, server: client.server, pages: pages, kubeadmConfig: kubeadmConfig,
                      accessWarnings: accessWarnings)
    }
}
