import Cluster
import Collectors
import KubeletModel
import RBAC

/// A subject of the inventory with the governance facts a reviewer needs.
public struct ScanSubject: Sendable {
    public var inventory: InventorySubject
    public var governance: GovernanceRecord?
    /// For groups and `system:anonymous`: whom the subject covers.
    public var covers: String?
    /// From audit evidence, when the scan had some: per subresource.
    public var usage: [String: SubresourceUsage]?
    /// For a ServiceAccount whose workloads the catalogue recognises: which agent it is and
    /// how its grant compares with what the agent needs.
    public var collector: CollectorAssessment? = nil

    public var key: SubjectKey { inventory.key }
}

/// Where the scan's Kubernetes release came from.
public typealias VersionSource = ReleaseRule.Source

/// The result of `kubelet-authz scan`: the inventory, governance and findings of one cluster.
public struct ScanReport: Sendable {
    public var profile: KubeletProfile
    public var versionSource: VersionSource
    /// Reported kubelet version → node names, from the input's Node objects.
    public var kubeletVersions: [String: [String]]
    public var subjects: [ScanSubject]
    public var findings: [Finding]
    public var now: Day
    public var registerSource: String?
    public var evidence: ScanEvidence?
    public var apiServerKubeletClient: String = APIServerKubeletClient.kubeadmUser
    /// The inputs read (files, `<stdin>`, or API server URLs), for locations of last resort.
    public var inputs: [String] = []
    /// What the release rule noticed (nodes on several releases, no version in the input).
    public var releaseNotes: [String] = []
    /// Whether each kubelet delegates to RBAC, when the scan had kubelet configurations.
    public var kubeletConfig: KubeletConfigAssessment? = nil
    /// The AI-workload review: AI nodes, what each subject sees there, tenant crossings,
    /// escalation through exec.
    public var aiReview: AIWorkloadReview? = nil

    /// Subjects without a governance record, not counting control-plane access (KA070).
    public var ungovernedCount: Int {
        // Elements read in place: a filtered array copied each of up to 100k subjects.
        subjects.withUnsafeBufferPointer { s in
            s.indices.count { s[$0].governance == nil && ControlPlaneAccess.role(of: s[$0].key, apiServerKubeletClient: apiServerKubeletClient) == nil }
        }
    }

    /// Only findings at these severities (`--severity`), for output and `--fail-on` alike.
    public func keeping(_ severities: Set<Severity>) -> ScanReport {
        var r = self
        r.findings = findings.filter { severities.contains($0.severity) }
        return r
    }

    public func count(_ severity: Severity) -> Int {
        findings.withUnsafeBufferPointer { f in f.indices.count { f[$0].severity == severity } }
    }

    public func failing(at threshold: Severity) -> Bool { findings.contains { $0.severity >= threshold } }
}

public struct ScanOptions: Sendable {
    public var kubeVersion: KubernetesVersion?
    public var featureGates: FeatureGateSettings
    public var now: Day
    public var register: GovernanceRegister?
    public var evidence: ScanEvidence?
    /// The user the API server calls kubelets as (`--apiserver-kubelet-client`).
    public var apiServerKubeletClient: String
    /// The agents whose workloads the scan recognises (the bundled catalogue unless a test
    /// passes its own).
    public var collectors: [Collector]
    /// The kubelets' own configurations (`kubelet-config/` files or live /configz), when read.
    public var kubeletConfig: KubeletConfigInput? = nil
    /// The Namespace label that names tenants (`--tenant-label`); nil: each namespace is one.
    public var tenantLabel: String? = nil

    /// The catalogue compiled into the binary, decoded once. Its tests keep it decodable; were
    /// it not, the scan would recognise no agent rather than fail.
    public static let bundledCollectors: [Collector] = (try? CollectorCatalogue.bundled().collectors) ?? []

    public init(kubeVersion: KubernetesVersion? = nil, featureGates: FeatureGateSettings = .init(), now: Day,
                register: GovernanceRegister? = nil, evidence: ScanEvidence? = nil,
                apiServerKubeletClient: String = APIServerKubeletClient.kubeadmUser,
                collectors: [Collector] = ScanOptions.bundledCollectors, kubeletConfig: KubeletConfigInput? = nil) {
        self.collectors = collectors
        self.kubeletConfig = kubeletConfig
        self.evidence = evidence
        self.apiServerKubeletClient = apiServerKubeletClient
        self.kubeVersion = kubeVersion
        self.featureGates = featureGates
        self.now = now
        self.register = register
    }
}
