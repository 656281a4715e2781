/// One kubelet as the model sees it: a release and its effective feature gates. Every
/// version-dependent answer — the path → subresource mapping, which routes exist, the
/// forbidden-message format, the redirect status — is read from here.
public struct KubeletProfile: Sendable, Hashable {
    public let version: KubernetesVersion
    public let gates: [FeatureGate: Bool]
    /// Why the effective gates differ from what the operator asked for, or what a real
    /// kubelet would do with the request (refuse to start, ignore an unknown gate).
    public let warnings: [String]

    public init(version: KubernetesVersion = .newest, featureGates: FeatureGateSettings = .init()) {
        var version = version
        var warnings: [String] = []
        if version < .oldestModelled {
            warnings.append("Kubernetes \(version) is older than the oldest release modelled (\(KubernetesVersion.oldestModelled)); answering as for \(KubernetesVersion.oldestModelled)")
            version = KubernetesVersion(major: 1, minor: KubernetesVersion.oldestModelled.minor, original: version.original)
        }
        if version > .newest {
            warnings.append("Kubernetes \(version) is newer than the newest release modelled (\(KubernetesVersion.newest)); answering with \(KubernetesVersion.newest)'s behaviour, which a newer kubelet may have changed")
        }
        var gates: [FeatureGate: Bool] = [:]
        for gate in FeatureGate.allCases {
            gates[gate] = gate.defaultValue(in: version)
        }
        for (gate, requested) in featureGates.values.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            if !gate.exists(in: version) {
                warnings.append("feature gate \(gate.rawValue) does not exist in Kubernetes \(version) (a kubelet of that release refuses to start with it); ignored")
                continue
            }
            if gate.isLocked(in: version) && requested != gate.defaultValue(in: version) {
                warnings.append("feature gate \(gate.rawValue) is locked to \(gate.defaultValue(in: version)) in Kubernetes \(version): a kubelet of that release only accepts \(gate.rawValue)=\(requested) when emulating 1.\(version.minor - 1) or older; answering as that emulated kubelet")
            }
            gates[gate] = requested
        }
        self.version = version
        self.gates = gates
        self.warnings = warnings
    }

    public func isEnabled(_ gate: FeatureGate) -> Bool { gates[gate] ?? false }

    public var fineGrainedAuthz: Bool { isEnabled(.kubeletFineGrainedAuthz) }

    /// 1.32 changed the forbidden body to the multi-attribute `subresource(s)=[…]` form.
    public var multiAttributeAuthorization: Bool { version >= .v(32) }

    /// Go's ServeMux redirect status: 307 from the Go toolchain that builds 1.36 (measured),
    /// 301 before.
    public var redirectStatus: Int { version >= .v(36) ? 307 : 301 }
}

import Foundation
