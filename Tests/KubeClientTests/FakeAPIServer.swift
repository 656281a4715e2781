import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import TestSupport

/// A test CA, a server certificate for 127.0.0.1 and a client certificate, made with the
/// openssl command for each test run.
struct TestPKI {
    let dir: URL
    var caCert: String { dir.appendingPathComponent("ca.crt").path }
    var serverCert: String { dir.appendingPathComponent("server.crt").path }
    var serverKey: String { dir.appendingPathComponent("server.key").path }
    var clientCert: String { dir.appendingPathComponent("client.crt").path }
    var clientKey: String { dir.appendingPathComponent("client.key").path }

    /// `serverNames`: the server certificate's subjectAltName entries.
    static func make(serverNames: String = "IP:127.0.0.1,DNS:localhost") throws -> TestPKI {
        let dir = Fixtures.temporaryDirectory()
        let script = """
        set -e
        cd '\(dir.path)'
        openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=test-ca >/dev/null 2>&1
        openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=kube-apiserver >/dev/null 2>&1
        printf 'subjectAltName=\(serverNames)\\nextendedKeyUsage=serverAuth\\n' > server.ext
        openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile server.ext >/dev/null 2>&1
        openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj '/O=system:masters/CN=admin' >/dev/null 2>&1
        printf 'extendedKeyUsage=clientAuth\\n' > client.ext
        openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out client.crt -days 2 -extfile client.ext >/dev/null 2>&1
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", script]
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw NSError(domain: "openssl", code: Int(p.terminationStatus)) }
        return TestPKI(dir: dir)
    }
}

/// An HTTPS server on 127.0.0.1 answering like a kube-apiserver from a handler, recording
/// every request it saw.
final class FakeAPIServer: @unchecked Sendable {
    struct Request: Sendable {
        let method: String
        let uri: String
        let headers: [(String, String)]
        var body = ""
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }
    struct Response: Sendable {
        var status: Int
        var body: String
        var headers: [(String, String)] = []
    }

    let channel: Channel
    let handler: @Sendable (Request) -> Response
    private let lock = NSLock()
    private var seen: [Request] = []
    var requests: [Request] { lock.lock(); defer { lock.unlock() }; return seen }
    var port: Int { channel.localAddress!.port! }
    var url: String { "https://127.0.0.1:\(port)" }

    init(pki: TestPKI, requireClientCertificate: Bool = false, handler: @escaping @Sendable (Request) -> Response) throws {
        self.handler = handler
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(pki.serverCert).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: pki.serverKey, format: .pem)))
        if requireClientCertificate {
            tls.certificateVerification = .noHostnameVerification
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(pki.caCert))
        }
        let context = try NIOSSLContext(configuration: tls)
        let box = Box()
        channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(HTTPHandler(server: box))
                }
            }
            .bind(host: "127.0.0.1", port: 0).wait()
        box.server = self
    }

    func stop() { try? channel.close().wait() }

    func record(_ r: Request) -> Response {
        lock.lock(); seen.append(r); lock.unlock()
        return handler(r)
    }

    final class Box: @unchecked Sendable { weak var server: FakeAPIServer? }

    final class HTTPHandler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let server: Box
        var head: HTTPRequestHead?
        var body = ByteBuffer()
        init(server: Box) { self.server = server }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let h): head = h; body = ByteBuffer()
            case .body(var chunk): body.writeBuffer(&chunk)
            case .end:
                guard let h = head, let server = server.server else { return }
                let r = server.record(Request(method: h.method.rawValue, uri: h.uri, headers: h.headers.map { ($0.name, $0.value) },
                                                   body: String(buffer: body)))
                var headers = HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", String(r.body.utf8.count))])
                for (k, v) in r.headers { headers.add(name: k, value: v) }
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: r.status), headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: r.body)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
