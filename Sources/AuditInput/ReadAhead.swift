import Dispatch
import Foundation

/// Reads a source's next block on a thread of its own while the caller scans the one before,
/// so reading (or inflating gzip) and scanning overlap on two cores. The reader alternates
/// between two buffers; a block the caller holds is released when it asks for the next, and
/// the reader never refills a buffer whose block is still held.
final class ReadAhead: @unchecked Sendable {
    struct Block {
        let chunk: LineChunkReader.Chunk
        /// The reader's `consumed` and `rawBytesRead` just after this block.
        let consumed: Int
        let rawBytesRead: Int
    }

    enum Item {
        case block(Block)
        case end
        case failure(LineChunkReader.ReadError)
    }

    private let reader: LineChunkReader
    private let condition = NSCondition()
    private var ready: [Item] = []
    /// Buffers the reading thread may fill: two, less those holding a block not yet released.
    private var freeBuffers = 2
    private var holding = false
    private var stopped = false
    private let finished = DispatchGroup()

    init(_ reader: LineChunkReader) {
        self.reader = reader
        reader.alternatesBuffers = true
        finished.enter()
        let queue = DispatchQueue(label: "kubelet-authz.read-ahead")
        queue.async { [self] in
            read()
            finished.leave()
        }
    }

    private func read() {
        while true {
            condition.lock()
            while freeBuffers == 0 && !stopped { condition.wait() }
            if stopped { condition.unlock(); return }
            freeBuffers -= 1
            condition.unlock()
            let item: Item
            do {
                if let chunk = try reader.nextChunk() {
                    item = .block(Block(chunk: chunk, consumed: reader.consumed, rawBytesRead: reader.rawBytesRead))
                } else {
                    item = .end
                }
            } catch {
                item = .failure(error)
            }
            condition.lock()
            ready.append(item)
            condition.broadcast()
            condition.unlock()
            guard case .block = item else { return }
        }
    }

    /// The next block (releasing the one returned before), the end, or the read's failure.
    func next() -> Item {
        condition.lock()
        defer { condition.unlock() }
        if holding {
            holding = false
            freeBuffers += 1
            condition.broadcast()
        }
        while ready.isEmpty { condition.wait() }
        let item = ready.removeFirst()
        if case .block = item { holding = true }
        return item
    }

    /// Stops the reading thread and waits for it: the reader must outlive it.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
        finished.wait()
    }
}
