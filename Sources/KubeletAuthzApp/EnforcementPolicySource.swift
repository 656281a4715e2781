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

    /// The policy, and the scan it was built from (the dashboard shows it).
    public func load(today: Day) async throws -> (policy: KubeletEnforcementPolicy, scan: ScanReport) {
        // A server reads its input again at every reload: stdin can be read only once.
        if files.contains("-") { throw InputError("-f -: serve reads its cluster again at each reload, so it needs files or a live cluster, not stdin") }
        let snapshot: ClusterSnapshot
        if !files.isEmpty {
            snapshot = try ClusterFileReader.read(files, stdin: { Data() })
        } else if let live {
            snapshot = try await live.read().snapshot
        } else {
            throw InputError("no cluster input: give -f FILE|DIR or reach a live cluster with --kubeconfig")
        }
        return try policy(from: snapshot, today: today)
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
