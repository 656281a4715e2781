import NIOSSL

/// What vouches for a kubelet's serving certificate. Kubelets often serve a self-signed
/// certificate that no cluster CA signed, so the choice is the user's: the API server's CA
/// (right where kubelet serving certificates are signed by the cluster, serverTLSBootstrap),
/// a CA file (`--kubelet-ca`), or no verification at all (`--kubelet-insecure-tls`, as
/// metrics-server's flag of that name).
public enum KubeletTrust: Sendable {
    case apiServerCA
    case certificates([NIOSSLCertificate])
    case insecure

    /// The CA bundle of `--kubelet-ca`, refused unless it holds at least one PEM certificate.
    public static func caFile(_ pem: [UInt8]) -> KubeletTrust? {
        guard let certs = try? NIOSSLCertificate.fromPEMBytes(pem), !certs.isEmpty else { return nil }
        return .certificates(certs)
    }
}
