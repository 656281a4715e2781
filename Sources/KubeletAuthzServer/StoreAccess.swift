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

    public init(evidence: EvidenceWriter, decisions: DecisionWriter) {
        self.evidence = evidence
        self.decisions = decisions
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
