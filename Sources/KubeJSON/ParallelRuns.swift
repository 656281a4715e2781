import Dispatch
import Foundation

/// Work on `count` items cut into consecutive runs, one per core, done at once; the results
/// come back in run order, so joining them keeps the items' order. The readers and writers of
/// large Lists and reports each did this with a box, a lock and slot arithmetic of their own.
public enum ParallelRuns {
    /// One run per core, at most 16.
    public static var cores: Int { max(1, min(ProcessInfo.processInfo.activeProcessorCount, 16)) }

    /// `body` on each of `runs` consecutive ranges covering `0..<count` (some one item longer
    /// than others when `count` does not divide), on every core; its results in range order. An
    /// empty range is still given to `body` when there are more runs than items.
    public static func map<T>(count: Int, runs: Int = cores, _ body: (Range<Int>) -> T) -> [T] {
        let runs = max(1, runs)
        let ranges = (0..<runs).map { k in (k * count / runs)..<((k + 1) * count / runs) }
        if runs == 1 { return [body(ranges[0])] }
        let slots = UnsafeMutableBufferPointer<T?>.allocate(capacity: runs)
        slots.initialize(repeating: nil)
        defer {
            _ = slots.deinitialize()
            slots.deallocate()
        }
        withoutActuallyEscaping(body) { body in
            // Each run reads what the caller lent it and writes only its own slot; the slots
            // are read once `concurrentPerform` has returned, after every run.
            nonisolated(unsafe) let body = body
            nonisolated(unsafe) let slots = slots
            DispatchQueue.concurrentPerform(iterations: runs) { k in slots[k] = body(ranges[k]) }
        }
        return slots.map { $0! }
    }
}
