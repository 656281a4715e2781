import CLITestSupport
import Foundation
import TestSupport
import Testing
import Yams

/// deploy/krew/kubelet-authz.yaml: what Krew and kubectl need of it, so a release only fills in
/// the placeholders.
@Suite("krew manifest")
struct KrewManifestTests {
    static let path = Fixtures.repositoryRoot.appendingPathComponent("deploy/krew/kubelet-authz.yaml")

    func manifest() throws -> [String: Any] {
        let text = try String(contentsOf: Self.path, encoding: .utf8)
        return try #require(try Yams.load(yaml: text) as? [String: Any], "not a YAML mapping")
    }

    @Test("a Krew v1alpha2 Plugin named like its file, at the tool's own version")
    func identity() async throws {
        let m = try manifest()
        #expect(m["apiVersion"] as? String == "krew.googlecontainertools.github.com/v1alpha2")
        #expect(m["kind"] as? String == "Plugin")
        let name = try #require((m["metadata"] as? [String: Any])?["name"] as? String)
        // Krew requires the manifest's file name to be the plugin's name.
        #expect(name == Self.path.deletingPathExtension().lastPathComponent)
        let spec = try #require(m["spec"] as? [String: Any])
        for field in ["homepage", "shortDescription", "description"] {
            #expect(!((spec[field] as? String) ?? "").isEmpty, "spec.\(field) is empty")
        }
        let version = try jsonObject(await kubeletAuthz(["version", "-o", "json"]).out)["version"] as? String
        #expect(spec["version"] as? String == version.map { "v" + $0 }, "the manifest's version is not the binary's")
    }

    @Test("every platform has a selector, a sha256 and kubectl's binary name; linux/amd64 and linux/arm64 each once")
    func platforms() throws {
        let m = try manifest()
        let name = try #require((m["metadata"] as? [String: Any])?["name"] as? String)
        // kubectl maps `kubectl kubelet-authz` to kubectl-kubelet_authz: dashes in a plugin name are underscores on disk.
        let binary = "kubectl-" + name.replacingOccurrences(of: "-", with: "_")
        let spec = try #require(m["spec"] as? [String: Any])
        let platforms = try #require(spec["platforms"] as? [[String: Any]])
        #expect(!platforms.isEmpty)
        var seen: [String] = []
        for (i, p) in platforms.enumerated() {
            let selector = p["selector"] as? [String: Any]
            let labels = selector?["matchLabels"] as? [String: String] ?? [:]
            let expressions = selector?["matchExpressions"] as? [Any] ?? []
            #expect(!labels.isEmpty || !expressions.isEmpty, "platform \(i) has no selector")
            if let os = labels["os"], let arch = labels["arch"] { seen.append("\(os)/\(arch)") }
            let bin = try #require(p["bin"] as? String, "platform \(i) has no bin")
            #expect(URL(fileURLWithPath: bin).lastPathComponent == binary, "platform \(i): bin \(bin) is not \(binary)")
            let sha = p["sha256"] as? String ?? ""
            #expect(sha.count == 64 && sha.allSatisfy(\.isHexDigit), "platform \(i): sha256 \(sha) is not 64 hex digits")
            let uri = p["uri"] as? String ?? ""
            #expect(uri.hasPrefix("https://") && uri.contains(arch(labels)), "platform \(i): uri \(uri)")
        }
        #expect(seen.sorted() == ["linux/amd64", "linux/arm64"])
    }

    private func arch(_ labels: [String: String]) -> String { labels["arch"] ?? "?" }
}
