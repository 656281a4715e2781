import Foundation
import NIOCore

/// HTTP/1.1 responses read off the bytes of one keep-alive connection, just enough of the
/// protocol for the lean client: the status line, `Content-Length` or `Transfer-Encoding:
/// chunked` (Hummingbird sends a `Content-Length` for a body it has whole, but a chunked
/// answer must not be misread), and `Connection: close`. Bytes may arrive split anywhere; a
/// response is handed out only when its body is complete.
struct HTTPResponseReader {
    struct Response {
        var status: Int
        var body: [UInt8]
        var close: Bool
    }

    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    private var pending = ByteBuffer()

    /// Adds bytes from the connection; returns the responses they complete, in order.
    mutating func read(_ bytes: inout ByteBuffer) throws(Malformed) -> [Response] {
        if pending.readableBytes == 0 { swap(&pending, &bytes) } else { pending.writeBuffer(&bytes) }
        var responses: [Response] = []
        while pending.readableBytes > 0 {
            let parsed = try pending.withUnsafeReadableBytes { raw throws(Malformed) in try Self.parse(raw) }
            guard let (response, consumed) = parsed else { break }
            pending.moveReaderIndex(forwardBy: consumed)
            responses.append(response)
        }
        if pending.readableBytes == 0 { pending.clear() }
        return responses
    }

    /// One whole response at the start of `raw` and the bytes it takes, or nil when more are needed.
    static func parse(_ raw: UnsafeRawBufferPointer) throws(Malformed) -> (Response, Int)? {
        guard let headerEnd = index(of: crlfcrlf, in: raw, from: 0) else {
            if raw.count > 64 * 1024 { throw Malformed(description: "no end of headers in 64 KB") }
            return nil
        }
        // "HTTP/1.1 200 OK"
        guard headerEnd >= 12, raw.starts(with: "HTTP/1.".utf8), raw[8] == UInt8(ascii: " "),
              let status = Int(String(decoding: UnsafeRawBufferPointer(rebasing: raw[9..<12]), as: UTF8.self)) else {
            throw Malformed(description: "not an HTTP/1.x status line")
        }
        var contentLength: Int?
        var chunked = false, close = false
        var line = (index(of: crlf, in: raw, from: 0) ?? headerEnd) + 2
        while line < headerEnd {
            let end = index(of: crlf, in: raw, from: line) ?? headerEnd
            let header = UnsafeRawBufferPointer(rebasing: raw[line..<end])
            // Byte by byte: Foundation's trimming and lowercasing cost the client a tenth of its CPU.
            if let colon = header.firstIndex(of: UInt8(ascii: ":")) {
                var from = colon + 1, to = header.count
                while from < to, header[from] == UInt8(ascii: " ") || header[from] == UInt8(ascii: "\t") { from += 1 }
                while to > from, header[to - 1] == UInt8(ascii: " ") || header[to - 1] == UInt8(ascii: "\t") { to -= 1 }
                let value = UnsafeRawBufferPointer(rebasing: header[from..<to])
                let name = UnsafeRawBufferPointer(rebasing: header[..<colon])
                if Self.equalsLowercased(name, Self.contentLengthName) {
                    guard !value.isEmpty, value.count < 19, value.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                        throw Malformed(description: "Content-Length \(String(decoding: value, as: UTF8.self))")
                    }
                    contentLength = value.reduce(0) { $0 * 10 + Int($1 - 48) }
                } else if Self.equalsLowercased(name, Self.transferEncodingName) {
                    chunked = Self.containsLowercased(value, Self.chunkedToken)
                } else if Self.equalsLowercased(name, Self.connectionName) {
                    close = Self.containsLowercased(value, Self.closeToken)
                }
            }
            line = end + 2
        }
        let bodyStart = headerEnd + 4
        if chunked {
            var body: [UInt8] = []
            var at = bodyStart
            while true {
                guard let sizeEnd = index(of: crlf, in: raw, from: at) else { return nil }
                let sizeText = String(decoding: UnsafeRawBufferPointer(rebasing: raw[at..<sizeEnd]), as: UTF8.self)
                guard let size = Int(sizeText.split(separator: ";").first.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? "", radix: 16) else {
                    throw Malformed(description: "chunk size \(sizeText)")
                }
                at = sizeEnd + 2
                if size == 0 {
                    // Trailers, if any, end with an empty line.
                    guard let trailersEnd = index(of: crlf, in: raw, from: at) else { return nil }
                    if trailersEnd == at { return (Response(status: status, body: body, close: close), at + 2) }
                    guard let end = index(of: crlfcrlf, in: raw, from: at) else { return nil }
                    return (Response(status: status, body: body, close: close), end + 4)
                }
                guard raw.count >= at + size + 2 else { return nil }
                body.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[at..<at + size]))
                at += size + 2
            }
        }
        let length = contentLength ?? 0
        guard raw.count >= bodyStart + length else { return nil }
        return (Response(status: status, body: Array(UnsafeRawBufferPointer(rebasing: raw[bodyStart..<bodyStart + length])), close: close),
                bodyStart + length)
    }

    static let contentLengthName = Array("content-length".utf8)
    static let transferEncodingName = Array("transfer-encoding".utf8)
    static let connectionName = Array("connection".utf8)
    static let chunkedToken = Array("chunked".utf8)
    static let closeToken = Array("close".utf8)

    static func lower(_ b: UInt8) -> UInt8 { b >= 65 && b <= 90 ? b + 32 : b }

    static func equalsLowercased(_ bytes: UnsafeRawBufferPointer, _ lowercase: [UInt8]) -> Bool {
        bytes.count == lowercase.count && zip(bytes, lowercase).allSatisfy { lower($0) == $1 }
    }

    static func containsLowercased(_ bytes: UnsafeRawBufferPointer, _ lowercase: [UInt8]) -> Bool {
        guard bytes.count >= lowercase.count else { return false }
        return (0...(bytes.count - lowercase.count)).contains { i in
            lowercase.indices.allSatisfy { lower(bytes[i + $0]) == lowercase[$0] }
        }
    }

    static let crlf = Array("\r\n".utf8)
    static let crlfcrlf = Array("\r\n\r\n".utf8)

    static func index(of needle: [UInt8], in raw: UnsafeRawBufferPointer, from: Int) -> Int? {
        guard let first = needle.first, raw.count >= needle.count else { return nil }
        var i = from
        while i <= raw.count - needle.count {
            if raw[i] == first {
                var j = 1
                while j < needle.count, raw[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    /// Whether `bytes` contain `needle`.
    static func contains(_ needle: [UInt8], in bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { index(of: needle, in: $0, from: 0) != nil }
    }
}
