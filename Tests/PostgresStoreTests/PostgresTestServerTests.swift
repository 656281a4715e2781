import Foundation
import PostgresTestSupport
import Testing

/// The test harness cleans up after a test process that was killed: its server is stopped and
/// its directory removed when the next test process starts one, and nothing else is touched.
struct PostgresTestServerTests {
    @Test func aKilledProcessesDirectoryIsStoppedAndRemovedOthersAreKept() throws {
        let temporary = NSTemporaryDirectory() + "pg-stale-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        // A process id that was just in use and is gone now.
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let stale = "kubelet-authz-pg-\(gone.processIdentifier)-"
        let names = [
            stale + "00000001",  // its server still runs (a process naming the directory): stopped, removed
            stale + "00000002",  // its postmaster.pid names a process that is not its server: removed, not stopped
            stale + "00000003",  // no server: removed
            stale + "00000004",  // changed a moment ago (another PID namespace's live server): kept
            "kubelet-authz-pg-\(getpid())-0a1b2c3d",  // this process's: kept
            "kubelet-authz-pg-1a2b3c4d",  // before names carried a process id: kept
            "kubelet-authz-pg-cmd-5e6f.out",  // a command's output file: kept
            "other-\(gone.processIdentifier)-dir",
        ]
        for name in names {
            try FileManager.default.createDirectory(atPath: "\(temporary)/\(name)/data", withIntermediateDirectories: true)
        }
        // A stand-in server: a live process whose command line names the directory, as a
        // postmaster's `-D DIR/data` does. Spawned and reaped here: Foundation's `Process` waited out the whole sleep after a kill.
        var server: pid_t = 0
        let arguments: [String] = ["/bin/sh", "-c", "sleep 60", "\(temporary)/\(names[0])/data"]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        try #require(posix_spawn(&server, "/bin/sh", nil, nil, &argv, nil) == 0)
        defer {
            kill(server, SIGKILL)
            var status: Int32 = 0
            waitpid(server, &status, 0)
        }
        try "\(server)\n\(temporary)/\(names[0])/data\n".write(toFile: "\(temporary)/\(names[0])/data/postmaster.pid", atomically: true, encoding: .utf8)
        try "\(getpid())\n\(temporary)/\(names[1])/data\n".write(toFile: "\(temporary)/\(names[1])/data/postmaster.pid", atomically: true, encoding: .utf8)

        // An hour from now, everything is quiet but the directory changed 100 s before.
        let later = Date().addingTimeInterval(3600)
        for path in ["\(temporary)/\(names[3])", "\(temporary)/\(names[3])/data"] {
            try FileManager.default.setAttributes([.modificationDate: later.addingTimeInterval(-100)], ofItemAtPath: path)
        }
        var stopped: [String] = []
        PostgresTestServer.removeStale(in: temporary, quiet: 600, now: later, stop: { stopped.append($0) })
        #expect(stopped == ["\(temporary)/\(names[0])"])
        let left = try FileManager.default.contentsOfDirectory(atPath: temporary).sorted()
        #expect(left == names.dropFirst(3).sorted())
    }
}
