import AuditScanning
import CByteSearch
import CompressNIO
import Foundation
import NIOCore

/// Streams a source in large blocks and hands out buffers of whole lines: one buffer, reused,
/// read into with read(2); a partial last line is moved to its front. Memory is bounded by the
/// block size and the maximum line length, whatever the file's size: a line longer than the
/// maximum is not held but skipped to its newline, and reported by its length. Gzip input (any
/// number of members, as rotation tools write) is inflated with zlib as it streams. `consumed`
/// counts the uncompressed bytes of the lines handed out so far, so a later run can resume there.
public final class LineChunkReader {
    public let source: AuditSource
    public private(set) var consumed: Int = 0
    /// Compressed or plain bytes read from disk, for progress.
    public private(set) var rawBytesRead: Int = 0
    public let rawSize: Int?

    let blockSize: Int
    /// Longer lines (newline not counted) are skipped, not held.
    public let maxLineLength: Int
    let fd: Int32
    let ownsFD: Bool
    var gzip: ZlibDecompressor?
    var compressedPending = ByteBuffer()
    /// Inflated bytes not yet copied out (an inflate may produce more than was asked for).
    var inflatedPending = ByteBuffer()
    var inputFinished = false
    /// Stdin given as bytes (in-process callers such as tests).
    var memory: Data?
    var memoryOffset = 0

    var storage: UnsafeMutableRawPointer
    var capacity: Int
    /// Bytes of `storage` not yet handed out (a partial line, or a peeked block): at its front,
    /// or, just after a block was handed out, at `tailStart` behind that block.
    var pending = 0
    var tailStart = 0
    /// With `alternatesBuffers`, the buffer the next block is read into, while the caller may
    /// still be reading the block handed out last.
    var spare: UnsafeMutableRawPointer?
    var spareCapacity = 0
    /// Read each block into the other of two buffers, so that a block stays intact while the
    /// next one is read (one thread reading ahead of another scanning). A block then lives
    /// until the second `nextBlock` after it starts.
    public var alternatesBuffers = false
    /// Leave a last line without its newline unread: a log being written may still be
    /// finishing it, and a later ingest resumes before it.
    public var holdsPartialLastLine = false

    public struct ReadError: Error, CustomStringConvertible {
        public let description: String
    }

    public init(_ source: AuditSource, blockSize: Int = 8 << 20, maxLineLength: Int = AuditLineScanner.defaultMaxLineLength,
                stdin: Data? = nil) throws(ReadError) {
        self.source = source
        self.blockSize = max(4096, blockSize)
        self.maxLineLength = max(0, maxLineLength)
        capacity = self.blockSize * 2
        storage = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
        if source.isStdin {
            fd = STDIN_FILENO
            ownsFD = false
            memory = stdin
            rawSize = stdin?.count
        } else {
            let f = open(source.path, O_RDONLY)
            guard f >= 0 else {
                storage.deallocate()
                throw ReadError(description: "\(source.path): cannot open the file (\(String(cString: strerror(errno))))")
            }
            fd = f
            ownsFD = true
            var st = stat()
            rawSize = fstat(f, &st) == 0 ? Int(st.st_size) : nil
        }
        // Gzip by its magic bytes, not its name.
        var magic = [UInt8](repeating: 0, count: 2)
        if let memory {
            magic = Array(memory.prefix(2))
        } else if !source.isStdin {
            _ = pread(fd, &magic, 2, 0)
        } else {
            // Stdin cannot be re-read: take the first bytes into the buffer.
            let n = try readFD(storage, capacity)
            pending = n
            magic = n >= 2 ? [storage.load(as: UInt8.self), storage.load(fromByteOffset: 1, as: UInt8.self)] : []
            if magic.count == 2 && magic[0] == 0x1F && magic[1] == 0x8B {
                compressedPending = ByteBuffer(bytes: UnsafeRawBufferPointer(start: storage, count: n))
                pending = 0
            }
        }
        if magic.count == 2 && magic[0] == 0x1F && magic[1] == 0x8B {
            do { gzip = try ZlibDecompressor(algorithm: .gzip) } catch { throw ReadError(description: "\(source.displayName): cannot start zlib: \(error)") }
        }
    }

    deinit {
        storage.deallocate()
        spare?.deallocate()
        if ownsFD { close(fd) }
    }

    /// A file read as it is on disk (not gzip, not stdin): its ranges can be read in any order.
    var isPlainFile: Bool { gzip == nil && memory == nil && !source.isStdin }

    /// Whether the file starts with gzip's magic bytes (false if it cannot be read: opening it
    /// for real reports why).
    public static func isGzipFile(_ path: String) -> Bool {
        let f = open(path, O_RDONLY)
        guard f >= 0 else { return false }
        defer { close(f) }
        var magic: (UInt8, UInt8) = (0, 0)
        return pread(f, &magic, 2, 0) == 2 && magic.0 == 0x1F && magic.1 == 0x8B
    }

    // MARK: Raw input

    func readFD(_ into: UnsafeMutableRawPointer, _ count: Int) throws(ReadError) -> Int {
        if let memory {
            let n = min(count, memory.count - memoryOffset)
            if n > 0 {
                memory.withUnsafeBytes { src in into.copyMemory(from: src.baseAddress! + memoryOffset, byteCount: n) }
                memoryOffset += n
            }
            rawBytesRead += n
            return n
        }
        while true {
            let n = read(fd, into, count)
            if n >= 0 { rawBytesRead += n; return n }
            if errno == EINTR { continue }
            throw ReadError(description: "\(source.displayName): read failed (\(String(cString: strerror(errno))))")
        }
    }

    /// Uncompressed bytes into `into`, at most `count`; 0 at the end.
    func fill(_ into: UnsafeMutableRawPointer, _ count: Int) throws(ReadError) -> Int {
        guard let gzip else { return try readFD(into, count) }
        if inflatedPending.readableBytes > 0 {
            let n = min(count, inflatedPending.readableBytes)
            inflatedPending.withUnsafeReadableBytes { into.copyMemory(from: $0.baseAddress!, byteCount: n) }
            inflatedPending.moveReaderIndex(forwardBy: n)
            return n
        }
        var produced = 0
        while produced == 0 {
            if compressedPending.readableBytes == 0 {
                if inputFinished { return 0 }
                var chunk = ByteBuffer()
                chunk.reserveCapacity(1 << 20)
                let n = try chunk.writeWithUnsafeMutableBytes(minimumWritableBytes: 1 << 20) { buf -> Int in
                    (try? self.readFD(buf.baseAddress!, buf.count)) ?? -1
                }
                if n < 0 { throw ReadError(description: "\(source.displayName): read failed") }
                if n == 0 { inputFinished = true; return 0 }
                compressedPending = chunk
            }
            var window = ByteBuffer()
            window.reserveCapacity(min(count, 1 << 20))
            let before = compressedPending.readableBytes
            do {
                try gzip.inflate(from: &compressedPending, to: &window)
            } catch let e as CompressNIOError where e == .bufferOverflow || e == .inputBufferOverflow {
                // Output window full, or input used up: both mean "call again".
            } catch {
                throw ReadError(description: "\(source.displayName): corrupt gzip data after \(consumed + pending) uncompressed bytes (\(error))")
            }
            let progressed = before != compressedPending.readableBytes || window.readableBytes > 0
            if !progressed && compressedPending.readableBytes > 0 {
                // A member ended with input left over: the next member starts here.
                do { try gzip.reset() } catch { throw ReadError(description: "\(source.displayName): zlib reset failed") }
                let again = compressedPending.readableBytes
                do { try gzip.inflate(from: &compressedPending, to: &window) } catch let e as CompressNIOError where e == .bufferOverflow || e == .inputBufferOverflow {} catch {
                    throw ReadError(description: "\(source.displayName): corrupt gzip data after \(consumed + pending) uncompressed bytes (\(error))")
                }
                if again == compressedPending.readableBytes && window.readableBytes == 0 {
                    throw ReadError(description: "\(source.displayName): trailing data that is not gzip after \(consumed + pending) uncompressed bytes")
                }
            }
            let n = min(window.readableBytes, count)
            window.withUnsafeReadableBytes { into.copyMemory(from: $0.baseAddress!, byteCount: n) }
            window.moveReaderIndex(forwardBy: n)
            if window.readableBytes > 0 { inflatedPending = window }
            produced = n
        }
        return produced
    }

    func grow() {
        let bigger = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 64)
        bigger.copyMemory(from: storage, byteCount: pending)
        storage.deallocate()
        storage = bigger
        capacity *= 2
    }

    /// Brings the bytes not yet handed out to the front of the buffer the next read goes into:
    /// the same buffer, or (alternating) the other one, leaving the last block where it is.
    func settle() {
        guard tailStart > 0 else { return }
        if alternatesBuffers {
            if spare == nil || spareCapacity < capacity {
                spare?.deallocate()
                spare = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
                spareCapacity = capacity
            }
            let last = storage
            (storage, capacity, spare, spareCapacity) = (spare!, spareCapacity, storage, capacity)
            if pending > 0 { storage.copyMemory(from: last + tailStart, byteCount: pending) }
        } else if pending > 0 {
            storage.copyMemory(from: storage + tailStart, byteCount: pending)
        }
        tailStart = 0
    }

    // MARK: Lines

    /// The first bytes of the source, left in place for `nextChunk` or `readAll`.
    public func peek() throws(ReadError) -> [UInt8] {
        settle()
        while pending < min(capacity, 64 << 10) {
            let n = try fill(storage + pending, min(blockSize, capacity - pending))
            if n == 0 { break }
            pending += n
        }
        return Array(UnsafeRawBufferPointer(start: storage, count: pending))
    }

    /// What `nextChunk` hands out.
    public enum Chunk {
        /// Whole lines (the last line of the source may lack its newline).
        case lines(UnsafeRawBufferPointer)
        /// One line longer than `maxLineLength`, skipped: its length, and the bytes it took
        /// (with its newline, unless it ended the source).
        case overlongLine(length: Int, bytes: Int)
    }

    /// The next block of whole lines, or a line too long to hold, or nil at the end. A block
    /// stays valid until the next call (with `alternatesBuffers`, until the one after);
    /// `consumed` already counts it.
    public func nextChunk() throws(ReadError) -> Chunk? {
        settle()
        // Whole lines already here (after a peek, or behind a skipped line).
        if pending > 0, let nl = ka_memrchr(storage, 0x0A, pending) {
            return .lines(handOut(storage.distance(to: nl) + 1))
        }
        // From here `pending` holds the start of one line and no newline.
        while true {
            if pending > maxLineLength { return try skipLongLine() }
            if capacity - pending < blockSize / 2 { grow() }
            let n = try fill(storage + pending, min(blockSize, capacity - pending))
            if n == 0 {
                // A last line without its newline: handed out, or left for the next run while
                // a log being written may still be finishing it.
                guard pending > 0, !holdsPartialLastLine else { return nil }
                return .lines(handOut(pending))
            }
            let total = pending + n
            pending = total
            guard let nl = ka_memrchr(storage, 0x0A, total) else { continue }
            return .lines(handOut(storage.distance(to: nl) + 1))
        }
    }

    /// Drops the line begun in `pending`, already longer than the maximum, up to its newline;
    /// what follows the newline stays pending. The buffer does not grow for it.
    private func skipLongLine() throws(ReadError) -> Chunk? {
        var length = pending
        pending = 0
        while true {
            let n = try fill(storage, min(blockSize, capacity))
            if n == 0 {
                // Not finished yet in a log being written: the next run skips it from its start.
                if holdsPartialLastLine { return nil }
                consumed += length
                return .overlongLine(length: length, bytes: length)
            }
            if let nl = memchr(storage, 0x0A, n) {
                let end = storage.distance(to: nl)
                length += end
                consumed += length + 1
                pending = n - end - 1
                storage.copyMemory(from: storage + end + 1, byteCount: pending)
                return .overlongLine(length: length, bytes: length + 1)
            }
            length += n
        }
    }

    /// The first `count` pending bytes as a block; the rest stays behind it until `settle`.
    private func handOut(_ count: Int) -> UnsafeRawBufferPointer {
        consumed += count
        pending -= count
        tailStart = count
        return UnsafeRawBufferPointer(start: storage, count: count)
    }

    /// Skips the first `offset` uncompressed bytes (a resumed ingest).
    public func skip(to offset: Int) throws(ReadError) {
        guard offset > 0 else { return }
        settle()
        if gzip == nil && memory == nil && !source.isStdin {
            guard lseek(fd, off_t(offset), SEEK_SET) == off_t(offset) else { throw ReadError(description: "\(source.path): cannot seek to \(offset)") }
            pending = 0
            consumed = offset
            rawBytesRead = offset
            return
        }
        var remaining = offset
        if pending > 0 {
            let drop = min(pending, remaining)
            storage.copyMemory(from: storage + drop, byteCount: pending - drop)
            pending -= drop
            remaining -= drop
        }
        while remaining > 0 {
            let n = try fill(storage, min(blockSize, capacity))
            if n == 0 { break }
            if n <= remaining { remaining -= n; continue }
            storage.copyMemory(from: storage + remaining, byteCount: n - remaining)
            pending = n - remaining
            remaining = 0
        }
        consumed = offset
    }

    /// Places a plain file's reader as a read in turn would stand after handing out the lines
    /// up to `offset` having read up to `read`: the bytes between pending, the next read at
    /// `read` (so the blocks it hands out next are that read's).
    func skip(to offset: Int, pendingUpTo read: Int) throws(ReadError) {
        precondition(isPlainFile && offset <= read)
        settle()
        pending = 0
        while capacity < read - offset { grow() }
        try PlainFileRead.exactly(fd, path: source.path, into: storage, count: read - offset, at: offset)
        guard lseek(fd, off_t(read), SEEK_SET) == off_t(read) else { throw ReadError(description: "\(source.path): cannot seek to \(read)") }
        pending = read - offset
        consumed = offset
        rawBytesRead = read
    }

    /// Reads the whole (uncompressed) rest of the source, for single JSON documents; nil when it
    /// is longer than `limit` bytes (the rest is then read and dropped, so `consumed` still
    /// reaches the end).
    public func readAll(limit: Int) throws(ReadError) -> [UInt8]? {
        settle()
        while pending <= limit {
            if capacity - pending < blockSize / 2 { grow() }
            let n = try fill(storage + pending, capacity - pending)
            if n == 0 {
                let all = Array(UnsafeRawBufferPointer(start: storage, count: pending))
                consumed += pending
                pending = 0
                return all
            }
            pending += n
        }
        consumed += pending
        pending = 0
        while true {
            let n = try fill(storage, capacity)
            if n == 0 { return nil }
            consumed += n
        }
    }
}
