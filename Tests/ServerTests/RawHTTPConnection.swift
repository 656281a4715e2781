import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One plain HTTP/1.1 connection to 127.0.0.1 on a blocking socket, written and read byte for
/// byte: what a client library does not let a test do (pipelined requests, a chunked body,
/// the exact response headers). Reads time out after 10 s, so a missing answer fails the test.
/// Blocking calls run on a thread of their own (`onOwnThread`): blocking one of the cooperative
/// pool's few threads could starve the server's own handlers in the same process.
final class RawHTTPConnection: @unchecked Sendable {
    struct Response {
        let status: Int
        let headers: [(name: String, value: String)]
        let body: Data
        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
    }

    struct Failure: Error, CustomStringConvertible { let description: String }

    private let fd: Int32
    private var buffer = Data()

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(fd); throw Failure(description: "connect: \(errno)") }
    }

    deinit { close(fd) }

    /// A POST as the API server's client sends it, with `Content-Length` unless `chunked`.
    static func post(_ path: String, _ body: Data, chunked: Bool = false, extraHeaders: [String] = []) -> Data {
        var head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: application/json, */*\r\n"
        head += chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: \(body.count)\r\n"
        for h in extraHeaders { head += h + "\r\n" }
        var out = Data((head + "\r\n").utf8)
        if chunked {
            // Two chunks, so that the body really arrives in parts.
            let half = body.count / 2
            for part in [body.prefix(half), body.dropFirst(half)] where !part.isEmpty {
                out += Data((String(part.count, radix: 16) + "\r\n").utf8) + part + Data("\r\n".utf8)
            }
            out += Data("0\r\n\r\n".utf8)
        } else {
            out += body
        }
        return out
    }

    func send(_ bytes: Data) async throws { try await Self.onOwnThread { try self.sendNow(bytes) } }

    func response() async throws -> Response { try await Self.onOwnThread { try self.responseNow() } }

    func isClosedByServer() async -> Bool { (try? await Self.onOwnThread { self.isClosedNow() }) ?? false }

    private static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    private func sendNow(_ bytes: Data) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + sent, bytes.count - sent) }
            guard n > 0 else { throw Failure(description: "write: \(errno)") }
            sent += n
        }
    }

    /// The next response (Content-Length or chunked body).
    private func responseNow() throws -> Response {
        let headEnd = try readUntil(Data("\r\n\r\n".utf8))
        let head = String(decoding: buffer.prefix(headEnd), as: UTF8.self)
        buffer.removeFirst(headEnd + 4)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw Failure(description: "status line: \(head)") }
        let headers = lines.map { line -> (name: String, value: String) in
            let colon = line.firstIndex(of: ":")!
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let response = { (body: Data) in Response(status: status, headers: headers, body: body) }
        if let length = headers.first(where: { $0.name.lowercased() == "content-length" }).flatMap({ Int($0.value) }) {
            try fill(length)
            defer { buffer.removeFirst(length) }
            return response(Data(buffer.prefix(length)))
        }
        var body = Data()
        while true {
            let end = try readUntil(Data("\r\n".utf8))
            let size = Int(String(decoding: buffer.prefix(end), as: UTF8.self), radix: 16) ?? 0
            buffer.removeFirst(end + 2)
            try fill(size + 2)
            body += buffer.prefix(size)
            buffer.removeFirst(size + 2)
            if size == 0 { return response(body) }
        }
    }

    /// True when the server closed the connection (a read gives end of file).
    private func isClosedNow() -> Bool {
        var byte: UInt8 = 0
        return buffer.isEmpty && read(fd, &byte, 1) == 0
    }

    private func readUntil(_ marker: Data) throws -> Int {
        while true {
            if let r = buffer.range(of: marker) { return r.lowerBound - buffer.startIndex }
            try readMore()
        }
    }

    private func fill(_ count: Int) throws {
        while buffer.count < count { try readMore() }
    }

    private func readMore() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = read(fd, &chunk, chunk.count)
        guard n > 0 else { throw Failure(description: n == 0 ? "the server closed the connection" : "read: \(errno) (timed out?)") }
        buffer += chunk[0..<n]
    }
}
