import NIOSSL
import X509

/// Whether a serving certificate and a private key belong together.
///
/// A renewal writes the certificate and the key one after the other (cert-manager's files, a
/// script's two `mv`s), and the watcher may read between the two: the new certificate with the
/// old key. BoringSSL accepts that pair when the chain is set before the key, as NIOSSL sets
/// them, and every handshake then fails with BAD_SIGNATURE. Refusing the pair keeps the old
/// context until the second file lands.
enum ServingKeyPairCheck {
    /// Nil when they match, or when X509 cannot read the key (a type BoringSSL loaded but
    /// X509 does not know: no check, rather than refusing a key that works); else the reason.
    static func mismatch(leaf: NIOSSLCertificate, keyPEMFile: String, keyPEM: String) -> String? {
        guard let key = try? Certificate.PrivateKey(pemEncoded: keyPEM),
              let certificate = try? Certificate(derEncoded: leaf.toDERBytes())
        else { return nil }
        guard certificate.publicKey != key.publicKey else { return nil }
        return "the private key \(keyPEMFile) is not the key of the certificate's public key (subject \(certificate.subject)); "
            + "a renewal may be half written: the previous certificate is still served"
    }
}
