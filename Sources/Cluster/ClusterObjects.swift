import RBAC

public struct ServiceAccount: Hashable, Sendable {
    public var namespace: String
    public var name: String
    public var labels: [String: String]
    public var annotations: [String: String]
    /// `automountServiceAccountToken`: false keeps its token out of pods that do not ask for it.
    public var automountServiceAccountToken: Bool?
    public var source: SourceLocation?

    public init(namespace: String, name: String, labels: [String: String] = [:], annotations: [String: String] = [:],
                automountServiceAccountToken: Bool? = nil, source: SourceLocation? = nil) {
        self.namespace = namespace
        self.name = name
        self.labels = labels
        self.annotations = annotations
        self.automountServiceAccountToken = automountServiceAccountToken
        self.source = source
    }

    /// The user name its tokens authenticate as.
    public var username: String { UserInfo.serviceAccountPrefix + namespace + ":" + name }
}

public struct Node: Hashable, Sendable {
    public var name: String
    public var labels: [String: String]
    /// `status.nodeInfo.kubeletVersion`, as reported (`v1.36.2`).
    public var kubeletVersion: String?
    /// Extended resources in `status.capacity` whose names mark accelerators.
    public var accelerators: [String: String]
    public var source: SourceLocation?

    public init(name: String, labels: [String: String] = [:], kubeletVersion: String? = nil,
                accelerators: [String: String] = [:], source: SourceLocation? = nil) {
        self.name = name
        self.labels = labels
        self.kubeletVersion = kubeletVersion
        self.accelerators = accelerators
        self.source = source
    }
}

public struct Namespace: Hashable, Sendable {
    public var name: String
    public var labels: [String: String]
    public var source: SourceLocation?
    /// `metadata.uid`: kube-system's is the cluster's identity for saved scans.
    public var uid: String? = nil
}

/// A pod, or a controller's pod template: what runs as which ServiceAccount, where.
public struct Workload: Hashable, Sendable {
    public var kind: String
    public var namespace: String
    public var name: String
    /// Defaulted to `default`, as the ServiceAccount admission plugin does.
    public var serviceAccountName: String
    public var nodeName: String?
    public var images: [String]
    /// The pod's own `automountServiceAccountToken`, which overrides its ServiceAccount's.
    public var automountServiceAccountToken: Bool? = nil
    /// Accelerator resources its containers request or limit (`nvidia.com/gpu` → `1`): limits
    /// win, as the scheduler defaults requests of extended resources to them.
    public var accelerators: [String: String] = [:]
    /// The chart its `helm.sh/chart` label names, version stripped (`HelmChartLabel`): the
    /// object's own label, else its pod template's. Only this label is kept of a workload's.
    public var helmChart: String? = nil
    public var source: SourceLocation?

    public init(kind: String, namespace: String, name: String, serviceAccountName: String, nodeName: String?, images: [String],
                automountServiceAccountToken: Bool? = nil, accelerators: [String: String] = [:], helmChart: String? = nil,
                source: SourceLocation?) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.serviceAccountName = serviceAccountName
        self.nodeName = nodeName
        self.images = images
        self.automountServiceAccountToken = automountServiceAccountToken
        self.accelerators = accelerators
        self.helmChart = helmChart
        self.source = source
    }
}

/// A ValidatingAdmissionPolicy, kept for its metadata only: `scan` recognises the guardrail
/// policies `kubelet-authz guardrail` wrote by their label and reads the expiry they carry.
public struct AdmissionPolicy: Hashable, Sendable {
    public var name: String
    public var labels: [String: String]
    /// Only the `kubelet-authz.io/*` annotations, as for every kind.
    public var annotations: [String: String]
    public var source: SourceLocation?

    public init(name: String, labels: [String: String] = [:], annotations: [String: String] = [:], source: SourceLocation? = nil) {
        self.name = name
        self.labels = labels
        self.annotations = annotations
        self.source = source
    }
}
