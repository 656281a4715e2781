import Foundation

/// Aggregated decisions kept in memory (a server without `--store`, tests).
public final class MemoryDecisionStore: DecisionWriter, @unchecked Sendable {
    private let lock = NSLock()
    private var rows: [AuthorizationDecision.Key: AuthorizationDecision] = [:]

    public init() {}

    public func add(_ decisions: [AuthorizationDecision]) throws {
        lock.withLock {
            for d in decisions {
                if rows[d.key] != nil { rows[d.key]!.merge(d) } else { rows[d.key] = d }
            }
        }
    }

    public func decisions(cluster: String?) throws -> [AuthorizationDecision] {
        lock.withLock { rows.values.filter { cluster == nil || $0.key.cluster == cluster }.sorted { $0.lastSeen > $1.lastSeen } }
    }
}
