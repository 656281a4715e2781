import AsyncHTTPClient
import Foundation
import NIOSSL

/// Builds an API client from a resolved kubeconfig or the in-cluster configuration.
public enum KubeClientFactory {
    /// - Parameters:
    ///   - environment: what an exec credential plugin inherits (the console's, not necessarily the process's).
    ///   - stdinIsTerminal: whether an exec plugin may ask the user.
    ///   - execTimeout: how long an exec credential plugin may run.
    ///   - requestTimeout: kubectl's `--request-timeout`, the whole request; nil = none.
    public static func client(for r: Kubeconfig.Resolved, environment: [String: String], stdinIsTerminal: Bool,
                              execTimeout: Duration = .seconds(60), retry: RetryPolicy = .standard,
                              requestTimeout: Duration? = nil) async throws(KubeconfigError) -> KubeAPIClient {
        let server = r.cluster.server ?? ""
        var tls = TLSConfiguration.makeClientConfiguration()
        if r.cluster.insecureSkipTLSVerify {
            tls.certificateVerification = .none
        } else if let ca = try pem(r.cluster.certificateAuthorityData, file: r.cluster.certificateAuthority, what: "cluster \"\(r.clusterName)\" certificate-authority") {
            do { tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes([UInt8](ca))) } catch {
                throw KubeconfigError("cluster \"\(r.clusterName)\": certificate-authority is not a PEM certificate")
            }
        }
        let exec: ExecCredentialPlugin? = r.user.exec.map {
            ExecCredentialPlugin(config: $0, userName: r.userName, environment: environment, stdinIsTerminal: stdinIsTerminal, timeout: execTimeout)
        }
        let execCredential: ClientCredential? = try await exec?.credential()
        let certPEM = try pem(r.user.clientCertificateData ?? execCredential?.clientCertificatePEM, file: r.user.clientCertificate, what: "user \"\(r.userName)\" client-certificate")
        let keyPEM = try pem(r.user.clientKeyData ?? execCredential?.clientKeyPEM, file: r.user.clientKey, what: "user \"\(r.userName)\" client-key")
        if let certPEM, let keyPEM {
            do {
                tls.certificateChain = try NIOSSLCertificate.fromPEMBytes([UInt8](certPEM)).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: [UInt8](keyPEM), format: .pem))
            } catch {
                throw KubeconfigError("user \"\(r.userName)\": the client certificate or key is not valid PEM")
            }
        }
        var staticToken = r.user.token
        if staticToken == nil, let file = r.user.tokenFile {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw KubeconfigError("user \"\(r.userName)\": tokenFile \(file) cannot be read")
            }
            staticToken = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let proxy: HTTPClient.Configuration.Proxy?
        if let p = r.cluster.proxyURL {
            guard let url = URL(string: p), let host = url.host, url.scheme == "http" || url.scheme == "https" else {
                throw KubeconfigError("cluster \"\(r.clusterName)\": proxy-url \"\(p)\" is not an http(s) proxy URL")
            }
            proxy = .server(host: host, port: url.port ?? (url.scheme == "https" ? 443 : 80))
        } else {
            proxy = nil
        }
        let fixedToken = staticToken
        if let name = r.cluster.tlsServerName, let problem = ServerIdentity.serverNameProblem(name) {
            throw KubeconfigError("cluster \"\(r.clusterName)\": tls-server-name \"\(name)\" \(problem)")
        }
        return KubeAPIClient(server: server, userName: r.userName, contextName: r.contextName, clusterName: r.clusterName, tls: tls,
                             tlsServerName: r.cluster.tlsServerName, proxy: proxy, token: { refresh in
            if let exec { return try await exec.credential(forceRefresh: refresh).token }
            return fixedToken
        }, retry: retry, requestTimeout: requestTimeout)
    }

    public static func client(inCluster c: InClusterConfig, retry: RetryPolicy = .standard, requestTimeout: Duration? = nil) throws(KubeconfigError) -> KubeAPIClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        guard let ca = FileManager.default.contents(atPath: c.certificateAuthority),
              let roots = try? NIOSSLCertificate.fromPEMBytes([UInt8](ca)) else {
            throw KubeconfigError("in-cluster configuration: \(c.certificateAuthority) is not a PEM certificate")
        }
        tls.trustRoots = .certificates(roots)
        let tokenFile = c.tokenFile
        // Projected tokens rotate: read the file for each request, as client-go does.
        return KubeAPIClient(server: c.server, userName: "in-cluster ServiceAccount", tls: tls, token: { _ in
            FileManager.default.contents(atPath: tokenFile).map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
        }, retry: retry, requestTimeout: requestTimeout)
    }

    static func pem(_ data: Data?, file: String?, what: String) throws(KubeconfigError) -> Data? {
        if let data { return data }
        guard let file else { return nil }
        guard let d = FileManager.default.contents(atPath: file) else { throw KubeconfigError("\(what): \(file) cannot be read") }
        return d
    }
}
