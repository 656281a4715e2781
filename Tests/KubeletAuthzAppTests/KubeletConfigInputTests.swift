import Foundation
import Governance
import KubeClient
import KubeletAuthzApp
import KubeletModel
import TestSupport
import Testing

@Suite("Kubelet configurations: which kubelets are asked, and kubelet-config/ files")
struct KubeletConfigInputTests {
    static func endpoint(_ node: String, _ version: String?, ip: String? = "10.0.0.1", port: Int? = 10250) -> KubeletAddress {
        KubeletAddress(node: node, internalIP: ip, port: port, kubeletVersion: version)
    }

    // A 1.32 kubelet is never asked, even when --feature-gates says the gate is on: that is the
    // user's model of the cluster, not each node's setting, and a node with the gate off would
    // check nodes/proxy (the issue: "on 1.32 and older … never fall back").
    @Test("only kubelets that check /configz as nodes/configz are asked; the rest are never called",
          arguments: [
            ("v1.36.2", [], true), ("v1.33.0", [], true), ("v1.33.0", ["KubeletFineGrainedAuthz=false"], false),
            ("v1.32.4", [], false), ("v1.32.4", ["KubeletFineGrainedAuthz=true"], false), ("v1.31.9", [], false),
          ] as [(String, [String], Bool)])
    func releaseDecides(_ version: String, _ gates: [String], _ asked: Bool) throws {
        let (ask, skipped) = LiveKubeletConfig.plan([Self.endpoint("n", version)], featureGates: try FeatureGateSettings.parse(gates))
        #expect(ask.count == (asked ? 1 : 0))
        #expect(skipped.count == (asked ? 0 : 1))
        if !asked { #expect(skipped.first.map { "\($0.outcome)" }?.contains("nodes/proxy") == true) }
    }

    @Test("the kubelet is asked at the Node's InternalIP and kubelet port; no address, no call")
    func addresses() throws {
        let (ask, skipped) = LiveKubeletConfig.plan([Self.endpoint("a", "v1.36.0", ip: "10.0.0.7", port: 10350),
                                                    Self.endpoint("b", "v1.36.0", ip: "fd00::7", port: nil),
                                                    Self.endpoint("c", "v1.36.0", ip: nil), Self.endpoint("d", nil)],
                                                   featureGates: .init())
        #expect(ask.map(\.url) == ["https://10.0.0.7:10350", "https://[fd00::7]:10250"])
        #expect(skipped.map(\.node) == ["c", "d"])
    }

    @Test("Node list pages give each kubelet's InternalIP, port and release")
    func nodeList() throws {
        let page = #"{"kind":"NodeList","items":[{"metadata":{"name":"n1"},"status":{"addresses":[{"type":"Hostname","address":"n1"},{"type":"InternalIP","address":"10.0.1.10"}],"daemonEndpoints":{"kubeletEndpoint":{"Port":10250}},"nodeInfo":{"kubeletVersion":"v1.36.2"}}}]}"#
        #expect(KubeletAddress.fromNodeList([Data(page.utf8)]) == [Self.endpoint("n1", "v1.36.2", ip: "10.0.1.10")])
    }

    @Test("kubelet-config/ beside a -f directory is found, read per node, and kept out of the cluster objects")
    func demoFolder() throws {
        let demo = Fixtures.repositoryRoot.appendingPathComponent("examples/ai-cluster").path
        let folder = try #require(try KubeletConfigFiles.folder(explicit: nil, inputs: [demo]))
        #expect(folder.hasSuffix("ai-cluster/kubelet-config"))
        let snapshot = try ClusterFileReader.read([demo], stdin: { Data() })
        #expect(snapshot.warnings.isEmpty)
        #expect(!snapshot.sources.contains { $0.contains("kubelet-config") })
        let input = try KubeletConfigFiles.read(folder, nodes: snapshot.nodes.map(\.name))
        #expect(input.nodes.map(\.node) == snapshot.nodes.map(\.name).sorted())
        #expect(input.nodes.allSatisfy { $0.configuration != nil })
    }

    @Test("a node without a file is not known; a file for no Node, two files for one node, or a bad file are errors")
    func folderErrors() throws {
        let dir = Fixtures.temporaryDirectory()
        let header = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
        try header.write(to: dir.appendingPathComponent("n1.yaml"), atomically: true, encoding: .utf8)
        let input = try KubeletConfigFiles.read(dir.path, nodes: ["n1", "n2"])
        #expect(input.nodes.map(\.node) == ["n1", "n2"])
        #expect(input.nodes[1].outcome == .notRead("no <node>.yaml or <node>.json in \(dir.path)"))

        let unknown = #expect(throws: InputError.self) { try KubeletConfigFiles.read(dir.path, nodes: ["n2"]) }
        #expect(unknown?.message.contains("no Node \"n1\" in the input") == true)
        try #"{"kubeletconfig":{}}"#.write(to: dir.appendingPathComponent("n1.json"), atomically: true, encoding: .utf8)
        let twice = #expect(throws: InputError.self) { try KubeletConfigFiles.read(dir.path, nodes: ["n1"]) }
        #expect(twice?.message.contains("already has") == true)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("n1.json"))
        try (header + "readOnlyPort: -1\n").write(to: dir.appendingPathComponent("n1.yaml"), atomically: true, encoding: .utf8)
        #expect(throws: InputError("\(dir.path)/n1.yaml:3: readOnlyPort: \"-1\" is not a port number (0 to 65535; 0 turns the port off)")) {
            try KubeletConfigFiles.read(dir.path, nodes: ["n1"])
        }
        #expect(throws: InputError.self) { try KubeletConfigFiles.folder(explicit: dir.appendingPathComponent("nope").path, inputs: []) }
    }
}
