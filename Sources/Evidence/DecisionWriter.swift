/// Where the authorization webhook's aggregated decisions are kept: memory, SQLite, or (later)
/// a shared database. Each call adds counts to what is stored under the same key, so flushing
/// the same aggregate twice counts it twice: the caller flushes each aggregate once.
public protocol DecisionWriter: AnyObject, Sendable {
    /// Adds the aggregates in one commit: all of them or none.
    func add(_ decisions: [AuthorizationDecision]) throws
    /// The stored aggregates of `cluster` (every cluster's when nil), most recently seen first.
    func decisions(cluster: String?) throws -> [AuthorizationDecision]
}

extension DecisionWriter {
    /// Every cluster's stored aggregates.
    public func decisions() throws -> [AuthorizationDecision] { try decisions(cluster: nil) }
}
