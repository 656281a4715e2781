import Foundation

/// Commits run one after another, in the order given, on a thread of their own, with at most
/// `depth` of them waiting or running: the caller blocks for room, not for each commit.
///
/// A thread rather than a dispatch queue: a PostgreSQL commit blocks its thread on the
/// network, and with the global pool's few threads busy scanning, libdispatch on Linux adds a
/// thread only at its next check, up to a second later. The thread runs while commits are
/// waiting and ends when none is; it holds this line, and a job holds what it needs only until
/// it has run.
final class CommitLine: @unchecked Sendable {
    protocol Job: AnyObject, Sendable {
        func run()
    }

    let depth: Int
    private let condition = NSCondition()
    private var waiting: [any Job] = []
    /// Waiting and running.
    private var outstanding = 0
    private var working = false

    init(depth: Int) {
        precondition(depth >= 1)
        self.depth = depth
    }

    /// Blocks while `depth` commits are waiting or running.
    func waitForRoom() {
        condition.lock()
        while outstanding >= depth { condition.wait() }
        condition.unlock()
    }

    /// Blocks until every commit given has run.
    func waitForAll() {
        condition.lock()
        while outstanding > 0 { condition.wait() }
        condition.unlock()
    }

    func add(_ job: any Job) {
        condition.lock()
        waiting.append(job)
        outstanding += 1
        let start = !working
        working = true
        condition.unlock()
        if start { Thread { self.work() }.start() }
    }

    private func work() {
        while true {
            condition.lock()
            guard !waiting.isEmpty else {
                working = false
                condition.unlock()
                return
            }
            let job = waiting.removeFirst()
            condition.unlock()
            job.run()
            condition.lock()
            outstanding -= 1
            condition.broadcast()
            condition.unlock()
        }
    }
}
