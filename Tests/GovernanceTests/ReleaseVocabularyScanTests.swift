import Cluster
import Foundation
import Governance
import KubeletModel
import RBAC
import Testing

/// What the release's kubelets never check is no kubelet access, and the API server's own
/// kubelet client is judged with the 1.36 facts.
@Suite("Scan: release vocabulary and the API server's kubelet client")
struct ReleaseVocabularyScanTests {
    static let day = Day(year: 2026, month: 12, day: 1)

    static func scan(_ yaml: String, version: KubernetesVersion? = nil, client: String = APIServerKubeletClient.kubeadmUser) throws -> ScanReport {
        var snapshot = try ClusterDocumentDecoder.decode(Data(yaml.utf8), source: "cluster.yaml")
        snapshot.resolveDuplicates()
        return ClusterScanner.scan(snapshot, options: ScanOptions(kubeVersion: version, now: day, apiServerKubeletClient: client))
    }

    static func role(_ name: String, _ resources: [String], verbs: [String] = ["get"], user: String) -> String {
        """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: \(name)}
        rules:
        - apiGroups: [""]
          resources: [\(resources.joined(separator: ", "))]
          verbs: [\(verbs.joined(separator: ", "))]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: \(name)}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: \(name)}
        subjects:
        - {kind: User, name: \(user)}

        """
    }

    static func node(_ version: String) -> String {
        "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nstatus: {nodeInfo: {kubeletVersion: \(version)}}\n"
    }

    static func kubeadmConfig(_ version: String) -> String {
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: kubeadm-config, namespace: kube-system}
        data:
          ClusterConfiguration: |
            apiVersion: kubeadm.k8s.io/v1beta4
            kind: ClusterConfiguration
            kubernetesVersion: \(version)

        """
    }

    @Test("a 1.36 scan of a role granting only get nodes/spec lists no subject and reports the ineffective grant")
    func specAt136() throws {
        let r = try Self.scan(Self.role("spec-reader", ["nodes/spec"], user: "carol"), version: .v(36))
        #expect(r.subjects.isEmpty)
        let f = try #require(r.findings.first { $0.rule == .specSubresourceGone })
        #expect(f.message.contains("ClusterRole spec-reader rules[0]"))
        #expect(f.locations.first?.source?.line == 1)
        // At 1.20 the kubelet still checked nodes/spec.
        #expect(try Self.scan(Self.role("spec-reader", ["nodes/spec"], user: "carol"), version: .v(20)).subjects.count == 1)
    }

    @Test("nodes/statusz at 1.35 (ComponentStatusz off) is not access; at 1.36 it is", arguments: [
        (KubernetesVersion.v(35), false), (.v(36), true),
    ])
    func statuszByRelease(version: KubernetesVersion, counts: Bool) throws {
        let r = try Self.scan(Self.role("statusz", ["nodes/statusz"], user: "carol"), version: version)
        #expect(r.subjects.count == (counts ? 1 : 0))
        #expect(r.findings.contains { $0.rule == .subresourceNotChecked } == !counts)
        if !counts {
            let f = try #require(r.findings.first { $0.rule == .subresourceNotChecked })
            #expect(f.message.contains("nodes/statusz is checked by no kubelet at 1.35 with ComponentStatusz=false"))
        }
    }

    @Test("nodes/checkpoint before 1.30 (ContainerCheckpoint alpha) is not access")
    func checkpointBefore130() throws {
        let yaml = Self.role("cp", ["nodes/checkpoint"], verbs: ["create"], user: "carol")
        #expect(try Self.scan(yaml, version: .v(29)).subjects.isEmpty)
        let at30 = try Self.scan(yaml, version: .v(30))
        #expect(at30.subjects.count == 1)
        #expect(at30.findings.contains { $0.rule == .checkpointAccess })
    }

    @Test("kubeadm-config shows a release that binds the client, and RBAC grants it nothing: high")
    func upgradeGap() throws {
        let r = try Self.scan(Self.node("v1.36.2") + "---\n" + Self.kubeadmConfig("v1.35.5"))
        let f = try #require(r.findings.first { $0.rule == .apiServerClientUpgradeGap })
        #expect(f.severity == .high)
        #expect(f.subject?.description == "User kube-apiserver-kubelet-client")
        #expect(f.locations.first?.kind == "ConfigMap")
        #expect(f.locations.first?.source?.line == 6)
        #expect(!r.findings.contains { $0.rule == .apiServerClientUnknown })
    }

    @Test("otherwise the client's access is an info 'cannot tell'", arguments: [
        node("v1.36.2"),                                            // no kubeadm-config
        node("v1.34.1") + "---\n" + kubeadmConfig("v1.34.1"),       // groups in the certificate
        node("v1.36.0") + "---\n" + kubeadmConfig("v1.36.0"),       // 1.36.0 does not create the binding
        node("v1.35.4") + "---\n" + kubeadmConfig("v1.35.4"),       // nor 1.35 before 1.35.5
    ])
    func cannotTell(_ yaml: String) throws {
        let r = try Self.scan(yaml)
        let f = try #require(r.findings.first { $0.rule == .apiServerClientUnknown })
        #expect(f.severity == .info)
        #expect(!r.findings.contains { $0.rule == .apiServerClientUpgradeGap })
    }

    @Test("a file of roles without Nodes or kubeadm-config says nothing of the API server's client")
    func notACluster() throws {
        let r = try Self.scan(Self.role("x", ["nodes/proxy"], user: "carol"))
        #expect(!r.findings.contains { [.apiServerClientUnknown, .apiServerClientUpgradeGap, .apiServerClientPartial].contains($0.rule) })
    }

    @Test("bound to system:kubelet-api-admin (absent from the input): its 1.36 rules, without statusz and checkpoint")
    func bootstrapRole() throws {
        let binding = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: kubeadm:apiserver-kubelet-client}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:kubelet-api-admin}
        subjects:
        - {kind: User, name: kube-apiserver-kubelet-client}

        """
        let r = try Self.scan(Self.node("v1.36.2") + "---\n" + Self.kubeadmConfig("v1.36.2") + "---\n" + binding)
        #expect(!r.findings.contains { $0.rule == .apiServerClientUpgradeGap || $0.rule == .apiServerClientUnknown })
        let f = try #require(r.findings.first { $0.rule == .apiServerClientPartial })
        #expect(f.message.contains("lacks nodes/statusz and nodes/checkpoint"))
        #expect(f.message.contains("system:kubelet-api-admin, which this input lacks"))
        // At 1.35 with default gates the kubelet checks no statusz: only checkpoint is missing.
        let r135 = try Self.scan(Self.node("v1.35.1") + "---\n" + binding)
        let partial135 = try #require(r135.findings.first { $0.rule == .apiServerClientPartial })
        #expect(partial135.message.contains("lacks nodes/checkpoint ("))
        #expect(!partial135.message.contains("statusz"))
    }

    @Test("a client holding statusz and checkpoint, under its own name, raises nothing")
    func fullAccess() throws {
        let yaml = Self.node("v1.36.2") + "---\n" + Self.role("apiserver", ["nodes/proxy", "nodes/statusz", "nodes/checkpoint"], verbs: ["\"*\""], user: "eks:apiserver")
        let named = try Self.scan(yaml, client: "eks:apiserver")
        #expect(!named.findings.contains { [.apiServerClientUnknown, .apiServerClientUpgradeGap, .apiServerClientPartial].contains($0.rule) })
        // Under the default name the same cluster cannot tell.
        #expect(try Self.scan(yaml).findings.contains { $0.rule == .apiServerClientUnknown })
    }
}
