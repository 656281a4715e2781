import Governance
import Synchronization

/// The policy a review is judged by, and what it was built from.
public struct LoadedPolicy: Sendable {
    public var enforcement: KubeletEnforcementPolicy
    /// The scan the policy was built from, for the dashboard.
    public var scan: ScanReport?
    /// Epoch seconds.
    public var loadedAt: Double
    /// 1 for the first load, one more at each reload.
    public var generation: Int
}

/// The current policy behind a lock: a reload replaces the whole value at once, so a review
/// sees the old policy or the new one, never part of each.
public final class PolicyState: Sendable {
    private let current = Mutex<LoadedPolicy?>(nil)

    public init() {}

    public var policy: LoadedPolicy? { current.withLock { $0 } }

    /// Installs a new policy; returns its generation.
    @discardableResult
    public func install(_ enforcement: KubeletEnforcementPolicy, scan: ScanReport?, at time: Double) -> Int {
        current.withLock { p in
            let generation = (p?.generation ?? 0) + 1
            p = LoadedPolicy(enforcement: enforcement, scan: scan, loadedAt: time, generation: generation)
            return generation
        }
    }
}
