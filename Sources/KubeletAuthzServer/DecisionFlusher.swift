import Evidence
import Logging
import ServiceLifecycle

/// Writes the aggregated decisions to the store every few seconds, and once more at shutdown
/// (after the listeners have drained: the service group stops services in reverse order).
struct DecisionFlusher: Service {
    let aggregator: DecisionAggregator
    let store: StoreAccess
    let metrics: ServerMetrics
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await periodically(every: interval) { await flush() }
        await flush()
    }

    func flush() async {
        let cluster = store.cluster
        let rows = aggregator.drain().map { d in
            var d = d
            d.key.cluster = cluster
            return d
        }
        guard !rows.isEmpty else { return }
        do {
            try await store.run { _, decisions in try decisions.add(rows) }
        } catch {
            aggregator.restore(rows)
            metrics.storeErrors.increment()
            logger.error("cannot store \(rows.count) aggregated decisions (kept for the next flush): \(error)")
        }
    }
}
