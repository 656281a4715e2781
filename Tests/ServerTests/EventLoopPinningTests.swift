import CLITestSupport
import Foundation
@testable import KubeletAuthzServer
import NIOPosix
import Testing
import TestSupport

/// `serve --pin-event-loops`: each event-loop thread on a CPU of its own, read back from the
/// kernel (the thread's affinity mask, and the CPU it runs on).
#if os(Linux)
struct EventLoopPinningTests {
    @Test func allowedCPUsHoldTheOneThisThreadRunsOn() throws {
        let cpus = try EventLoopPinning.allowedCPUs()
        #expect(!cpus.isEmpty)
        #expect(cpus == cpus.sorted())
        #expect(cpus.contains(try #require(EventLoopPinning.currentCPU())))
        // The kernel's own list, as /proc words it for this process.
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") })
        #expect(Self.cpuList(line.split(separator: ":")[1]) == cpus)
    }

    /// A group of its own, not NIO's shared one the other tests use: more loops than CPUs,
    /// so that the round through the CPUs is seen too.
    @Test func eachLoopRunsOnTheCPUItWasGiven() async throws {
        let cpus = try EventLoopPinning.allowedCPUs()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: cpus.count + 1)
        let pinned = try await EventLoopPinning.pin(group)
        #expect(pinned == (0...cpus.count).map { cpus[$0 % cpus.count] })
        for (k, loop) in group.makeIterator().enumerated() {
            let (allowed, running) = try await loop.submit { (try EventLoopPinning.allowedCPUs(), EventLoopPinning.currentCPU()) }.get()
            #expect(allowed == [pinned[k]])
            #expect(running == pinned[k])
        }
        try await group.shutdownGracefully()
    }

    @Test func aCPUOutOfRangeIsRefused() {
        #expect(throws: EventLoopPinning.Failure.self) { try EventLoopPinning.pinCurrentThread(to: -1) }
        #expect(throws: EventLoopPinning.Failure.self) { try EventLoopPinning.pinCurrentThread(to: 1 << 20) }
    }

    /// The real process: its event-loop threads (NIO's shared group, "NIO-SGLTN-…") each on one
    /// CPU, the first ones this process may use, in order; the others left free.
    @Test func servePinsItsEventLoops() async throws {
        let binary = try BuiltExecutable.required()
        let dir = Fixtures.temporaryDirectory()
        let log = dir.appendingPathComponent("serve.log").path
        let server = try ServerProcess(binary: binary, store: nil, log: log, extra: ["--pin-event-loops"])
        defer { server.kill(SIGTERM); server.wait() }
        let said = try String(contentsOfFile: log, encoding: .utf8)
        #expect(said.contains("event loops pinned to CPUs"), "\(said)")

        let cpus = try EventLoopPinning.allowedCPUs()
        let tasks = "/proc/\(server.process.processIdentifier)/task"
        var loops: [(name: String, cpus: [Int])] = []
        var others: [[Int]] = []
        for tid in try FileManager.default.contentsOfDirectory(atPath: tasks) {
            let name = try String(contentsOfFile: "\(tasks)/\(tid)/comm", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            let status = try String(contentsOfFile: "\(tasks)/\(tid)/status", encoding: .utf8)
            let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") })
            let allowed = Self.cpuList(line.split(separator: ":")[1])
            if name.hasPrefix("NIO-SGLTN") { loops.append((name, allowed)) } else { others.append(allowed) }
        }
        loops.sort { $0.name.split(separator: "#").last.flatMap { Int($0) } ?? 0 < $1.name.split(separator: "#").last.flatMap { Int($0) } ?? 0 }
        #expect(!loops.isEmpty)
        #expect(loops.map(\.cpus) == loops.indices.map { [cpus[$0 % cpus.count]] })
        #expect(others.allSatisfy { $0 == cpus })
    }

    /// "0-3,6" → [0, 1, 2, 3, 6].
    static func cpuList(_ text: Substring) -> [Int] {
        text.trimmingCharacters(in: .whitespaces).split(separator: ",").flatMap { part -> [Int] in
            let ends = part.split(separator: "-").compactMap { Int($0) }
            return ends.count == 2 ? Array(ends[0]...ends[1]) : ends
        }
    }
}
#endif
