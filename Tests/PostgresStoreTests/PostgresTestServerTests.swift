import Foundation
import PostgresTestSupport
import Testing

/// The test harness cleans up after a test process that was killed: its server is stopped and
/// its directory removed when the next test process starts one.
struct PostgresTestServerTests {
    @Test func aKilledProcessesDirectoryIsStoppedAndRemovedOthersAreKept() throws {
        let temporary = NSTemporaryDirectory() + "pg-stale-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        // A process id that was just in use and is gone now.
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let names = [
            "kubelet-authz-pg-\(gone.processIdentifier)-0a1b2c3d",  // stale
            "kubelet-authz-pg-\(getpid())-0a1b2c3d",  // this process's: alive
            "kubelet-authz-pg-1a2b3c4d",  // before names carried a process id: left alone
            "kubelet-authz-pg-cmd-5e6f.out",  // a command's output file
            "other-\(gone.processIdentifier)-dir",
        ]
        for name in names {
            try FileManager.default.createDirectory(atPath: "\(temporary)/\(name)/data", withIntermediateDirectories: true)
        }
        var stopped: [String] = []
        PostgresTestServer.removeStale(in: temporary, stop: { stopped.append($0) })
        #expect(stopped == ["\(temporary)/\(names[0])"])
        let left = try FileManager.default.contentsOfDirectory(atPath: temporary).sorted()
        #expect(left == names.dropFirst().sorted())
    }
}
