import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// Reloads the policy on SIGHUP.
struct ReloadOnHangup: Service {
    let reload: @Sendable () async -> Void

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            await reload()
        }
    }
}

/// Serves a renewed certificate: checks the certificate and key files every few seconds and
/// installs a new TLS context for new connections when they change.
struct CertificateWatcher: Service {
    let holder: TLSContextHolder
    let interval: Duration
    let metrics: ServerMetrics
    let logger: Logger
    /// False for the dashboard's holder: it reads the webhooks' certificate files too, and
    /// counting its reloads would count each renewal twice.
    var counted = true

    func run() async throws {
        await periodically(every: interval) { check() }
    }

    func check() {
        do {
            if try holder.reloadIfChanged() {
                if counted { metrics.tlsReloads.increment() }
                logger.info("TLS certificate \(holder.files.certificate) reloaded for new connections")
            }
        } catch {
            if counted { metrics.tlsReloadFailures.increment() }
            logger.error("TLS certificate not reloaded (the previous one is still served): \(error)")
        }
    }
}

/// Keeps the policy current from the cluster's watches: once the changes settle (no new one
/// for `settle`, or at the latest after five times that, so steady churn still rebuilds), the
/// policy is rebuilt from what the watches saw and installed as a SIGHUP reload installs it.
/// A burst of events (a Helm release, a relist) rebuilds once.
struct ClusterWatchService: Service {
    let watch: PolicyWatch
    let settle: Duration
    let metrics: ServerMetrics
    let logger: Logger
    let rebuild: @Sendable () async -> Void

    func run() async throws {
        let changes = ChangeCount()
        let (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { [watch, metrics, logger] in
                    await watch.watch { resource, report in
                        switch report {
                        case .listed, .event:
                            changes.count.withLock { $0 += 1 }
                            wake.yield()
                        case .restarted(let reason, let detail):
                            metrics.watchRestart(resource: resource, reason: reason.rawValue)
                            if reason == .streamEnd { logger.debug("\(detail)") } else { logger.warning("\(detail)") }
                        case .malformed(let detail):
                            metrics.watchMalformedEvent(resource: resource)
                            logger.error("watch event skipped: \(detail)")
                        }
                    }
                }
                group.addTask { [settle, rebuild] in
                    var built = 0
                    for await _ in wakeups {
                        var seen = changes.count.withLock { $0 }
                        if seen == built { continue }
                        var waited = Duration.zero
                        while waited < settle * 5 {
                            do { try await Task.sleep(for: settle) } catch { return }
                            waited += settle
                            let now = changes.count.withLock { $0 }
                            if now == seen { break }
                            seen = now
                        }
                        await rebuild()
                        built = seen
                    }
                }
                _ = await group.next()
                group.cancelAll()
            }
        }
        wake.finish()
        await watch.stop()
    }
}

/// How many changes the watches reported, shared by the task that hears them and the one
/// that rebuilds.
final class ChangeCount: Sendable {
    let count = Mutex(0)
}
