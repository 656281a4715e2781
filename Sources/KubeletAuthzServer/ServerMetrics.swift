import CoreMetrics
import Foundation
import Metrics
import Prometheus
import Synchronization

/// The server's metrics through swift-metrics, exposed by swift-prometheus on `/metrics`. Each
/// server has its own registry (tests run several servers in one process).
public final class ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    /// The label-resolved counters, so a decision costs a lookup and an atomic add, not a
    /// label string built and a factory call.
    private let decisionCounters = Mutex<[DecisionLabels: CoreMetrics.Counter]>([:])
    private struct DecisionLabels: Hashable { let mode, subresource, verb, result: String }
    /// Counters with labels, made at their first use and kept by name and label values.
    private let labelledCounters = Mutex<[[String]: CoreMetrics.Counter]>([:])

    let decisionLatency: Metrics.Timer
    let malformedReviews: CoreMetrics.Counter
    let shedReviews: CoreMetrics.Counter
    let auditEventsReceived: CoreMetrics.Counter
    let auditRecordsExtracted: CoreMetrics.Counter
    let auditRecordsStored: CoreMetrics.Counter
    let auditMalformed: CoreMetrics.Counter
    let policyReloads: CoreMetrics.Counter
    let policyReloadFailures: CoreMetrics.Counter
    let storeErrors: CoreMetrics.Counter
    let tlsReloads: CoreMetrics.Counter
    let tlsReloadFailures: CoreMetrics.Counter
    let policyAge: CoreMetrics.Gauge
    let policyGeneration: CoreMetrics.Gauge

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // A decision takes microseconds; the default buckets start at 5 ms.
        factory.durationHistogramBuckets["kubelet_authz_decision_duration_seconds"] = [
            .microseconds(25), .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500),
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(50),
        ]
        self.factory = factory
        decisionLatency = Metrics.Timer(label: "kubelet_authz_decision_duration_seconds", factory: factory)
        malformedReviews = CoreMetrics.Counter(label: "kubelet_authz_malformed_reviews_total", factory: factory)
        shedReviews = CoreMetrics.Counter(label: "kubelet_authz_reviews_shed_total", factory: factory)
        auditEventsReceived = CoreMetrics.Counter(label: "kubelet_authz_audit_events_received_total", factory: factory)
        auditRecordsExtracted = CoreMetrics.Counter(label: "kubelet_authz_audit_records_extracted_total", factory: factory)
        auditRecordsStored = CoreMetrics.Counter(label: "kubelet_authz_audit_records_stored_total", factory: factory)
        auditMalformed = CoreMetrics.Counter(label: "kubelet_authz_audit_malformed_total", factory: factory)
        policyReloads = CoreMetrics.Counter(label: "kubelet_authz_policy_reloads_total", factory: factory)
        policyReloadFailures = CoreMetrics.Counter(label: "kubelet_authz_policy_reload_failures_total", factory: factory)
        storeErrors = CoreMetrics.Counter(label: "kubelet_authz_store_errors_total", factory: factory)
        tlsReloads = CoreMetrics.Counter(label: "kubelet_authz_tls_reloads_total", factory: factory)
        tlsReloadFailures = CoreMetrics.Counter(label: "kubelet_authz_tls_reload_failures_total", factory: factory)
        policyAge = CoreMetrics.Gauge(label: "kubelet_authz_policy_age_seconds", factory: factory)
        policyGeneration = CoreMetrics.Gauge(label: "kubelet_authz_policy_generation", factory: factory)
    }

    /// One more decision (made, or recorded in observe mode) by mode, subresource, verb and result.
    func decision(mode: String, subresource: String, verb: String, result: String) {
        let key = DecisionLabels(mode: mode, subresource: subresource, verb: verb, result: result)
        let counter = decisionCounters.withLock { counters in
            if let c = counters[key] { return c }
            let c = CoreMetrics.Counter(label: "kubelet_authz_decisions_total",
                                        dimensions: [("mode", mode), ("subresource", subresource), ("verb", verb), ("result", result)],
                                        factory: factory)
            counters[key] = c
            return c
        }
        counter.increment()
    }

    /// An audit batch answered with an error (`too_large`, `overload`, `store_error`, `malformed`).
    func rejectedBatch(reason: String) {
        counter("kubelet_authz_audit_batches_rejected_total", [("reason", reason)]).increment()
    }

    /// A watch of the live cluster started again (`relist_410`, `stream_end`, `error`).
    func watchRestart(resource: String, reason: String) {
        counter("kubelet_authz_watch_restarts_total", [("resource", resource), ("reason", reason)]).increment()
    }

    /// A line of a watch stream that is not a WatchEvent, skipped.
    func watchMalformedEvent(resource: String) {
        counter("kubelet_authz_watch_malformed_events_total", [("resource", resource)]).increment()
    }

    func counter(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Counter {
        let key = [label] + dimensions.flatMap { [$0.0, $0.1] }
        return labelledCounters.withLock { counters in
            if let c = counters[key] { return c }
            let c = CoreMetrics.Counter(label: label, dimensions: dimensions, factory: factory)
            counters[key] = c
            return c
        }
    }

    /// The Prometheus text exposition, with the policy's age as of now.
    func exposition(policy: LoadedPolicy?, now: Double) -> String {
        if let policy {
            policyAge.record(now - policy.loadedAt)
            policyGeneration.record(policy.generation)
        }
        return registry.emitToString()
    }
}
