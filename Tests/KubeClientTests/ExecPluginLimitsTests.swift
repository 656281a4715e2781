import Foundation
import KubeClient
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Plugins that misbehave: each must end quickly, with an error that names the user and the
/// plugin and shows nothing of stdout.
extension ExecCredentialPluginTests {
    /// Plugins here run head, tr, yes and sleep.
    static let path = ["PATH": "/usr/bin:/bin"]
    static let validAnswer = #"echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"tok-flood"}}'"#

    @Test("a plugin that writes 200 KiB to stderr before its answer succeeds (stdout and stderr are read together)")
    func stderrFlood() async throws {
        // 200 KiB fills a 64 KiB pipe three times over: reading stdout to its end first would
        // wait forever for a plugin waiting for us to read its stderr.
        let (script, _) = try plugin("head -c 204800 /dev/zero | tr '\\0' e >&2\n\(Self.validAnswer)")
        // A deadlock would end at the 30 s timeout with an error, not a token.
        let p = ExecCredentialPlugin(config: config(script), userName: "eks", environment: Self.path, timeout: .seconds(30))
        #expect(try await p.credential().token == "tok-flood")
    }

    @Test("a plugin printing endless stdout is stopped at 4 MiB with an error that shows none of it")
    func endlessStdout() async throws {
        let (script, _) = try plugin("echo 'token cache corrupt, dumping it' >&2\nyes secret-looking-output")
        let message = await failure(script)
        #expect(message.contains("user \"eks\": exec plugin \(script) printed more than 4 MiB on stdout"), "\(message)")
        #expect(!message.contains("secret-looking-output"))
        // Its stderr is its message to the user, and says why, as for every other way it fails.
        #expect(message.contains("it said: token cache corrupt, dumping it"), "\(message)")
    }

    /// The error a run of the plugin ends with. No wall-clock bound: under a loaded test run
    /// the awaiting task can wait for a pool thread far longer than the plugin runs; the error
    /// text says which limit stopped it, and the suite's time limit catches a hang.
    func failure(_ script: String, timeout: Duration = .seconds(30)) async -> String {
        let p = ExecCredentialPlugin(config: config(script), userName: "eks", environment: Self.path, timeout: timeout)
        do {
            _ = try await p.credential()
            Issue.record("expected an error")
            return ""
        } catch {
            return error.description
        }
    }

    @Test("a plugin that never exits is stopped at the timeout, with the children it started")
    func neverExits() async throws {
        let dir = Fixtures.temporaryDirectory()
        let pidFile = dir.appendingPathComponent("sleep.pid").path
        // The shell waits on a child that holds the pipes open too: stopping the shell alone
        // would leave us waiting for their end.
        let (script, _) = try plugin("echo 'waiting for a browser login' >&2\nsleep 1000 &\necho $! > \(pidFile)\nwait")
        let message = await failure(script, timeout: .milliseconds(500))
        #expect(message.contains("user \"eks\": exec plugin \(script) did not finish within 0.5 s"), "\(message)")
        #expect(message.contains("waiting for a browser login"))
        let pid = try #require(Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(await Self.ended(pid), "the plugin's child \(pid) still runs")
    }

    /// Gone, or a zombie waiting for a parent that does not reap (some container inits).
    static func ended(_ pid: Int32) async -> Bool {
        for _ in 0..<100 {
            if kill(pid, 0) != 0 { return true }
            if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
               let close = stat.lastIndex(of: ")"), stat[stat.index(close, offsetBy: 2)] == "Z" { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    @Test("plugins run off the cooperative pool: more waiting plugins than pool threads do not stop other tasks")
    func offThePool() async throws {
        let dir = Fixtures.temporaryDirectory()
        let started = dir.appendingPathComponent("started").path
        let go = dir.appendingPathComponent("go").path
        // Each plugin says it started, then waits until this test lets it go: a plugin run that
        // held a pool thread would leave too few for this test to ever get there.
        let (script, _) = try plugin("echo x >> \(started)\nwhile [ ! -e \(go) ]; do sleep 0.02; done\n\(Self.validAnswer)")
        let count = ProcessInfo.processInfo.activeProcessorCount + 2
        let plugins = (0..<count).map { _ in ExecCredentialPlugin(config: config(script), userName: "eks", environment: Self.path, timeout: .seconds(30)) }
        try await withThrowingTaskGroup(of: String?.self) { group in
            for p in plugins { group.addTask { try await p.credential().token } }
            var all = false
            for _ in 0..<400 {  // 20 s at most
                let lines = (try? String(contentsOfFile: started, encoding: .utf8))?.split(separator: "\n").count ?? 0
                if lines == count { all = true; break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(all, "not every plugin started while others waited")
            _ = FileManager.default.createFile(atPath: go, contents: Data())
            var tokens: [String?] = []
            for try await t in group { tokens.append(t) }
            #expect(tokens == Array(repeating: "tok-flood", count: count))
        }
    }

    @Test("callers waiting together share one run of the plugin")
    func oneRunForConcurrentCallers() async throws {
        let (script, counter) = try plugin("sleep 0.3\n\(Self.validAnswer)")
        let p = ExecCredentialPlugin(config: config(script), userName: "eks", environment: Self.path)
        try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<6 { group.addTask { try await p.credential().token } }
            for try await t in group { #expect(t == "tok-flood") }
        }
        #expect(p.runs == 1)
        #expect(try String(contentsOfFile: counter, encoding: .utf8).split(separator: "\n").count == 1)
    }

    @Test("a bare command is found on the PATH of the given environment, not the process's")
    func pathLookup() throws {
        let (script, _) = try plugin(Self.validAnswer)
        let dir = URL(fileURLWithPath: script).deletingLastPathComponent().path
        let bare = Kubeconfig.ExecConfig(apiVersion: "client.authentication.k8s.io/v1", command: "plugin.sh", interactiveMode: "Never", installHint: "install it")
        #expect(try ExecCredentialPlugin(config: bare, userName: "u", environment: ["PATH": "/nonexistent:\(dir)"]).credentialBlocking().token == "tok-flood")
        do {
            _ = try ExecCredentialPlugin(config: bare, userName: "u", environment: ["PATH": "/nonexistent"]).credentialBlocking()
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("could not be started (not found on PATH): install it"), "\(error)")
        }
    }
}
