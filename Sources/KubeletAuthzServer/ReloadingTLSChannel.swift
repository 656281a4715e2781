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

    /// HTTP/1.1 over TLS whose certificate follows its files.
    static func reloadingTLS(_ holder: TLSContextHolder) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            HTTP1Channel(responder: responder, configuration: .init(idleTimeout: idleTimeout)).withReloadingTLS(holder)
        }
    }

    /// Plain HTTP/1.1 (`--insecure-http`).
    static var plainHTTP: HTTPServerBuilder { .http1(configuration: .init(idleTimeout: idleTimeout)) }
}
