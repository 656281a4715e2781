import Evidence
import Synchronization

/// Decisions counted in memory between flushes: one entry per key however many reviews, so
/// the store sees a few rows every few seconds rather than a row per review.
public final class DecisionAggregator: Sendable {
    private let pending = Mutex<[AuthorizationDecision.Key: AuthorizationDecision]>([:])

    public init() {}

    public func record(_ key: AuthorizationDecision.Key, at time: Double) {
        pending.withLock { rows in
            if rows[key] != nil {
                rows[key]!.count += 1
                rows[key]!.lastSeen = max(rows[key]!.lastSeen, time)
            } else {
                rows[key] = AuthorizationDecision(key: key, count: 1, firstSeen: time, lastSeen: time)
            }
        }
    }

    /// Everything counted since the last drain; the aggregator starts again from empty.
    public func drain() -> [AuthorizationDecision] {
        pending.withLock { rows in
            defer { rows.removeAll(keepingCapacity: true) }
            return Array(rows.values)
        }
    }

    /// Puts back what could not be written, so the next flush tries it again.
    public func restore(_ decisions: [AuthorizationDecision]) {
        pending.withLock { rows in
            for d in decisions {
                if rows[d.key] != nil { rows[d.key]!.merge(d) } else { rows[d.key] = d }
            }
        }
    }
}
