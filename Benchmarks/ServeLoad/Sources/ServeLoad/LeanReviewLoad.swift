import Foundation
import Histogram
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

/// The lean client for `POST /authorize`: plain SwiftNIO and NIOSSL, no HTTP client library.
/// AsyncHTTPClient's machinery per request (a task, a request object, header validation, the
/// pool's state machine, a deadline timer) cost the generator about as much CPU as the server
/// on two shared cores; here a request is one pre-encoded buffer written to an idle keep-alive
/// connection, and a response a few bytes searched for.
///
/// The schedule is open loop and fixed: request i is due at start + i / rate. Each event-loop
/// thread takes every `threads`-th request and owns its share of the connections; a timer wakes
/// it when the next request is due. A due request goes to an idle connection (the most recently
/// used, as Go's transport picks one); when none is idle it waits in line, and the wait counts,
/// because latency runs from when the request was due (no coordinated omission). Requests are
/// not pipelined, as the API server's Go client does not pipeline either. A request still in
/// line `deadline` after it was due is given up ("deadline"); one sent and not answered by then
/// fails as "timeout" and its connection is closed and opened again, as a caller with a
/// timeout does. An answer counts only if it is a 200 carrying a SubjectAccessReview with a
/// status; any other is a failure by kind (`status:N`, `not-a-review`).
enum LeanReviewLoad {
    struct Target {
        var host: String
        var port: Int
        var path: String
    }

    /// What one event loop measured; summed at the end.
    struct Tally {
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        var failures: [String: Int] = [:]
        var denied = 0
        var finished: UInt64 = 0
        /// Answers slower than 1 ms: when they were due (after the start) and their latency, in ns.
        var slow: [(due: UInt64, latency: UInt64)] = []

        mutating func add(_ other: Tally) {
            slow += other.slow
            histogram.add(other.histogram)
            for (k, v) in other.failures { failures[k, default: 0] += v }
            denied += other.denied
            finished = max(finished, other.finished)
        }
    }

    static func run(target: Target, body: [UInt8], tls: TLSConfiguration, rate: Int, seconds: Int, connections: Int, threads: Int,
                    deadlineMilliseconds: Int) async throws -> (Tally, seconds: Double) {
        let context = try NIOSSLContext(configuration: tls)
        var head = "POST \(target.path) HTTP/1.1\r\nHost: \(target.host):\(target.port)\r\n"
        head += "Content-Type: application/json\r\nAccept: application/json, */*\r\nContent-Length: \(body.count)\r\n\r\n"
        var request = ByteBuffer(string: head)
        request.writeBytes(body)

        let threads = max(1, min(threads, connections))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let loops = Array(group.makeIterator())
        let total = rate * seconds
        var workers: [Worker] = []
        for (k, loop) in loops.enumerated() {
            let share = connections / threads + (k < connections % threads ? 1 : 0)
            workers.append(Worker(loop: loop, first: k, stride: threads, total: total, rate: rate, deadline: UInt64(deadlineMilliseconds) * 1_000_000,
                                  request: request, target: target, context: context, connections: share))
        }
        for worker in workers { try await worker.connectAll().get() }
        let start = NIODeadline.now().uptimeNanoseconds + 200_000_000
        var tally = Tally()
        for done in workers.map({ $0.begin(at: start) }) { tally.add(try await done.get()) }
        try await group.shutdownGracefully()
        return (tally, Double(tally.finished - start) / 1e9)
    }

    /// One event loop's requests and connections; touched only on that loop.
    final class Worker: @unchecked Sendable {
        let loop: any EventLoop
        let first: Int, stride: Int, total: Int, rate: Int
        let deadline: UInt64
        let request: ByteBuffer
        let target: Target
        let context: NIOSSLContext
        let connectionCount: Int

        var start: UInt64 = 0
        var next: Int
        /// Due times of requests waiting for a connection, oldest first (`waitingHead` onwards).
        var waiting: [UInt64] = []
        var waitingHead = 0
        var idle: [Connection] = []
        var all: [Connection] = []
        var inFlight = 0
        var tally = Tally()
        var timer: Scheduled<Void>?
        var timeoutSweep: RepeatedTask?
        var done: EventLoopPromise<Tally>?

        init(loop: any EventLoop, first: Int, stride: Int, total: Int, rate: Int, deadline: UInt64, request: ByteBuffer, target: Target,
             context: NIOSSLContext, connections: Int) {
            self.loop = loop
            self.first = first
            self.next = first
            self.stride = stride
            self.total = total
            self.rate = rate
            self.deadline = deadline
            self.request = request
            self.target = target
            self.context = context
            self.connectionCount = connections
        }

        func due(_ i: Int) -> UInt64 { start + UInt64(i) * 1_000_000_000 / UInt64(rate) }

        func connectAll() -> EventLoopFuture<Void> {
            loop.flatSubmit {
                let opened = (0..<self.connectionCount).map { _ in self.open() }
                return EventLoopFuture.andAllSucceed(opened, on: self.loop)
            }
        }

        /// A new keep-alive TLS connection, idle once the handshake is done.
        @discardableResult
        func open() -> EventLoopFuture<Void> {
            let connection = Connection(worker: self)
            let context = self.context, target = self.target
            return ClientBootstrap(group: loop)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                // A whole answer (about 750 bytes with TLS) in one read: the adaptive allocator
                // shrinks its buffer to 512 bytes on small reads, and every answer then took two.
                .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 8192))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        // No SNI for an IP address; NIOSSL then checks the certificate against the peer's address.
                        let hostname = target.host.first?.isNumber == true ? nil : target.host
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: hostname))
                        try channel.pipeline.syncOperations.addHandler(connection)
                    }
                }
                .connect(host: target.host, port: target.port)
                .flatMap { channel in
                    channel.pipeline.handler(type: NIOSSLClientHandler.self).flatMap { _ in connection.handshaken.futureResult }
                }
                .map { [self] in
                    all.append(connection)
                    idle.append(connection)
                    dispatch(now: NIODeadline.now().uptimeNanoseconds)
                }
        }

        func begin(at start: UInt64) -> EventLoopFuture<Tally> {
            loop.flatSubmit { [self] in
                self.start = start
                let promise = loop.makePromise(of: Tally.self)
                done = promise
                timeoutSweep = loop.scheduleRepeatedTask(initialDelay: .milliseconds(10), delay: .milliseconds(10)) { [self] _ in sweep() }
                arm()
                return promise.futureResult
            }
        }

        /// Wakes the loop when the next request is due.
        func arm() {
            guard next < total else { return }
            timer = loop.scheduleTask(deadline: NIODeadline.uptimeNanoseconds(due(next))) { [self] in tick() }
        }

        func tick() {
            let now = NIODeadline.now().uptimeNanoseconds
            while next < total, due(next) <= now {
                waiting.append(due(next))
                next += stride
            }
            dispatch(now: now)
            arm()
        }

        /// Sends waiting requests on idle connections; gives up those waiting past the deadline.
        func dispatch(now: UInt64) {
            while waitingHead < waiting.count {
                let due = waiting[waitingHead]
                if now > due + deadline {
                    waitingHead += 1
                    fail("deadline", latency: now - due)
                    continue
                }
                guard let connection = idle.popLast() else { break }
                waitingHead += 1
                connection.send(request, due: due)
                inFlight += 1
            }
            if waitingHead > 4096, waitingHead * 2 > waiting.count {
                waiting.removeFirst(waitingHead)
                waitingHead = 0
            }
            finishIfDone()
        }

        /// Requests sent and not answered within the deadline of when they were due.
        func sweep() {
            let now = NIODeadline.now().uptimeNanoseconds
            for connection in all {
                if let due = connection.due, now > due + deadline { connection.abandon("timeout", now: now) }
            }
            dispatch(now: now)
        }

        func answered(_ connection: Connection, due: UInt64, failure: String?, denied: Bool, reusable: Bool) {
            let now = NIODeadline.now().uptimeNanoseconds
            inFlight -= 1
            if let failure { fail(failure, latency: now - due) } else {
                _ = tally.histogram.record((now - due) / 1000)
                if now - due > 1_000_000 { tally.slow.append((due - start, now - due)) }
                if denied { tally.denied += 1 }
            }
            if reusable { idle.append(connection) }
            dispatch(now: now)
        }

        func fail(_ kind: String, latency: UInt64) {
            tally.failures[kind, default: 0] += 1
            _ = tally.histogram.record(latency / 1000)
        }

        /// A connection closed: it is replaced (while there is work left).
        func closed(_ connection: Connection) {
            idle.removeAll { $0 === connection }
            all.removeAll { $0 === connection }
            if done != nil, next < total || waitingHead < waiting.count { open().whenFailure { _ in } }
            finishIfDone()
        }

        func finishIfDone() {
            guard let promise = done, next >= total, waitingHead == waiting.count, inFlight == 0 else { return }
            done = nil
            tally.finished = NIODeadline.now().uptimeNanoseconds
            timer?.cancel()
            timeoutSweep?.cancel()
            for connection in all { connection.channel?.close(promise: nil) }
            promise.succeed(tally)
        }
    }

    /// One keep-alive connection: at most one request in flight.
    final class Connection: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        unowned let worker: Worker
        var channel: (any Channel)?
        var reader = HTTPResponseReader()
        /// When the request in flight was due; nil when idle.
        var due: UInt64?
        var lastError: String?
        let handshaken: EventLoopPromise<Void>
        var handshakeSettled = false

        init(worker: Worker) {
            self.worker = worker
            self.handshaken = worker.loop.makePromise()
        }

        static let kind = Array(#""kind":"SubjectAccessReview""#.utf8)
        static let status = Array(#""status":{"allowed":"#.utf8)
        static let denied = Array(#""denied":true"#.utf8)

        func send(_ request: ByteBuffer, due: UInt64) {
            self.due = due
            channel?.writeAndFlush(request, promise: nil)
        }

        /// Gives up the request in flight and closes the connection.
        func abandon(_ kind: String, now: UInt64) {
            guard let due else { return }
            self.due = nil
            worker.answered(self, due: due, failure: kind, denied: false, reusable: false)
            channel?.close(promise: nil)
        }

        func handlerAdded(context: ChannelHandlerContext) { channel = context.channel }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if let tls = event as? TLSUserEvent, case .handshakeCompleted = tls, !handshakeSettled {
                handshakeSettled = true
                handshaken.succeed()
            }
            context.fireUserInboundEventTriggered(event)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var bytes = unwrapInboundIn(data)
            let responses: [HTTPResponseReader.Response]
            do { responses = try reader.read(&bytes) } catch {
                lastError = "malformed-response"
                context.close(promise: nil)
                return
            }
            for response in responses {
                guard let due else { lastError = "unrequested-response"; context.close(promise: nil); return }
                self.due = nil
                let failure: String? = response.status != 200 ? "status:\(response.status)"
                    : HTTPResponseReader.contains(Self.kind, in: response.body) && HTTPResponseReader.contains(Self.status, in: response.body) ? nil
                    : "not-a-review"
                worker.answered(self, due: due, failure: failure, denied: failure == nil && HTTPResponseReader.contains(Self.denied, in: response.body),
                                reusable: !response.close)
                if response.close { context.close(promise: nil) }
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            // A peer that closes without a TLS close_notify has closed the connection, as AsyncHTTPClient counts it.
            if case .uncleanShutdown? = error as? NIOSSLError { lastError = "connection" } else {
                lastError = error is NIOSSLError || error is BoringSSLError ? "tls" : "connection"
            }
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            if !handshakeSettled {
                handshakeSettled = true
                handshaken.fail(ChannelError.ioOnClosedChannel)
            }
            if let due {
                self.due = nil
                worker.answered(self, due: due, failure: lastError ?? "connection", denied: false, reusable: false)
            }
            worker.closed(self)
        }
    }
}
