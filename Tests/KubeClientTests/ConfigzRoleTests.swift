import Cluster
import Foundation
import KubeClient
import KubeletModel
import RBAC
import Testing
import TestSupport

/// deploy/kubelet-authz-configz.yaml, judged by the project's own kubelet mapper and RBAC
/// engine: it opens the kubelet's /configz where `scan --kubelet-configz` asks for it, and
/// nothing that executes commands.
@Suite("deploy/kubelet-authz-configz.yaml grants GET /configz on 1.33+ kubelets and no more")
struct ConfigzRoleTests {
    static func authorizer() throws -> RBACAuthorizer {
        let url = Fixtures.repositoryRoot.appendingPathComponent("deploy/kubelet-authz-configz.yaml")
        let snapshot = try ClusterDocumentDecoder.decode(try Data(contentsOf: url), source: url.path)
        return RBACAuthorizer(policy: snapshot.policy())
    }

    static let user = UserInfo.asAuthenticated(name: "system:serviceaccount:kubelet-authz:kubelet-authz")

    /// Whether some check the kubelet makes for the request passes (the fallback included).
    static func passes(_ method: String, _ path: String, at version: KubernetesVersion, gates: [String] = []) throws -> Bool {
        let rbac = try authorizer()
        let profile = KubeletProfile(version: version, featureGates: try FeatureGateSettings.parse(gates))
        return KubeletAttributeMapper.checks(method: method, path: path, profile: profile).contains { check in
            rbac.authorize(AuthorizationAttributes(user: user, verb: check.verb, apiVersion: "v1", resource: check.resource,
                                                   subresource: check.subresource, name: "gpu-node-1")).allowed
        }
    }

    @Test("GET /configz passes exactly where the scan asks (1.33+, 1.32 with the gate) and nowhere it does not")
    func configz() throws {
        #expect(try Self.passes("GET", KubeletConfigzReader.path, at: .v(36)))
        #expect(try Self.passes("GET", KubeletConfigzReader.path, at: .v(33)))
        #expect(try Self.passes("GET", KubeletConfigzReader.path, at: .v(32), gates: ["KubeletFineGrainedAuthz=true"]))
        // Where the kubelet would check nodes/proxy, the role does not help: the scan never asks there.
        #expect(try !Self.passes("GET", KubeletConfigzReader.path, at: .v(32)))
        #expect(try !Self.passes("GET", KubeletConfigzReader.path, at: .v(31)))
    }

    @Test("nothing else on the kubelet: no exec, no pods, no logs, no metrics")
    func nothingMore() throws {
        for (method, path) in [("GET", "/exec/ns/pod/ctr?command=id"), ("POST", "/run/ns/pod/ctr"), ("GET", "/pods"),
                               ("GET", "/logs/"), ("GET", "/metrics"), ("GET", "/stats/summary"), ("GET", "/healthz")] {
            #expect(try !Self.passes(method, path, at: .v(36)), "\(method) \(path)")
        }
    }
}
