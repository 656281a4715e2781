import Foundation
import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// `POST /authorize` answered on the connection's event loop, ahead of Hummingbird's router:
/// a review is a few microseconds of work, and handing it to the cooperative pool and back cost
/// more than that in thread hand-offs, most of all in the 1 % tail on a small machine. Every
/// other request, and a review the fast path does not take (no Content-Length, one over the
/// body limit, `Expect`, `Connection: close`), goes on to the router as before; so does any
/// request while one before it on the connection is still with the router, which keeps HTTP/1.1
/// responses in request order.
///
/// It sits behind Hummingbird's `HTTPConnectionStateHandler`, which so sees every request and
/// response as before: idle timeouts and the graceful close on shutdown are unchanged.
final class AuthorizeOnEventLoop: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let endpoint: ReviewEndpoint
    private let serverName: String
    /// The body of the review being read here; nil when no review is being read here.
    private var body: ByteBuffer?
    /// Requests passed on to the router and not yet answered.
    private var passedOn = 0
    private var date = HTTPDate()

    init(endpoint: ReviewEndpoint, serverName: String) {
        self.endpoint = endpoint
        self.serverName = serverName
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            if passedOn == 0, let length = takes(head) {
                body = context.channel.allocator.buffer(capacity: length)
                return
            }
            passedOn += 1
            context.fireChannelRead(data)
        case .body(var chunk):
            guard body != nil else { return context.fireChannelRead(data) }
            body!.writeBuffer(&chunk)
        case .end:
            guard let review = body else { return context.fireChannelRead(data) }
            body = nil
            respond(context, endpoint.admitAndAnswer(review))
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Only the router's responses come through here: this handler's own go out from its context.
        if case .end = unwrapOutboundIn(data) { passedOn = max(0, passedOn - 1) }
        context.write(data, promise: promise)
    }

    /// The declared body length when the fast path takes the request.
    private func takes(_ head: HTTPRequest) -> Int? {
        guard head.method == .post, let path = head.path, path == "/authorize" || path.hasPrefix("/authorize?"),
              let length = head.headerFields[.contentLength].flatMap({ Int($0) }), length <= endpoint.bodyLimit,
              head.headerFields[.transferEncoding] == nil, head.headerFields[.expect] == nil,
              head.headerFields[.connection]?.lowercased() != "close" else { return nil }
        return length
    }

    private func respond(_ context: ChannelHandlerContext, _ answer: WebhookAnswer) {
        var fields: HTTPFields = [.contentType: "application/json", .contentLength: String(answer.body.count)]
        if let retryAfter = answer.retryAfter { fields[.retryAfter] = String(retryAfter) }
        fields[.date] = date.now()
        fields[.server] = serverName
        context.write(wrapOutboundOut(.head(HTTPResponse(status: .init(code: answer.status), headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: answer.body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}

/// Puts `AuthorizeOnEventLoop` into each connection's pipeline once Hummingbird's HTTP/1.1
/// channel has set it up, right behind its connection state handler.
struct AuthorizeOnEventLoopChannel<BaseChannel: ServerChildChannel>: ServerChildChannel {
    typealias Value = BaseChannel.Value

    let baseChannel: BaseChannel
    let makeHandler: @Sendable () -> AuthorizeOnEventLoop

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        baseChannel.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let operations = channel.pipeline.syncOperations
            let state = try operations.handler(type: HTTPConnectionStateHandler.self)
            try operations.addHandler(makeHandler(), position: .after(state))
            return value
        }
    }

    func handle(value: BaseChannel.Value, logger: Logger) async {
        await baseChannel.handle(value: value, logger: logger)
    }
}
