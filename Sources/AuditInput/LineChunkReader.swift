import CompressNIO
import Foundation
import NIOCore

/// Streams a source in large blocks and hands out buffers of whole lines, in constant memory
/// whatever the file's size. Gzip input (any number of members, as rotation tools write) is
/// inflated with zlib as it streams. `consumed` counts the uncompressed bytes of the lines
/// handed out so far, so a later run can resume there.
public final class LineChunkReader {
    public let source: AuditSource
    public private(set) var consumed: Int = 0
    /// Compressed or plain bytes read from disk, for progress.
    public private(set) var rawBytesRead: Int = 0
    public let rawSize: Int?

    let blockSize: Int
    var handle: FileHandle
    var gzip: ZlibDecompressor?
    var carry: [UInt8] = []
    var finished = false
    var compressedPending = ByteBuffer()
    /// Stdin given as bytes (in-process callers such as tests).
    var memory: Data?
    var memoryOffset = 0

    public struct ReadError: Error, CustomStringConvertible {
        public let description: String
    }

    public init(_ source: AuditSource, blockSize: Int = 8 << 20, stdin: Data? = nil) throws(ReadError) {
        self.source = source
        self.blockSize = blockSize
        if source.isStdin {
            handle = FileHandle.standardInput
            memory = stdin
            rawSize = stdin?.count
        } else {
            guard let h = FileHandle(forReadingAtPath: source.path) else { throw ReadError(description: "\(source.path): cannot open the file") }
            handle = h
            rawSize = (try? FileManager.default.attributesOfItem(atPath: source.path)[.size] as? Int) ?? nil
        }
        // Gzip by its magic bytes, not its name.
        let head = source.isStdin ? (stdin?.prefix(2) ?? Data()) : (try? handle.read(upToCount: 2)) ?? Data()
        if !source.isStdin { try? handle.seek(toOffset: 0) }
        if head.count == 2 && head[head.startIndex] == 0x1F && head[head.startIndex + 1] == 0x8B {
            do { gzip = try ZlibDecompressor(algorithm: .gzip) } catch { throw ReadError(description: "\(source.path): cannot start zlib: \(error)") }
        }
    }

    public var isGzip: Bool { gzip != nil }

    /// Skips the first `offset` uncompressed bytes (a resumed ingest).
    public func skip(to offset: Int) throws(ReadError) {
        guard offset > 0 else { return }
        if gzip == nil && !source.isStdin {
            do { try handle.seek(toOffset: UInt64(offset)) } catch { throw ReadError(description: "\(source.path): cannot seek to \(offset)") }
            consumed = offset
            rawBytesRead = offset
            return
        }
        var remaining = offset
        while remaining > 0, let block = try nextBlock() {
            if block.count <= remaining { remaining -= block.count; continue }
            carry = Array(block[remaining...])
            remaining = 0
        }
        consumed = offset
    }

    /// The first bytes of the source, left in place for `nextLines` or `readAll`.
    public func peek() throws(ReadError) -> [UInt8] {
        while carry.isEmpty, let block = try nextBlock() { carry = block; if !block.isEmpty { break } }
        return carry
    }

    /// The next buffer of whole lines, or nil at the end. The last line may lack a newline.
    public func nextLines(_ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
        while true {
            guard let block = try nextBlock() else {
                if carry.isEmpty { return false }
                let rest = carry
                carry = []
                consumed += rest.count
                try rest.withUnsafeBytes(body)
                return true
            }
            var buffer = carry
            buffer += block
            guard let lastNewline = buffer.lastIndex(of: 0x0A) else {
                carry = buffer
                continue
            }
            carry = Array(buffer[(lastNewline + 1)...])
            consumed += lastNewline + 1
            try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0...lastNewline])) }
            return true
        }
    }

    /// Reads the whole (uncompressed) rest of the source, for single JSON documents.
    public func readAll() throws(ReadError) -> [UInt8] {
        var all = carry
        carry = []
        while let block = try nextBlock() { all += block }
        consumed += all.count
        return all
    }

    /// Raw bytes from the file, stdin, or the in-memory stdin.
    func readRaw(_ count: Int) throws(ReadError) -> Data {
        if let memory {
            let end = min(memory.count, memoryOffset + count)
            defer { memoryOffset = end }
            return memory.subdata(in: (memory.startIndex + memoryOffset)..<(memory.startIndex + end))
        }
        do { return try handle.read(upToCount: count) ?? Data() } catch { throw ReadError(description: "\(source.displayName): read failed: \(error)") }
    }

    func nextBlock() throws(ReadError) -> [UInt8]? {
        if finished { return nil }
        guard let gzip else {
            let data = try readRaw(blockSize)
            if data.isEmpty { finished = true; return nil }
            rawBytesRead += data.count
            return [UInt8](data)
        }
        // Inflate until a block of output is ready or the input ends.
        var output = ByteBuffer()
        output.reserveCapacity(blockSize)
        while output.readableBytes < blockSize / 2 {
            if compressedPending.readableBytes == 0 {
                let data = try readRaw(1 << 20)
                if data.isEmpty {
                    finished = true
                    break
                }
                rawBytesRead += data.count
                compressedPending = ByteBuffer(bytes: data)
            }
            var window = ByteBuffer()
            window.reserveCapacity(min(1 << 20, max(4096, blockSize / 2)))
            let before = compressedPending.readableBytes
            do {
                try gzip.inflate(from: &compressedPending, to: &window)
            } catch let e as CompressNIOError where e == .bufferOverflow || e == .inputBufferOverflow {
                // Output window full, or input used up: both mean "call again".
            } catch {
                throw ReadError(description: "\(source.displayName): corrupt gzip data after \(consumed + output.readableBytes) uncompressed bytes (\(error))")
            }
            let progressed = before != compressedPending.readableBytes || window.readableBytes > 0
            output.writeBuffer(&window)
            // A member ended with input left over: the next member starts here.
            if !progressed && compressedPending.readableBytes > 0 {
                do { try gzip.reset() } catch { throw ReadError(description: "\(source.displayName): zlib reset failed") }
                let again = compressedPending.readableBytes
                var probe = ByteBuffer()
                probe.reserveCapacity(1 << 20)
                do { try gzip.inflate(from: &compressedPending, to: &probe) } catch let e as CompressNIOError where e == .bufferOverflow || e == .inputBufferOverflow {} catch {
                    throw ReadError(description: "\(source.displayName): corrupt gzip data after \(consumed + output.readableBytes) uncompressed bytes (\(error))")
                }
                if again == compressedPending.readableBytes && probe.readableBytes == 0 {
                    throw ReadError(description: "\(source.displayName): trailing data that is not gzip after \(consumed + output.readableBytes) uncompressed bytes")
                }
                output.writeBuffer(&probe)
            }
        }
        if output.readableBytes == 0 { return finished ? nil : [] }
        return output.readBytes(length: output.readableBytes)
    }
}
