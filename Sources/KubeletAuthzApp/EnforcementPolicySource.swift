import Cluster
import Foundation
import Governance
import KubeletModel

/// Where `serve` reads the policy it enforces from, read again whole at each reload: the
/// cluster's objects (files, or a live cluster) and the governance register.
public struct EnforcementPolicySource: Sendable {
    public var files: [String]
    /// Used when `files` is empty.
    public var live: LiveCluster?
    public var register: String?
    public var neverDeny: NeverDenyList
    public var kubeVersion: KubernetesVersion?
    public var featureGates: FeatureGateSettings
    public var apiServerKubeletClient: String

    public init(files: [String], live: LiveCluster?, register: String?, neverDeny: NeverDenyList,
                kubeVersion: KubernetesVersion? = nil, featureGates: FeatureGateSettings = .init(),
                apiServerKubeletClient: String = APIServerKubeletClient.kubeadmUser) {
        self.files = files
        self.live = live
        self.register = register
        self.neverDeny = neverDeny
        self.kubeVersion = kubeVersion
        self.featureGates = featureGates
        self.apiServerKubeletClient = apiServerKubeletClient
    }

    /// The cluster's objects as they are now.
    public func snapshot() async throws -> ClusterSnapshot {
        // A server reads its input again at every reload: stdin can be read only once.
        if files.contains("-") { throw InputError("-f -: serve reads its cluster again at each reload, so it needs files or a live cluster, not stdin") }
        if !files.isEmpty { return try ClusterFileReader.read(files, stdin: { Data() }) }
        if let live { return try await live.read().snapshot }
        throw InputError("no cluster input: give -f FILE|DIR or reach a live cluster with --kubeconfig")
    }

    /// The cluster the server stores audit batches and decisions under
    /// (`ClusterIdentity.forEvidence`): `--cluster`, else `$KUBELET_AUTHZ_CLUSTER`, else the
    /// kube-system UID of the cluster it reads (read once, at start), else none.
    public func storeCluster(explicit: String?, environment: [String: String]) async throws -> String {
        if explicit != nil || ClusterIdentity.named(environment) != nil {
            return try ClusterIdentity.forEvidence(explicit: explicit, environment: environment, snapshot: nil)
        }
        // A live cluster: its kube-system Namespace alone, not a second full read.
        if files.isEmpty, let live { return try await live.kubeSystemUID() ?? "" }
        return try ClusterIdentity.forEvidence(explicit: nil, environment: environment, snapshot: try await snapshot())
    }

    /// The policy, and the scan it was built from (the dashboard shows it).
    public func load(today: Day) async throws -> (policy: KubeletEnforcementPolicy, scan: ScanReport) {
        try policy(from: try await snapshot(), today: today)
    }

    /// The policy for a cluster already read (a full read, or what the watches keep), with
    /// the register read again.
    public func policy(from snapshot: ClusterSnapshot, today: Day) throws -> (policy: KubeletEnforcementPolicy, scan: ScanReport) {
        var registerValue: GovernanceRegister? = nil
        if let register {
            guard let data = FileManager.default.contents(atPath: register) else {
                throw InputError("--register: the path \"\(register)\" does not exist or cannot be read")
            }
            do { registerValue = try GovernanceRegister.decode(data, source: register) } catch { throw InputError(error.description) }
        }
        let options = ScanOptions(kubeVersion: kubeVersion, featureGates: featureGates, now: today, register: registerValue,
                                  apiServerKubeletClient: apiServerKubeletClient)
        let scan = ClusterScanner.scan(snapshot, options: options)
        let described = (files.isEmpty ? ["live cluster"] : files) + (register.map { ["register \($0)"] } ?? [])
        let policy = KubeletEnforcementPolicy(register: registerValue, scan: scan, neverDeny: neverDeny,
                                              source: described.joined(separator: ", "))
        return (policy, scan)
    }
}
