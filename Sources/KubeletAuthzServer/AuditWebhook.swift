import AuditInput
import Evidence
import Foundation
import Synchronization

/// `POST /audit`: the API server's audit webhook backend. Each request body is one batch
/// (an `audit.k8s.io/v1` `EventList`); its kubelet SubjectAccessReviews and node-proxy events
/// are extracted by the same code as audit files and committed whole, durably, before the
/// batch is acknowledged. The batch id is a hash of the body: the API server resends a failed
/// batch unchanged (k8s.io/apiserver/plugin/pkg/audit/webhook: up to 5 attempts), and a resent
/// batch replaces itself rather than counting twice.
public final class AuditWebhook: Sendable {
    let store: StoreAccess
    let metrics: ServerMetrics
    let stream: String
    let concurrency: Int
    let retryAfter: Int
    private let inFlight = Mutex<Int>(0)

    init(store: StoreAccess, metrics: ServerMetrics, stream: String, concurrency: Int, retryAfter: Int) {
        self.store = store
        self.metrics = metrics
        self.stream = stream
        self.concurrency = concurrency
        self.retryAfter = retryAfter
    }

    /// `fnv1a64:HEX:LENGTH` of the body.
    static func batchID(_ body: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf29ce484222325
        for b in body { hash = (hash ^ UInt64(b)) &* 0x100000001b3 }
        return "fnv1a64:\(String(hash, radix: 16)):\(body.count)"
    }

    public func receive(_ body: [UInt8]) async -> WebhookAnswer {
        let admitted = inFlight.withLock { n in
            guard n < concurrency else { return false }
            n += 1
            return true
        }
        guard admitted else {
            metrics.rejectedBatch(reason: "overload")
            return .failure(429, reason: "TooManyRequests", message: "kubelet-authz: \(concurrency) audit batches are being stored; retry", retryAfter: retryAfter)
        }
        defer { inFlight.withLock { $0 -= 1 } }
        let id = Self.batchID(body)
        let stream = self.stream
        let cluster = store.cluster
        let counts: AuditScanCounts
        do {
            counts = try await store.run { evidence, _ in
                var ingestor = AuditIngestor()
                ingestor.cluster = cluster
                return try ingestor.ingest(body: body, stream: stream, batch: id, into: evidence, durable: true)
            }
        } catch {
            metrics.storeErrors.increment()
            metrics.rejectedBatch(reason: "store_error")
            return .failure(503, reason: "ServiceUnavailable", message: "kubelet-authz: the batch was not stored: \(error)", retryAfter: retryAfter)
        }
        let extracted = counts.kubeletReviews + counts.nodeProxy
        metrics.auditEventsReceived.increment(by: counts.events)
        metrics.auditRecordsExtracted.increment(by: extracted)
        metrics.auditRecordsStored.increment(by: extracted)
        if counts.malformed > 0 { metrics.auditMalformed.increment(by: counts.malformed) }
        if counts.events == 0 && counts.malformed > 0 {
            // Kept as a malformed input (the evidence report counts it); the sender is told.
            metrics.rejectedBatch(reason: "malformed")
            return .failure(400, reason: "BadRequest", message: "kubelet-authz: the body is not an audit.k8s.io/v1 EventList (batch \(id))")
        }
        return WebhookAnswer(status: 200, json: .object([
            ("batch", .string(id)), ("events", .integer(counts.events)), ("kubeletReviews", .integer(counts.kubeletReviews)),
            ("nodeProxy", .integer(counts.nodeProxy)),
        ]))
    }
}
