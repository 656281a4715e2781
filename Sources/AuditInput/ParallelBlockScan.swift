import AuditScanning
import Dispatch
import Evidence
import Foundation

/// Scans blocks of a plain file on several threads at once, each thread reading its blocks
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

    /// The blocks' scans in order, as far as the first that could not be read, and that
    /// block's read error (the blocks after it are dropped, as a read in turn stops there).
    func scan(_ blocks: [Range<Int>]) -> (scanned: [Scanned], failure: LineChunkReader.ReadError?) {
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var next = 0
            var done: [Result<Scanned, LineChunkReader.ReadError>?]
            init(_ n: Int) { done = Array(repeating: nil, count: n) }
        }
        let results = Results(blocks.count)
        DispatchQueue.concurrentPerform(iterations: min(interners.count, blocks.count)) { worker in
            var buffer = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 64)
            var capacity = 1
            defer { buffer.deallocate() }
            while true {
                let k: Int? = results.lock.withLock {
                    guard results.next < blocks.count else { return nil }
                    defer { results.next += 1 }
                    return results.next
                }
                guard let k else { return }
                let block = blocks[k]
                if capacity < block.count {
                    buffer.deallocate()
                    capacity = block.count
                    buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
                }
                let result: Result<Scanned, LineChunkReader.ReadError>
                do throws(LineChunkReader.ReadError) {
                    try PlainFileRead.exactly(fd, path: path, into: buffer, count: block.count, at: block.lowerBound)
                    var scanner = AuditLineScanner(.file(file), cluster: cluster, startLine: 0, startOffset: block.lowerBound,
                                                   interner: interners[worker], maxLineLength: maxLineLength)
                    var out = Scanned()
                    scanner.scan(UnsafeRawBufferPointer(start: buffer, count: block.count), counts: &out.counts, records: &out.records,
                                 malformed: &out.malformed)
                    result = .success(out)
                } catch {
                    result = .failure(error)
                }
                results.lock.withLock { results.done[k] = result }
            }
        }
        var scanned: [Scanned] = []
        scanned.reserveCapacity(blocks.count)
        for case let result? in results.done {
            switch result {
            case .success(let s): scanned.append(s)
            case .failure(let e): return (scanned, e)
            }
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
        if records.isEmpty { swap(&records, &block.records) } else { records.append(contentsOf: block.records) }
        malformed.append(contentsOf: block.malformed)
        line += block.counts.lines
    }
}
