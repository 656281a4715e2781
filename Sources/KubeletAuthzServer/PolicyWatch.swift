import Governance
import KubeClient
import KubeletAuthzApp

/// A live cluster kept current by watches (`serve --kubeconfig`): the first full list gives
/// the first policy, the watches report changes, and the policy is rebuilt from what they
/// last saw, without the network. SIGHUP still reads everything again.
public struct PolicyWatch: Sendable {
    /// Lists everything and builds the first policy; throws when the cluster cannot be read.
    public var start: KubeletAuthzServer.PolicyLoad
    /// Watches until the task is cancelled.
    public var watch: @Sendable (_ report: @escaping @Sendable (_ resource: String, ListWatchReport) async -> Void) async -> Void
    /// The policy from what the watches last saw.
    public var rebuild: KubeletAuthzServer.PolicyLoad
    /// Closes the connection once the watches stopped.
    public var stop: @Sendable () async -> Void

    public init(start: @escaping KubeletAuthzServer.PolicyLoad,
                watch: @escaping @Sendable (_ report: @escaping @Sendable (_ resource: String, ListWatchReport) async -> Void) async -> Void,
                rebuild: @escaping KubeletAuthzServer.PolicyLoad, stop: @escaping @Sendable () async -> Void) {
        self.start = start
        self.watch = watch
        self.rebuild = rebuild
        self.stop = stop
    }

    /// The watches of `source`'s live cluster, its policy built as `source.load` builds it.
    public init(source: EnforcementPolicySource, cluster: LiveClusterWatch) {
        self.init(start: { day in try source.policy(from: try await cluster.start(), today: day) },
                  watch: { report in await cluster.run(report: report) },
                  rebuild: { day in try source.policy(from: try cluster.snapshot(), today: day) },
                  stop: { await cluster.stop() })
    }
}
