import CLITestSupport
import Foundation
import KubeletAuthzCLI
import Testing
import TestSupport

/// Commands see the environment and terminals of the console they run on, never the
/// process's: tests give every run its own, so no run depends on the machine.
@Suite("the console's environment and terminals, not the process's")
struct ConsoleEnvironmentTests {
    /// A kubeconfig for a loopback server nothing listens on, whose CA file is missing, so that a
    /// command using it fails at once, naming the cluster, without dialling.
    func unreachableKubeconfig(in dir: URL, name: String = "config") throws -> String {
        try writeKubeconfig(name, in: dir, cluster: #"{server: "https://127.0.0.1:1", certificate-authority: missing-ca.crt}"#, user: "{token: t}")
    }

    @Test("KUBECONFIG and HOME come from the console: runs side by side each use their own, and a console without them has no cluster")
    func kubeconfigFromConsole() async throws {
        let dir = Fixtures.temporaryDirectory()
        let config = try unreachableKubeconfig(in: dir)
        let home = dir.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home.appendingPathComponent(".kube"), withIntermediateDirectories: true)
        _ = try unreachableKubeconfig(in: home.appendingPathComponent(".kube"))

        async let viaKUBECONFIG = kubeletAuthz(["who-can", "GET", "/pods"], environment: ["KUBECONFIG": config])
        async let viaHOME = kubeletAuthz(["who-can", "GET", "/pods"], environment: ["HOME": home.path])
        async let without = kubeletAuthz(["who-can", "GET", "/pods"])
        async let noHome = kubeletAuthz(["who-can", "GET", "/pods"], environment: ["HOME": ""])
        for r in [await viaKUBECONFIG, await viaHOME] {
            #expect(r.code == 2)
            #expect(r.err.contains("cluster \"lab\" certificate-authority") && r.err.contains("missing-ca.crt"), "\(r.err)")
        }
        for r in [await without, await noHome] {
            #expect(r.code == 2)
            #expect(r.err.contains("no cluster input"), "\(r.err)")
        }
    }

    @Test("an exec credential plugin inherits the console's environment")
    func execPluginEnvironment() async throws {
        let dir = Fixtures.temporaryDirectory()
        let plugin = dir.appendingPathComponent("plugin.sh").path
        try "#!/bin/sh\necho \"plugin saw MARKER=$MARKER\" >&2\nexit 1\n".write(toFile: plugin, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: plugin)
        let config = try writeKubeconfig(in: dir, cluster: #"{server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}"#,
                                         user: #"{exec: {apiVersion: client.authentication.k8s.io/v1, command: "\#(plugin)", interactiveMode: Never}}"#)
        let r = await kubeletAuthz(["who-can", "GET", "/pods", "--kubeconfig", config], environment: ["MARKER": "from-the-console"])
        #expect(r.code == 2)
        #expect(r.err.contains("plugin saw MARKER=from-the-console"), "\(r.err)")
    }

    @Test("colour follows the console's stdout terminal and its NO_COLOR")
    func colour() async throws {
        let cluster = Fixtures.repositoryRoot.appendingPathComponent("examples/ai-cluster").path
        let args = ["scan", "-f", cluster, "--now", "2026-11-27"]
        let terminal = await kubeletAuthz(args, stdoutIsTerminal: true)
        let noColor = await kubeletAuthz(args, environment: ["NO_COLOR": "1"], stdoutIsTerminal: true)
        let pipe = await kubeletAuthz(args)
        #expect(terminal.code == noColor.code && terminal.code == pipe.code)
        #expect(terminal.out.contains("\u{1B}["))
        #expect(!noColor.out.contains("\u{1B}["))
        #expect(!pipe.out.contains("\u{1B}["))
    }

    @Test("evidence progress follows the console's stderr terminal")
    func progress() async throws {
        let log = Fixtures.url("audit-kube-apiserver-1.36.jsonl").path
        let terminal = await kubeletAuthz(["evidence", "--no-db", "-o", "json", log], stderrIsTerminal: true)
        let pipe = await kubeletAuthz(["evidence", "--no-db", "-o", "json", log])
        #expect(terminal.code == 0 && pipe.code == 0)
        #expect(terminal.err.contains("\r\u{1B}[K"))
        #expect(!pipe.err.contains("\r\u{1B}[K"))
    }

    @Test("the process's console reads the process's environment; a console made by hand has only what it is given")
    func standardAndMade() {
        #expect(ConsoleIO.standard.environment == ProcessInfo.processInfo.environment)
        let made = ConsoleIO(writeOut: { _ in }, writeErr: { _ in }, readStdin: { Data() }, stdoutIsTerminal: false)
        #expect(made.environment.isEmpty && !made.stdinIsTerminal && !made.stderrIsTerminal)
    }
}
