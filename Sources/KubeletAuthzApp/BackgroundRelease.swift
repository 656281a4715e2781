import Dispatch

/// Work a command hands to another thread so as not to wait for it (freeing tens of thousands
/// of records, closing a store while the report is written), and the one wait for all of it
/// before the process exits: a store released there and never closed left its database in the
/// `-wal` file, so that the `.db` file alone, copied elsewhere, looked empty.
public enum BackgroundRelease {
    private static let pending = DispatchGroup()

    /// Runs `work` on another thread; `waitForAll` waits for it.
    public static func run(_ work: @escaping @Sendable () -> Void) {
        DispatchQueue.global().async(group: pending, execute: work)
    }

    /// Releases `object` (the last reference the caller had) on another thread.
    public static func release<T: AnyObject>(_ object: T) {
        nonisolated(unsafe) let held = object
        run { withExtendedLifetime(held) {} }
    }

    /// Waits for everything handed over so far: called once a command is done, before exit.
    public static func waitForAll() { pending.wait() }
}
