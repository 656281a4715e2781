import Logging
import ServiceLifecycle
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

    func run() async throws {
        await periodically(every: interval) { check() }
    }

    func check() {
        do {
            if try holder.reloadIfChanged() {
                metrics.tlsReloads.increment()
                logger.info("TLS certificate \(holder.files.certificate) reloaded for new connections")
            }
        } catch {
            metrics.tlsReloadFailures.increment()
            logger.error("TLS certificate not reloaded (the previous one is still served): \(error)")
        }
    }
}
