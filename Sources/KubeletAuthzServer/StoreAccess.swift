import Dispatch
import Evidence

/// The evidence store and the decision store as the server uses them: their calls block (an
/// SQLite commit with synchronous=FULL waits for the disk), so they run one at a time on a
/// thread of their own, never on the event loops or the cooperative pool.
public final class StoreAccess: @unchecked Sendable {
    // @unchecked: the writers are used only on `queue`, one call at a time.
    private let evidence: EvidenceWriter
    private let decisions: DecisionWriter
    private let queue = DispatchQueue(label: "kubelet-authz.store")
    /// The cluster audit batches and decisions are stored under (`serve --cluster`, else the
    /// kube-system UID; `ClusterIdentity.forEvidence`): one database keeps a fleet's apart.
    /// Empty: no name, and the dashboard shows every cluster's decisions.
    public let cluster: String

    public init(evidence: EvidenceWriter, decisions: DecisionWriter, cluster: String = "") {
        self.evidence = evidence
        self.decisions = decisions
        self.cluster = cluster
    }

    /// Runs `body` with the stores on the store thread.
    func run<T: Sendable>(_ body: @escaping @Sendable (EvidenceWriter, DecisionWriter) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result(catching: { try body(self.evidence, self.decisions) }))
            }
        }
    }
}
