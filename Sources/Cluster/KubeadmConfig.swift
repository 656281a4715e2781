import Foundation
import RBAC

/// ConfigMap `kube-system/kubeadm-config`: which kubeadm release last configured the control
/// plane, which decides how the API server's kubelet client is authorized (a binding in newer
/// kubeadm, certificate groups in older).
public struct KubeadmConfig: Sendable, Hashable {
    public static let namespace = "kube-system"
    public static let name = "kubeadm-config"

    /// `kubernetesVersion` of the ClusterConfiguration, as written (`v1.35.2`).
    public let kubernetesVersion: String?
    public let source: SourceLocation?

    public init(kubernetesVersion: String?, source: SourceLocation?) {
        self.kubernetesVersion = kubernetesVersion
        self.source = source
    }

    /// Reads `kubernetesVersion` from the embedded ClusterConfiguration YAML. kubeadm writes it
    /// as one top-level `key: value` line, so a line scan is enough and never fails the input.
    public init(clusterConfiguration text: String?, source: SourceLocation?) {
        var version: String? = nil
        for line in (text ?? "").split(whereSeparator: \.isNewline) where line.hasPrefix("kubernetesVersion:") {
            let value = line.dropFirst("kubernetesVersion:".count).trimmingCharacters(in: .whitespaces)
            version = value.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            break
        }
        self.init(kubernetesVersion: version, source: source)
    }

    /// (minor, patch) of `kubernetesVersion`: `v1.36.1` → (36, 1); `1.36` → (36, nil).
    public var minorAndPatch: (minor: Int, patch: Int?)? {
        guard var text = kubernetesVersion else { return nil }
        if text.hasPrefix("v") { text.removeFirst() }
        let parts = text.split(separator: ".", maxSplits: 2)
        guard parts.count >= 2, parts[0] == "1", let minor = Int(parts[1]) else { return nil }
        let patch = parts.count == 3 ? Int(parts[2].prefix(while: \.isNumber)) : nil
        return (minor, patch)
    }
}
