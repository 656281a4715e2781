import TestPKI
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import TestSupport

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
        /// A body sent chunk by chunk as the test yields them (a watch), chunked, and ended when
        /// the test finishes the stream; `body` is then unused.
        var stream: AsyncStream<String>? = nil
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
                if let stream = r.stream {
                    // No Content-Length: NIO sends the body chunked, as the API server sends a watch.
                    var headers = HTTPHeaders([("Content-Type", "application/json")])
                    for (k, v) in r.headers { headers.add(name: k, value: v) }
                    context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: r.status), headers: headers))), promise: nil)
                    let channel = context.channel
                    Task {
                        for await chunk in stream {
                            try? await channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(string: chunk))))
                        }
                        try? await channel.writeAndFlush(HTTPServerResponsePart.end(nil))
                    }
                    return
                }
                var headers = HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", String(r.body.utf8.count))])
                for (k, v) in r.headers { headers.add(name: k, value: v) }
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: r.status), headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: r.body)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
