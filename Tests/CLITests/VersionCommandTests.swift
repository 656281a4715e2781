import CLITestSupport
import Foundation
import Glibc
import KubeletModel
import TestSupport
import Testing

@Suite("version")
struct VersionCommandTests {
    @Test("version -o json names the modelled releases from the model itself, oldest to newest")
    func json() async throws {
        let r = await kubeletAuthz(["version", "-o", "json"])
        #expect(r.code == 0, "\(r.err)")
        let doc = try jsonObject(r.out)
        let kube = try #require(doc["kubernetes"] as? [String: Any])
        #expect(kube["oldestModelled"] as? String == KubernetesVersion.oldestModelled.description)
        #expect(kube["newest"] as? String == KubernetesVersion.newest.description)
        let releases = try #require(kube["releases"] as? [String])
        let minors = releases.compactMap { KubernetesVersion($0)?.minor }
        #expect(minors.count == releases.count, "unparseable release in \(releases)")
        #expect(minors == Array(KubernetesVersion.oldestModelled.minor...KubernetesVersion.newest.minor))
        #expect(doc.keys.contains("gitCommit") && doc.keys.contains("gitTreeState"), "an unknown commit is null, not absent")
        let version = try #require(doc["version"] as? String)
        #expect(version.split(separator: ".").count == 3 && version.split(separator: ".").allSatisfy { Int($0) != nil })
    }

    @Test("the text and JSON forms and --version agree on the version and the commit")
    func agree() async throws {
        let text = await kubeletAuthz(["version"])
        let json = try jsonObject(await kubeletAuthz(["version", "-ojson"]).out)
        let flag = await kubeletAuthz(["--version"])
        #expect(text.code == 0 && flag.code == 0, "\(text.err)\(flag.err)")
        let lines = text.out.split(separator: "\n").map(String.init)
        let version = try #require(json["version"] as? String)
        #expect(lines.first == "kubelet-authz \(version) (commit \((json["gitCommit"] as? String).map { String($0.prefix(12)) } ?? "unknown"))")
        #expect(flag.out.trimmingCharacters(in: .newlines) == lines.first)
        let commitLine = try #require(lines.first { $0.hasPrefix("commit:") })
        if let sha = json["gitCommit"] as? String {
            #expect(commitLine.contains(sha))
            #expect(commitLine.contains("uncommitted") == (json["gitTreeState"] as? String == "dirty"))
        } else {
            // `swift test` never stamps BuildInfo.swift, so this is the branch a test run sees.
            #expect(json["gitCommit"] is NSNull && json["gitTreeState"] is NSNull)
            #expect(commitLine.hasSuffix("unknown (not built with make)"))
        }
        let kubeLine = try #require(lines.first { $0.hasPrefix("kubernetes:") })
        #expect(kubeLine.contains("\(KubernetesVersion.oldestModelled)–\(KubernetesVersion.newest)"))
    }

    @Test("the platform is the machine's, in Go's GOOS/GOARCH spelling as kubectl prints it")
    func platform() async throws {
        var name = utsname()
        uname(&name)
        let machine = withUnsafeBytes(of: &name.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let expected = ["x86_64": "linux/amd64", "aarch64": "linux/arm64"][machine] ?? "linux/unknown"
        let json = try jsonObject(await kubeletAuthz(["version", "-o", "json"]).out)
        #expect(json["platform"] as? String == expected)
    }

    @Test("an extra argument or an unknown output is a usage error, exit 2")
    func badUsage() async {
        #expect(await kubeletAuthz(["version", "now"]).code == 2)
        let yaml = await kubeletAuthz(["version", "-o", "xml"])
        #expect(yaml.code == 2 && yaml.err.contains("xml"))
    }
}

/// scripts/with-build-info.sh, run on a copy of BuildInfo.swift so the checkout is never touched.
@Suite("build info stamping")
struct BuildInfoStampTests {
    static let script = Fixtures.repositoryRoot.appendingPathComponent("scripts/with-build-info.sh")
    static let buildInfo = Fixtures.repositoryRoot.appendingPathComponent("Sources/KubeletAuthzCLI/BuildInfo.swift")

    /// A throwaway tree with the script and the committed BuildInfo.swift (or `replacement`).
    func tree(replacement: String? = nil) throws -> URL {
        let root = Fixtures.temporaryDirectory()
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("scripts"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("Sources/KubeletAuthzCLI"), withIntermediateDirectories: true)
        try fm.copyItem(at: Self.script, to: root.appendingPathComponent("scripts/with-build-info.sh"))
        let target = root.appendingPathComponent("Sources/KubeletAuthzCLI/BuildInfo.swift")
        if let replacement { try replacement.write(to: target, atomically: true, encoding: .utf8) } else { try fm.copyItem(at: Self.buildInfo, to: target) }
        return root
    }

    func run(_ root: URL, _ env: [String: String], _ command: [String]) throws -> (code: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [root.appendingPathComponent("scripts/with-build-info.sh").path] + command
        // No git above a temporary directory: only the variables can supply a commit.
        p.environment = ["PATH": "/usr/local/bin:/usr/bin:/bin", "GIT_CEILING_DIRECTORIES": root.deletingLastPathComponent().path].merging(env) { $1 }
        p.currentDirectoryURL = root
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    @Test("the commit is stamped for the command only, and the file is put back byte for byte, even when the command fails")
    func stampAndRestore() throws {
        let root = try tree()
        let file = root.appendingPathComponent("Sources/KubeletAuthzCLI/BuildInfo.swift")
        let before = try Data(contentsOf: file)
        let sha = "0123456789abcdef0123456789abcdef01234567"
        let seen = try run(root, ["KUBELET_AUTHZ_GIT_COMMIT": sha, "KUBELET_AUTHZ_GIT_TREE_STATE": "dirty"], ["cat", file.path])
        #expect(seen.code == 0, "\(seen.err)")
        #expect(seen.out.contains("static let gitCommit: String? = \"\(sha)\""))
        #expect(seen.out.contains("static let gitTreeState: String? = \"dirty\""))
        #expect(try Data(contentsOf: file) == before)

        let failed = try run(root, ["KUBELET_AUTHZ_GIT_COMMIT": sha], ["false"])
        #expect(failed.code == 1)
        #expect(try Data(contentsOf: file) == before)
    }

    @Test("a BuildInfo.swift without the lines to stamp, or a commit that is not hex, fails instead of building \"unknown\"")
    func refuses() throws {
        let reshaped = try tree(replacement: "enum BuildInfo { static let gitCommit: String? = Optional.none }\n")
        let r = try run(reshaped, ["KUBELET_AUTHZ_GIT_COMMIT": "abc123"], ["true"])
        #expect(r.code == 2 && r.err.contains("no longer has"))
        let bad = try run(try tree(), ["KUBELET_AUTHZ_GIT_COMMIT": "abc; rm -rf /"], ["true"])
        #expect(bad.code == 2 && bad.err.contains("not a hexadecimal commit id"))
    }

    @Test("without git or the variables the command still runs, unstamped")
    func noCommit() throws {
        let root = try tree()
        let file = root.appendingPathComponent("Sources/KubeletAuthzCLI/BuildInfo.swift")
        let r = try run(root, [:], ["cat", file.path])
        #expect(r.code == 0)
        #expect(r.out.contains("static let gitCommit: String? = nil"))
        #expect(r.err.contains("no git commit known"))
    }
}
