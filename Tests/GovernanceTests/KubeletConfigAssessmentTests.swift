import Foundation
import Governance
import RBAC
import Testing
import TestSupport

@Suite("Kubelet configuration: the kubelet's defaults, the two file forms, and what each setting means")
struct KubeletConfigAssessmentTests {
    static let demo = Fixtures.repositoryRoot.appendingPathComponent("examples/ai-cluster/kubelet-config")

    static func decode(_ text: String, _ name: String = "node.yaml") throws(FileLineError) -> KubeletConfiguration {
        try KubeletConfigDecoder.decode(Data(text.utf8), source: name)
    }

    static let header = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"

    static func assess(_ configs: [String: String]) throws -> [Finding] {
        let nodes = try configs.keys.sorted().map { node in
            NodeKubeletConfig(node: node, outcome: .read(try decode(header + configs[node]!)), source: "\(node).yaml")
        }
        return KubeletConfigAssessment.assess(KubeletConfigInput(origin: .files, location: "kubelet-config", nodes: nodes)).findings
    }

    @Test("a KubeletConfiguration that sets nothing runs with the file's defaults (defaults.go), not the flags' (--read-only-port 10255)")
    func defaults() throws {
        let c = try Self.decode(Self.header).effective
        #expect(c.authorizationMode == "Webhook")
        #expect(c.anonymousEnabled == false)
        #expect(c.webhookAuthenticationEnabled == true)
        #expect(c.readOnlyPort == 0)
        #expect(c.cacheAuthorizedTTL.description == "5m0s")
        #expect(c.cacheUnauthorizedTTL.description == "30s")
        #expect(c.authenticationCacheTTL.description == "2m0s")
        #expect(try Self.assess(["n": ""]).map(\.rule) == [.kubeletAuthorizationCacheTTL])
    }

    @Test("kubeadm's 0s durations are the defaults, not an uncached kubelet; /configz answers read the same")
    func demoFiles() throws {
        let kubeadm = try KubeletConfigDecoder.decode(Data(contentsOf: Self.demo.appendingPathComponent("control-plane-1.yaml")), source: "control-plane-1.yaml")
        #expect(kubeadm.cacheAuthorizedTTL == .zero)
        let configz = try KubeletConfigDecoder.decode(Data(contentsOf: Self.demo.appendingPathComponent("gpu-node-1.json")), source: "gpu-node-1.json")
        #expect(configz.cacheAuthorizedTTL == GoDuration("5m0s"))
        #expect(kubeadm.effective == configz.effective)
    }

    @Test("each setting that takes RBAC out of the kubelet's hands is its own finding, on its node",
          arguments: [
            ("authorization:\n  mode: AlwaysAllow\n", FindingRule.kubeletAlwaysAllow, Severity.critical, 4),
            ("authentication:\n  anonymous:\n    enabled: true\n", .kubeletAnonymousAuthentication, .high, 5),
            ("authentication:\n  webhook:\n    enabled: false\n", .kubeletWebhookAuthenticationDisabled, .medium, 5),
            ("readOnlyPort: 10255\n", .kubeletReadOnlyPort, .high, 3),
          ])
    func badSetting(_ yaml: String, _ rule: FindingRule, _ severity: Severity, _ line: Int) throws {
        let found = try Self.assess(["bad-node": yaml, "good-node": ""])
        let hits = found.filter { $0.rule == rule }
        #expect(hits.count == 1)
        #expect(hits.first?.severity == severity)
        #expect(hits.first?.locations.map(\.name) == ["bad-node"])
        #expect(hits.first?.locations.first?.source?.file == "bad-node.yaml")
        // The finding points at the setting's own line (header: two lines).
        #expect(hits.first?.locations.first?.source?.line == line)
    }

    @Test("anonymous requests on an AlwaysAllow kubelet are critical: anyone who reaches the port may exec")
    func anonymousAndAlwaysAllow() throws {
        let found = try Self.assess(["open": "authorization:\n  mode: AlwaysAllow\nauthentication:\n  anonymous:\n    enabled: true\n"])
        #expect(found.first { $0.rule == .kubeletAnonymousAuthentication }?.severity == .critical)
        // An AlwaysAllow kubelet caches no decisions: no TTL finding.
        #expect(!found.contains { $0.rule == .kubeletAuthorizationCacheTTL })
    }

    @Test("anonymous requests are critical where RBAC grants anonymous callers kubelet access, high where it grants them none")
    func anonymousWithGrants() throws {
        let node = NodeKubeletConfig(node: "n", outcome: .read(try Self.decode(Self.header + "authentication:\n  anonymous:\n    enabled: true\n")))
        let input = KubeletConfigInput(origin: .files, location: "kubelet-config", nodes: [node])
        let granted = KubeletConfigAssessment.assess(input, anonymousAccess: ["metrics", "pods"]).findings.first { $0.rule == .kubeletAnonymousAuthentication }
        #expect(granted?.severity == .critical)
        #expect(granted?.message.contains("nodes/metrics, nodes/pods") == true)
        #expect(KubeletConfigAssessment.assess(input).findings.first { $0.rule == .kubeletAnonymousAuthentication }?.severity == .high)
    }

    @Test("cache TTLs are reported once per setting, low when a revocation bites later than the defaults allow")
    func cacheTTLs() throws {
        let found = try Self.assess(["a": "", "b": "", "slow": "authorization:\n  webhook:\n    cacheAuthorizedTTL: 1h\n"])
        let ttl = found.filter { $0.rule == .kubeletAuthorizationCacheTTL }
        #expect(ttl.count == 2)
        #expect(ttl.first { $0.locations.map(\.name) == ["a", "b"] }?.severity == .info)
        let slow = ttl.first { $0.locations.map(\.name) == ["slow"] }
        #expect(slow?.severity == .low)
        #expect(slow?.message.contains("1h0m0s") == true)
    }

    @Test("a large cluster's message names ten nodes and counts the rest; its locations keep every node")
    func manyNodes() throws {
        let names = (1...25).map { String(format: "node-%02d", $0) }
        let found = try Self.assess(Dictionary(uniqueKeysWithValues: names.map { ($0, "") }))
        let ttl = try #require(found.first { $0.rule == .kubeletAuthorizationCacheTTL })
        #expect(ttl.message.hasPrefix("nodes node-01, node-02, node-03, node-04, node-05, node-06, node-07, node-08, node-09, node-10 and 15 more cache"))
        #expect(ttl.locations.count == 25)
    }

    @Test("nodes whose configuration is not known are one blind spot; a node that failed is its own finding")
    func blindSpot() {
        let input = KubeletConfigInput(origin: .live, location: "https://api", nodes: [
            NodeKubeletConfig(node: "old-1", outcome: .notRead("kubelet 1.31 checks /configz as nodes/proxy")),
            NodeKubeletConfig(node: "old-2", outcome: .notRead("kubelet 1.31 checks /configz as nodes/proxy")),
            NodeKubeletConfig(node: "locked", outcome: .forbidden("403 Forbidden")),
            NodeKubeletConfig(node: "down", outcome: .failed("connection refused")),
        ])
        let found = KubeletConfigAssessment.assess(input).findings
        let blind = found.filter { $0.rule == .kubeletConfigBlindSpot }
        #expect(blind.count == 1)
        #expect(blind.first?.message.contains("nodes old-1, old-2: kubelet 1.31 checks /configz as nodes/proxy") == true)
        #expect(blind.first?.message.contains("node locked: 403 Forbidden") == true)
        #expect(found.filter { $0.rule == .kubeletConfigUnreadable }.map { $0.locations.map(\.name) } == [["down"]])
    }

    @Test("bad input names the file and the line (or field)",
          arguments: [
            ("authentication:\n  anonymous:\n    enabled: \"yes please\"\n", 5, "authentication.anonymous.enabled: expected true or false"),
            ("authorization:\n  webhook:\n    cacheAuthorizedTTL: 5 minutes\n", 5, "is not a duration"),
            // Beyond Go's range (about 2562047h): refused as Go refuses it, not a trap.
            ("authorization:\n  webhook:\n    cacheAuthorizedTTL: 99999999999999999999h\n", 5, "is not a duration"),
            ("authorization:\n  mode: RBAC\n", 4, "is not a kubelet authorization mode"),
            ("readOnlyPort: 70000\n", 3, "is not a port number"),
            ("authentication: [1]\n", 3, "authentication must be an object"),
            ("readOnlyPort: [\n", nil, "invalid YAML or JSON"),
          ] as [(String, Int?, String)])
    func malformed(_ body: String, _ line: Int?, _ message: String) {
        let e = #expect(throws: FileLineError.self) { _ = try Self.decode(Self.header + body, "kubelet-config/n.yaml") }
        #expect(e?.file == "kubelet-config/n.yaml")
        if let line { #expect(e?.line == line) }
        #expect(e?.message.contains(message) == true, "\(String(describing: e))")
    }

    @Test("a file that is neither form is refused with what was expected",
          arguments: ["apiVersion: v1\nkind: ConfigMap\n", "apiVersion: kubelet.config.k8s.io/v1alpha1\nkind: KubeletConfiguration\n",
                      "[1, 2]\n", "{\"kubeletconfig\": 3}\n", "foo: bar\n"])
    func wrongKind(_ text: String) {
        #expect(throws: FileLineError.self) { _ = try Self.decode(text) }
    }

    @Test("Go durations read and print as Go does", arguments: [("5m0s", "5m0s"), ("30s", "30s"), ("1h", "1h0m0s"), ("500ms", "500ms"), ("0", "0s"), ("1m30s", "1m30s"), ("90s", "1m30s"),
                                                                         ("100us", "100µs"), ("1.5ms", "1.5ms"), ("2.25s", "2.25s"), ("1500ns", "1.5µs")])
    func durations(_ text: String, _ printed: String) {
        #expect(GoDuration(text)?.description == printed)
    }

    @Test("an empty authorization mode is the default (Webhook), as the kubelet's defaulting makes it")
    func emptyMode() throws {
        let c = try Self.decode(Self.header + "authorization:\n  mode: \"\"\n")
        #expect(c.effective.authorizationMode == KubeletConfiguration.webhookMode)
    }

    @Test("a sub-millisecond TTL is not zero, so the default is not put in its place")
    func subMillisecond() throws {
        let c = try Self.decode(Self.header + "authorization:\n  webhook:\n    cacheAuthorizedTTL: 100us\n")
        #expect(c.effective.cacheAuthorizedTTL.description == "100µs")
    }
}
