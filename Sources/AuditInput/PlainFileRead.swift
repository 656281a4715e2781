import Foundation

/// pread(2) of a range that must be there: the file was that long when the read began.
enum PlainFileRead {
    static func exactly(_ fd: Int32, path: String, into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int) throws(LineChunkReader.ReadError) {
        var done = 0
        while done < count {
            let n = pread(fd, buffer + done, count - done, off_t(offset + done))
            if n > 0 { done += n; continue }
            if n < 0 && errno == EINTR { continue }
            if n == 0 {
                throw LineChunkReader.ReadError(description: "\(path): the file became shorter while it was read (at byte \(offset + done))")
            }
            throw LineChunkReader.ReadError(description: "\(path): read failed (\(String(cString: strerror(errno))))")
        }
    }
}
