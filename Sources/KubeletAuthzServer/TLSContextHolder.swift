import Foundation
import NIOSSL
import Synchronization

/// The TLS context new connections get. Certificate and key are read again when their files
/// change: connections already open keep the context they started with, new ones get the new.
public final class TLSContextHolder: Sendable {
    public let files: ServerConfiguration.TLSFiles
    private let state: Mutex<(context: NIOSSLContext, stamp: [FileStamp])>

    /// What tells a file changed: a rewrite, or a rename over it (how Kubernetes updates
    /// mounted secrets), changes one of these.
    struct FileStamp: Equatable {
        let inode: UInt64, size: UInt64, modified: Double
    }

    public struct LoadError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public init(files: ServerConfiguration.TLSFiles) throws(LoadError) {
        self.files = files
        let stamp = Self.stamp(files)
        state = Mutex((try Self.context(files), stamp))
    }

    var context: NIOSSLContext { state.withLock { $0.context } }

    /// Reads the files again if they changed since the last read. Returns true when a new
    /// context was installed; throws (keeping the old context) when the new files do not load.
    @discardableResult
    public func reloadIfChanged() throws(LoadError) -> Bool {
        let stamp = Self.stamp(files)
        guard stamp != state.withLock({ $0.stamp }) else { return false }
        do {
            let context = try Self.context(files)
            state.withLock { $0 = (context, stamp) }
            return true
        } catch {
            // Remember the stamp: a half-written pair is retried when it changes again, not
            // every few seconds in the log.
            state.withLock { $0.stamp = stamp }
            throw error
        }
    }

    static func stamp(_ files: ServerConfiguration.TLSFiles) -> [FileStamp] {
        [files.certificate, files.privateKey].map { path in
            var st = stat()
            guard stat(path, &st) == 0 else { return FileStamp(inode: 0, size: 0, modified: 0) }
            return FileStamp(inode: UInt64(st.st_ino), size: UInt64(st.st_size),
                             modified: Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9)
        }
    }

    static func context(_ files: ServerConfiguration.TLSFiles) throws(LoadError) -> NIOSSLContext {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(files.certificate).map { NIOSSLCertificateSource.certificate($0) }
            guard !chain.isEmpty else { throw LoadError(description: "--tls-cert-file \(files.certificate): no certificate in the file") }
            let keyPEM = try String(contentsOfFile: files.privateKey, encoding: .utf8)
            let key = try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)
            if case .certificate(let leaf) = chain[0],
               let reason = ServingKeyPairCheck.mismatch(leaf: leaf, keyPEMFile: files.privateKey, keyPEM: keyPEM) {
                throw LoadError(description: "--tls-private-key-file: \(reason)")
            }
            var config = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
            config.minimumTLSVersion = .tlsv12
            if let ca = files.clientCA {
                // The API server presents the client certificate of its webhook kubeconfig;
                // without one the handshake fails.
                guard FileManager.default.fileExists(atPath: ca) else { throw LoadError(description: "--client-ca-file \(ca): the file does not exist") }
                config.trustRoots = .file(ca)
                config.certificateVerification = .noHostnameVerification
            } else {
                config.certificateVerification = .none
            }
            return try NIOSSLContext(configuration: config)
        } catch let e as LoadError {
            throw e
        } catch {
            throw LoadError(description: "cannot load the TLS certificate \(files.certificate) and key \(files.privateKey): \(error)")
        }
    }
}
