import Foundation

/// Encodes runs of array items on several threads and hands their bytes to the caller strictly
/// in item order. `scan -o json` of the worst-case cluster spent seconds writing 100k subjects
/// on one core while the other was idle; here every core encodes. `evidence -o json` writes its
/// usage rows through it too.
///
/// Memory stays bounded: at most `window` runs are claimed and not yet handed over, so a
/// report of hundreds of megabytes is never held whole. Emptied buffers come back to the
/// workers for the next runs.
///
/// Dedicated threads rather than Dispatch or Swift concurrency: the caller blocks while it
/// waits for the next run in order, which must never starve a shared pool that the workers
/// themselves need.
public final class OrderedChunkEncoder: @unchecked Sendable {
    private let count: Int
    private let itemsPerChunk: Int
    private let chunks: Int
    private let window: Int
    private let encode: @Sendable (Range<Int>, inout [UInt8]) -> Void

    private let condition = NSCondition()
    private var done: [Int: [UInt8]] = [:]
    private var claimed = 0
    private var handedOver = 0
    private var spare: [[UInt8]] = []

    private init(count: Int, itemsPerChunk: Int, window: Int, encode: @escaping @Sendable (Range<Int>, inout [UInt8]) -> Void) {
        self.count = count
        self.itemsPerChunk = itemsPerChunk
        chunks = (count + itemsPerChunk - 1) / itemsPerChunk
        self.window = window
        self.encode = encode
    }

    /// Calls `encode` for consecutive ranges of `0..<count` (each at most `itemsPerChunk`
    /// items) on `workers` threads, and `emit` on the calling thread with each range's bytes,
    /// in order. `emit` may keep what it is given (it is copied then).
    public static func run(count: Int, itemsPerChunk: Int, workers: Int,
                    encode: @escaping @Sendable (Range<Int>, inout [UInt8]) -> Void, emit: ([UInt8]) -> Void) {
        let encoder = OrderedChunkEncoder(count: count, itemsPerChunk: max(1, itemsPerChunk),
                                          window: 4 * max(1, workers), encode: encode)
        for _ in 0..<min(max(1, workers), encoder.chunks) {
            let thread = Thread { encoder.work() }
            // Items may be deep trees written recursively: the main thread's stack, not 512 KB.
            thread.stackSize = 8 << 20
            thread.start()
        }
        encoder.handOver(emit)
    }

    private func work() {
        while true {
            condition.lock()
            while claimed < chunks && claimed - handedOver >= window { condition.wait() }
            guard claimed < chunks else { condition.unlock(); return }
            let c = claimed
            claimed += 1
            var buffer = spare.popLast() ?? []
            condition.unlock()
            buffer.removeAll(keepingCapacity: true)
            encode(c * itemsPerChunk..<min(count, (c + 1) * itemsPerChunk), &buffer)
            condition.lock()
            done[c] = buffer
            condition.broadcast()
            condition.unlock()
        }
    }

    private func handOver(_ emit: ([UInt8]) -> Void) {
        for c in 0..<chunks {
            condition.lock()
            while done[c] == nil { condition.wait() }
            let buffer = done.removeValue(forKey: c)!
            condition.unlock()
            emit(buffer)
            condition.lock()
            handedOver += 1
            spare.append(buffer)
            condition.broadcast()
            condition.unlock()
        }
    }
}
