import Cluster
import Foundation
import KubeClient
import RBAC
import Testing
import TestSupport

@Suite("deploy/kubelet-authz-reader.yaml grants what the live reader and verify use, and nothing more")
struct ReaderRoleTests {
    static func authorizer() throws -> RBACAuthorizer {
        let url = Fixtures.repositoryRoot.appendingPathComponent("deploy/kubelet-authz-reader.yaml")
        let snapshot = try ClusterDocumentDecoder.decode(try Data(contentsOf: url), source: url.path)
        return RBACAuthorizer(policy: snapshot.policy())
    }

    static let user = UserInfo.asAuthenticated(name: "system:serviceaccount:kubelet-authz:kubelet-authz")

    @Test("every list the reader sends is allowed; SubjectAccessReviews may be created")
    func enough() throws {
        let rbac = try Self.authorizer()
        for path in LiveClusterReader.paths + [LiveClusterReader.admissionPoliciesPath] {
            let parts = path.split(separator: "/").map(String.init)  // api/v1/nodes or apis/G/v1/R
            let group = parts[0] == "apis" ? parts[1] : ""
            let a = AuthorizationAttributes(user: Self.user, verb: "list", apiGroup: group, resource: parts.last!)
            #expect(rbac.authorize(a).allowed, "list \(path)")
        }
        let sar = AuthorizationAttributes(user: Self.user, verb: "create", apiGroup: "authorization.k8s.io", resource: "subjectaccessreviews")
        #expect(rbac.authorize(sar).allowed)
        let kubeadm = AuthorizationAttributes(user: Self.user, verb: "get", namespace: "kube-system", resource: "configmaps", name: "kubeadm-config")
        #expect(rbac.authorize(kubeadm).allowed, "get \(LiveClusterReader.kubeadmConfigPath)")
        #expect(LiveClusterReader.kubeadmConfigPath == "/api/v1/namespaces/kube-system/configmaps/kubeadm-config")
    }

    @Test("no secrets, no writes, no kubelet access, no get of single objects beyond lists")
    func nothingMore() throws {
        let rbac = try Self.authorizer()
        let denied: [(String, String, String, String)] = [
            ("get", "", "secrets", ""), ("list", "", "secrets", ""), ("list", "", "configmaps", ""),
            ("get", "", "nodes", "proxy"), ("create", "", "nodes", "proxy"), ("get", "", "nodes", "log"),
            ("create", "", "pods", "exec"), ("delete", "", "pods", ""), ("update", "rbac.authorization.k8s.io", "clusterroles", ""),
            ("escalate", "rbac.authorization.k8s.io", "clusterroles", ""), ("impersonate", "", "users", ""),
            ("watch", "", "pods", ""),
        ]
        for (verb, group, resource, sub) in denied {
            let a = AuthorizationAttributes(user: Self.user, verb: verb, apiGroup: group, resource: resource, subresource: sub)
            #expect(!rbac.authorize(a).allowed, "\(verb) \(resource)/\(sub)")
        }
        // kube-system ConfigMaps other than kubeadm's, and listing them, stay closed.
        for (verb, name) in [("get", "coredns"), ("list", ""), ("update", "kubeadm-config")] {
            let a = AuthorizationAttributes(user: Self.user, verb: verb, namespace: "kube-system", resource: "configmaps", name: name)
            #expect(!rbac.authorize(a).allowed, "\(verb) configmaps \(name)")
        }
    }
}
