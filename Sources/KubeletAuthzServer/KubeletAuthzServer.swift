import Evidence
import Foundation
import Governance
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization
import UnixSignals

/// `kubelet-authz serve`: the authorization webhook (`POST /authorize`), the audit webhook
/// (`POST /audit`), `/metrics`, `/healthz` and `/readyz` on one listener, and the dashboard on
/// its own, run as one swift-service-lifecycle group: SIGTERM drains the requests in flight
/// and flushes the decisions, SIGHUP reloads the policy.
public final class KubeletAuthzServer: Sendable {
    /// Builds the policy for the day given (reviews are dated by it).
    public typealias PolicyLoad = @Sendable (Day) async throws -> (policy: KubeletEnforcementPolicy, scan: ScanReport?)
    public typealias DashboardRenderer = @Sendable (DashboardView) async -> String

    public enum Listener: Sendable { case webhook, dashboard, health }

    public let configuration: ServerConfiguration
    public let policy = PolicyState()
    public let metrics = ServerMetrics()
    let aggregator = DecisionAggregator()
    let store: StoreAccess
    let load: PolicyLoad
    /// A live cluster kept current by watches; nil: the policy changes only on SIGHUP.
    let watch: PolicyWatch?
    let tls: TLSContextHolder?
    /// The dashboard's TLS context when it requires client certificates (`DashboardAccess`).
    let dashboardTLS: TLSContextHolder?
    let dashboard: DashboardRenderer
    let logger: Logger
    private let group = Mutex<ServiceGroup?>(nil)
    private let loads = PolicyLoadQueue()

    /// - Parameter watch: a live cluster's watches: the first policy comes from their first
    ///   list and is rebuilt as they report changes; `load` (a full read) serves SIGHUP.
    public init(configuration: ServerConfiguration, store: StoreAccess, load: @escaping PolicyLoad, watch: PolicyWatch? = nil,
                dashboard: @escaping DashboardRenderer = { DashboardView.plainPage($0) },
                logger: Logger = Logger(label: "kubelet-authz")) throws(TLSContextHolder.LoadError) {
        self.configuration = configuration
        self.store = store
        self.load = load
        self.watch = watch
        self.dashboard = dashboard
        self.logger = logger
        tls = try configuration.tls.map { files throws(TLSContextHolder.LoadError) in try TLSContextHolder(files: files) }
        let access: DashboardAccess?
        do { access = try DashboardAccess.decide(configuration) } catch { throw TLSContextHolder.LoadError(description: error.description) }
        dashboardTLS = try access?.tls(configuration).map { files throws(TLSContextHolder.LoadError) in try TLSContextHolder(files: files) }
    }

    /// Loads the policy and installs it whole; on failure the previous policy stays and the
    /// error is returned (and counted).
    @discardableResult
    public func reload() async -> (any Error)? {
        await reload(using: load)
    }

    /// Builds the policy with `build` and installs it whole, as `reload` does, after any load
    /// asked for before it (`PolicyLoadQueue`).
    @discardableResult
    func reload(using build: @escaping PolicyLoad) async -> (any Error)? {
        await loads.run { [self] in await load(using: build) }
    }

    private func load(using build: PolicyLoad) async -> (any Error)? {
        let now = configuration.clock()
        do {
            let (enforcement, scan) = try await build(UTCDay.day(epochSeconds: now))
            let generation = policy.install(enforcement, scan: scan, at: now)
            metrics.policyReloads.increment()
            logger.info("policy \(generation) loaded from \(enforcement.source): \(enforcement.records.count) governance records")
            return nil
        } catch {
            metrics.policyReloadFailures.increment()
            logger.error("policy not reloaded (the previous one stays in force): \(error)")
            return error
        }
    }

    /// Loads the policy, then serves until SIGTERM (or `shutdown()`). Throws when the first
    /// policy does not load or a listener cannot bind.
    /// - Parameter handleSignals: trap SIGTERM/SIGINT (shutdown) and SIGHUP (reload); tests
    ///   running several servers in one process say false.
    public func run(handleSignals: Bool = true, onListening: @escaping @Sendable (Listener, Int) async -> Void = { _, _ in }) async throws {
        // With watches, the first list is the first policy; readiness waits for it.
        if let error = await reload(using: watch?.start ?? load) { throw error }
        if configuration.pinEventLoops {
            // Hummingbird's listeners run on NIO's shared group.
            let cpus = try await EventLoopPinning.pin(MultiThreadedEventLoopGroup.singleton)
            logger.info("event loops pinned to CPUs \(cpus.map(String.init).joined(separator: ", "))")
        }
        let webhook = AuthorizationWebhook(mode: configuration.mode, policy: policy, aggregator: aggregator, metrics: metrics,
                                           clock: configuration.clock)
        let audit = AuditWebhook(store: store, metrics: metrics, stream: configuration.auditStream,
                                 concurrency: configuration.auditConcurrency, retryAfter: configuration.retryAfterSeconds)
        let reviews = ReviewEndpoint(webhook: webhook, metrics: metrics, bodyLimit: configuration.authorizeBodyLimit,
                                     concurrency: configuration.authorizeConcurrency, retryAfter: configuration.retryAfterSeconds)
        let server = HTTPServerBuilder.server(tls: tls, reviews: { AuthorizeOnEventLoop(endpoint: reviews, serverName: Self.serverName) })
        let api = Application(router: apiRouter(reviews: reviews, audit: audit), server: server,
                              configuration: .init(address: .hostname(configuration.address.host, port: configuration.address.port),
                                                   serverName: Self.serverName),
                              onServerRunning: { channel in await onListening(.webhook, channel.localAddress?.port ?? 0) },
                              logger: logger)
        // Stopped in reverse order: the listeners drain first, then the last flush.
        var services: [any Service] = [DecisionFlusher(aggregator: aggregator, store: store, metrics: metrics,
                                                       interval: configuration.decisionFlushInterval, logger: logger)]
        if handleSignals { services.append(ReloadOnHangup(reload: { [self] in _ = await reload() })) }
        if let watch {
            services.append(ClusterWatchService(watch: watch, settle: configuration.watchSettle, metrics: metrics, logger: logger,
                                                rebuild: { [self] in _ = await reload(using: watch.rebuild) }))
        }
        if let tls {
            services.append(CertificateWatcher(holder: tls, interval: configuration.certificateCheckInterval, metrics: metrics, logger: logger))
        }
        if let dashboardTLS {
            services.append(CertificateWatcher(holder: dashboardTLS, interval: configuration.certificateCheckInterval, metrics: metrics, logger: logger,
                                               counted: false))
        }
        if let address = configuration.dashboardAddress {
            // On its own listener: plain HTTP on loopback, or HTTPS asking for client certificates.
            services.append(Application(router: dashboardRouter(), server: HTTPServerBuilder.server(tls: dashboardTLS),
                                        configuration: .init(address: .hostname(address.host, port: address.port), serverName: "kubelet-authz"),
                                        onServerRunning: { channel in await onListening(.dashboard, channel.localAddress?.port ?? 0) },
                                        logger: logger))
        }
        if let address = configuration.healthAddress {
            services.append(Application(router: healthRouter(), server: HTTPServerBuilder.plainHTTP(),
                                        configuration: .init(address: .hostname(address.host, port: address.port), serverName: "kubelet-authz"),
                                        onServerRunning: { channel in await onListening(.health, channel.localAddress?.port ?? 0) },
                                        logger: logger))
        }
        services.append(api)
        let serviceGroup = ServiceGroup(configuration: .init(services: services,
                                                             gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [],
                                                             logger: logger))
        group.withLock { $0 = serviceGroup }
        try await serviceGroup.run()
    }

    /// Stops as SIGTERM does: no new connections, requests in flight answered, decisions flushed.
    public func shutdown() async {
        await group.withLock { $0 }?.triggerGracefulShutdown()
    }

    /// Reads the certificate and key again now if their files changed (the watcher does this
    /// every few seconds); true when a new context was installed.
    @discardableResult
    public func reloadCertificateIfChanged() throws(TLSContextHolder.LoadError) -> Bool {
        guard let tls else { return false }
        let changed = try tls.reloadIfChanged()
        if changed { metrics.tlsReloads.increment() }
        return changed
    }

    /// The `Server` header of every answer.
    static let serverName = "kubelet-authz"

    /// Ready once the policy is loaded (the store is open before the server is built).
    public var isReady: Bool { policy.policy != nil }

    /// `/authorize` here is the path for what `AuthorizeOnEventLoop` passes on (a chunked body,
    /// one over the limit, a request behind another still being answered).
    func apiRouter(reviews: ReviewEndpoint, audit: AuditWebhook) -> Router<BasicRequestContext> {
        let router = Router()
        let auditLimit = configuration.auditBodyLimit
        let metrics = self.metrics
        let overloaded = reviews.overloaded.response
        router.post("authorize") { request, _ -> Response in
            guard reviews.admit() else { return overloaded }
            defer { reviews.leave() }
            switch await Self.body(of: request, limit: reviews.bodyLimit) {
            case .refused(let answer):
                metrics.malformedReviews.increment()
                return answer.response
            case .body(let buffer):
                return reviews.answer(buffer).response
            }
        }
        router.post("audit") { request, _ -> Response in
            switch await Self.body(of: request, limit: auditLimit) {
            case .refused(let answer):
                metrics.rejectedBatch(reason: "too_large")
                return answer.response
            case .body(let buffer):
                return await audit.receive(Array(buffer.readableBytesView)).response
            }
        }
        addHealthRoutes(router)
        return router
    }

    /// `/healthz`, `/readyz` and `/metrics`, on the webhook listener and on the health one.
    func addHealthRoutes(_ router: Router<BasicRequestContext>) {
        let metrics = self.metrics
        router.get("metrics") { [self] _, _ -> Response in
            let text = metrics.exposition(policy: policy.policy, now: configuration.clock())
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("healthz") { _, _ -> Response in Self.text(200, "ok") }
        router.get("readyz") { [self] _, _ -> Response in
            isReady ? Self.text(200, "ok") : Self.text(503, "the policy is not loaded yet")
        }
    }

    /// The health listener: nothing but the probes and the metrics (no subject names in either).
    func healthRouter() -> Router<BasicRequestContext> {
        let router = Router()
        addHealthRoutes(router)
        return router
    }

    func dashboardRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/") { [self] _, _ -> Response in
            let cluster = store.cluster.isEmpty ? nil : store.cluster
            let stored = (try? await store.run { _, decisions in try decisions.decisions(cluster: cluster) }) ?? []
            let view = DashboardView(policy: policy.policy, decisions: stored, mode: configuration.mode)
            let html = await dashboard(view)
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
        }
        router.get("healthz") { _, _ -> Response in Self.text(200, "ok") }
        return router
    }

    /// The request body up to `limit` bytes; beyond it 413 without reading the rest when the
    /// length is declared.
    static func body(of request: Request, limit: Int) async -> BodyRead {
        let tooLarge = WebhookAnswer.failure(413, reason: "RequestEntityTooLarge", message: "kubelet-authz: the request body is larger than \(limit) bytes")
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit { return .refused(tooLarge) }
        do {
            return .body(try await request.body.collect(upTo: limit))
        } catch {
            return .refused(tooLarge)
        }
    }

    enum BodyRead {
        case body(ByteBuffer)
        case refused(WebhookAnswer)
    }

    static func text(_ status: Int, _ text: String) -> Response {
        Response(status: .init(code: status), headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text + "\n")))
    }
}

extension WebhookAnswer {
    var response: Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension HTTPServerBuilder {
    static func server(tls: TLSContextHolder?, reviews: (@Sendable () -> AuthorizeOnEventLoop)? = nil) -> HTTPServerBuilder {
        tls.map { reloadingTLS($0, reviews: reviews) } ?? plainHTTP(reviews: reviews)
    }
}
