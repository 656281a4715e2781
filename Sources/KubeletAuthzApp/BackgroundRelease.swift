import Dispatch
import Foundation

/// Work a command hands to another thread so as not to wait for it (freeing tens of thousands
/// of records, closing a store while the report is written), and the one wait for all of it
/// before the process exits: a store released there and never closed left its database in the
/// `-wal` file, so that the `.db` file alone, copied elsewhere, looked empty.
public enum BackgroundRelease {
    private static let pending = DispatchGroup()

    /// Runs `work` on a thread of its own; `waitForAll` waits for it. Not on a global dispatch
    /// queue: closing a PostgreSQL store blocks its thread on the connection, and with the
    /// queue's few threads busy, libdispatch on Linux adds one only at its next check, up to
    /// a second later (measured: the 1 GB ingest into PostgreSQL took 2.0 s instead of 1.0 s).
    /// Whatever `work` captures is released only when the thread is torn down, which may be
    /// after the wait: work that must be done before exit is done inside `work` (`release`
    /// drops its reference there).
    public static func run(_ work: @escaping @Sendable () -> Void) {
        pending.enter()
        Thread {
            work()
            pending.leave()
        }.start()
    }

    /// Drops the caller's reference to `object` on another thread, inside the work `waitForAll`
    /// waits for: if it is the last one, the object's deinit (a store's close) runs there.
    public static func release(_ object: AnyObject) {
        let box = Held(object)
        run { box.object = nil }
    }

    /// Frees `value` on a thread of its own that nothing waits for: memory only (no store, no
    /// file), which the process returns to the system at exit whether or not the thread got
    /// to it. A report of tens of thousands of usage rows took a hundredth of a second to free
    /// after it was written, with nothing left to do.
    public static func discard<T>(_ value: consuming T) {
        let box = Discarded(value)
        Thread { box.value = nil }.start()
    }

    private final class Discarded<T>: @unchecked Sendable {
        var value: T?
        init(_ value: consuming T) { self.value = value }
    }

    private final class Held: @unchecked Sendable {
        var object: AnyObject?
        init(_ object: AnyObject) { self.object = object }
    }

    /// Waits for everything handed over so far: called once a command is done, before exit.
    public static func waitForAll() { pending.wait() }
}
