import CByteSearch
import Foundation

/// The blocks a one-thread read of a plain file hands to the scanner, found without reading
/// the file through: `LineChunkReader` reads `blockSize` bytes at a time from where it starts
/// (the first read, after a peek at the file's head, may span two) and ends each block just
/// after the last newline read so far. Cutting the file at the same places lets several
/// threads scan its blocks at once while the batches, and so the checkpoints committed
/// between them, stay those of the one-thread read.
///
/// The plan stops before a window of `blockSize` bytes that holds no newline, or after which
/// more than a block would be left pending (a line longer than a block, which the reader grows
/// its buffer for or skips, reading less than a block at a time), and before a last line
/// without its newline. The one-thread read takes the file on from there, placed where it
/// would stand (`LineChunkReader.skip(to:pendingUpTo:)`), so it reads the same blocks on.
struct LineBlockPlan: Equatable {
    /// Each block's end (exclusive), just after a newline, in file order; the first block
    /// starts at `start`.
    let start: Int
    let ends: [Int]
    /// Where the one-thread read would have read to after the last block: the bytes from the
    /// last end to here are its pending partial line.
    let read: Int

    var end: Int { ends.last ?? start }

    /// The blocks as ranges of the file.
    var blocks: [Range<Int>] { zip([start] + ends.dropLast(), ends).map { $0..<$1 } }

    /// - Parameters:
    ///   - firstReads: blocks the reader's first read spans (two when a peek at the head,
    ///     which wants 64 KiB, took two reads of a smaller block).
    ///   - lastNewline: the offset of the last newline in a range of the file, or nil.
    static func plan(start: Int, size: Int, blockSize: Int, firstReads: Int,
                     lastNewline: (Range<Int>) throws(LineChunkReader.ReadError) -> Int?) throws(LineChunkReader.ReadError) -> LineBlockPlan {
        var ends: [Int] = []
        var last = start
        var readTo = start
        var read = start + firstReads * blockSize
        while last < size {
            let window = last..<min(read, size)
            guard let newline = try lastNewline(window), window.upperBound == size || window.upperBound - (newline + 1) <= blockSize else { break }
            ends.append(newline + 1)
            last = newline + 1
            readTo = window.upperBound
            if window.upperBound == size { break }
            read += blockSize
        }
        return LineBlockPlan(start: start, ends: ends, read: readTo)
    }

    /// The plan for a file open as `fd`, its newlines found by reading back from each cut.
    static func plan(fd: Int32, path: String, start: Int, size: Int, blockSize: Int, firstReads: Int) throws(LineChunkReader.ReadError) -> LineBlockPlan {
        let step = 64 << 10
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: step, alignment: 64)
        defer { buffer.deallocate() }
        return try plan(start: start, size: size, blockSize: blockSize, firstReads: firstReads) { window throws(LineChunkReader.ReadError) in
            var upper = window.upperBound
            while upper > window.lowerBound {
                let from = max(window.lowerBound, upper - step)
                try PlainFileRead.exactly(fd, path: path, into: buffer, count: upper - from, at: from)
                if let nl = ka_memrchr(buffer, 0x0A, upper - from) { return from + buffer.distance(to: nl) }
                upper = from
            }
            return nil
        }
    }
}
