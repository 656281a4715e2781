import AuditScanning
import Dispatch
import Evidence
import Foundation

/// Scans blocks of a plain file on several threads at once (one use: `begin`, `next` until
/// nil or a failure, `finish`), each thread reading its blocks
/// with pread(2) into a buffer of its own (not mmap: a file cut short while mapped would end
/// the process with SIGBUS; a short read is an error naming the file). Each block is scanned
/// as if it began the file, and `merge` then numbers its lines after the blocks before it,
/// so what comes out in file order is what one scanner reading the blocks in turn gives.
final class ParallelBlockScan: @unchecked Sendable {
    /// One block's scan; line numbers count from the block's first line (1).
    struct Scanned {
        var records: [AuditRecord] = []
        var malformed: [MalformedLine] = []
        var counts = AuditScanCounts()
    }

    let fd: Int32
    let path: String
    let file: String
    let cluster: String
    let maxLineLength: Int
    /// One interner per thread, kept from one call to the next.
    private let interners: [StringInterner]

    init(fd: Int32, path: String, file: String, cluster: String, maxLineLength: Int, workers: Int, interner: StringInterner) {
        self.fd = fd
        self.path = path
        self.file = file
        self.cluster = cluster
        self.maxLineLength = maxLineLength
        interners = [interner] + (1..<max(1, workers)).map { _ in StringInterner() }
    }

    // Shared with the scanning threads, under `condition`.
    private let condition = NSCondition()
    private var blocks: [Range<Int>] = []
    private var done: [Result<Scanned, LineChunkReader.ReadError>?] = []
    private var started = 0
    private var taken = 0
    private var stopped = false
    private let running = DispatchGroup()
    /// Blocks scanned ahead of the caller at most: it merges and commits while the threads
    /// scan on, and what waits for it stays bounded (the records of 512 MiB of log: about 10 MB
    /// for the fleet benchmark's log, several times that for a log of nothing but reviews).
    /// At 16 the threads caught up with the caller while it handed a batch over and stood
    /// idle; the fleet benchmark ran 3 % faster at 64, and no faster at 256.
    static let ahead = 64

    /// Starts scanning `blocks` on the threads; `next` hands out the scans in order.
    func begin(_ blocks: [Range<Int>]) {
        self.blocks = blocks
        done = Array(repeating: nil, count: blocks.count)
        for worker in interners.indices {
            running.enter()
            // A queue of its own (an overcommit thread): the caller blocks in `next`, and a
            // thread of the global pool blocked there could leave a worker waiting for a thread.
            DispatchQueue(label: "kubelet-authz.block-scan").async { [self] in
                defer { running.leave() }
                work(interners[worker])
            }
        }
    }

    private func work(_ interner: StringInterner) {
        var buffer = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 64)
        var capacity = 1
        defer { buffer.deallocate() }
        while true {
            condition.lock()
            while !stopped && started < blocks.count && started - taken >= Self.ahead { condition.wait() }
            guard !stopped, started < blocks.count else { condition.unlock(); return }
            let k = started
            started += 1
            let block = blocks[k]
            condition.unlock()
            if capacity < block.count {
                buffer.deallocate()
                capacity = block.count
                buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
            }
            let result: Result<Scanned, LineChunkReader.ReadError>
            do throws(LineChunkReader.ReadError) {
                try PlainFileRead.exactly(fd, path: path, into: buffer, count: block.count, at: block.lowerBound)
                var scanner = AuditLineScanner(.file(file), cluster: cluster, startLine: 0, startOffset: block.lowerBound, interner: interner,
                                               maxLineLength: maxLineLength)
                var out = Scanned()
                scanner.scan(UnsafeRawBufferPointer(start: buffer, count: block.count), counts: &out.counts, records: &out.records,
                             malformed: &out.malformed)
                result = .success(out)
            } catch {
                result = .failure(error)
            }
            condition.lock()
            done[k] = result
            condition.broadcast()
            condition.unlock()
        }
    }

    /// The next block's scan, in file order (nil after the last), or the error its read met.
    /// The scan is moved out, not copied: the caller then owns its records alone and can change
    /// and move them without a copy of the whole array (a `Result` bound in a `switch` stays
    /// alive through the case, which left two owners).
    func next() throws(LineChunkReader.ReadError) -> Scanned? {
        condition.lock()
        defer { condition.unlock() }
        guard taken < blocks.count else { return nil }
        while done[taken] == nil { condition.wait() }
        let result = done[taken].take()!
        taken += 1
        condition.broadcast()
        switch consume result {
        case .success(let scanned): return scanned
        case .failure(let error): throw error
        }
    }

    /// Stops the threads and waits for them (the file must stay open until they are done).
    func finish() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
        running.wait()
    }

    /// The blocks' scans in order, as far as the first that could not be read, and that
    /// block's read error.
    func scan(_ blocks: [Range<Int>]) -> (scanned: [Scanned], failure: LineChunkReader.ReadError?) {
        begin(blocks)
        defer { finish() }
        var scanned: [Scanned] = []
        do throws(LineChunkReader.ReadError) {
            while let s = try next() { scanned.append(s) }
        } catch {
            return (scanned, error)
        }
        return (scanned, nil)
    }

    /// Adds a block's scan to a batch, its line numbers moved on by the `line` lines before
    /// it; `line` then counts the block's lines too.
    static func merge(_ block: consuming Scanned, after line: inout Int, into records: inout [AuditRecord], malformed: inout [MalformedLine]) {
        var block = consume block
        let base = line
        if base > 0 {
            for i in block.records.indices {
                if case .file(let path, let at, let offset) = block.records[i].source {
                    block.records[i].source = .file(path: path, line: at + base, offset: offset)
                }
            }
            block.malformed = block.malformed.map { MalformedLine(file: $0.file, line: $0.line + base, reason: $0.reason) }
        }
        if records.isEmpty {
            swap(&records, &block.records)
        } else {
            // Moved, not copied: `append(contentsOf:)` retains every string of every record and
            // the block's array then releases them all. Reversed through the buffer, whose
            // swaps move (`Array`'s own copy both records).
            block.records.withUnsafeMutableBufferPointer { $0.reverse() }
            while let r = block.records.popLast() { records.append(consume r) }
        }
        malformed.append(contentsOf: block.malformed)
        line += block.counts.lines
    }
}
