import HummingbirdCore
import Logging
import NIOCore
import NIOSSL

/// Hummingbird's `TLSChannel` with the context taken from a holder at each new connection, so
/// a renewed certificate is served without a restart.
struct ReloadingTLSChannel<BaseChannel: ServerChildChannel>: ServerChildChannel {
    typealias Value = BaseChannel.Value

    let baseChannel: BaseChannel
    let holder: TLSContextHolder

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let context = holder.context
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
        }.flatMap {
            self.baseChannel.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: BaseChannel.Value, logger: Logger) async {
        await baseChannel.handle(value: value, logger: logger)
    }
}

extension ServerChildChannel {
    func withReloadingTLS(_ holder: TLSContextHolder) -> any ServerChildChannel {
        ReloadingTLSChannel(baseChannel: self, holder: holder)
    }
}

extension HTTPServerBuilder {
    /// A connection idle this long is closed: a client that stops sending holds nothing for
    /// long. The API server reconnects as needed.
    static let idleTimeout = TimeAmount.seconds(120)

    /// HTTP/1.1 over TLS whose certificate follows its files; with `reviews`, `POST /authorize`
    /// is answered on the event loop (`AuthorizeOnEventLoop`).
    static func reloadingTLS(_ holder: TLSContextHolder, reviews: (@Sendable () -> AuthorizeOnEventLoop)? = nil) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            http1(responder, reviews: reviews).withReloadingTLS(holder)
        }
    }

    /// Plain HTTP/1.1 (`--insecure-http`).
    static func plainHTTP(reviews: (@Sendable () -> AuthorizeOnEventLoop)? = nil) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in http1(responder, reviews: reviews) }
    }

    private static func http1(_ responder: @escaping HTTPChannelHandler.Responder,
                              reviews: (@Sendable () -> AuthorizeOnEventLoop)?) -> any ServerChildChannel {
        let channel = HTTP1Channel(responder: responder, configuration: .init(idleTimeout: idleTimeout))
        guard let reviews else { return channel }
        return AuthorizeOnEventLoopChannel(baseChannel: channel, makeHandler: reviews)
    }
}
