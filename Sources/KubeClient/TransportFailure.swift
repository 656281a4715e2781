import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// A request that got no HTTP answer, in words a user can act on, and whether trying again
/// can help. Never quotes a credential or a path on the machine that built the binary.
enum TransportFailure {
    case refused
    case connectTimeout
    case closedMidRequest
    case reset
    case deadline
    /// One attempt's own limit, with time left for another.
    case attemptTimeout(Int)
    case tls(String)
    case other(String)

    init(_ error: Error) {
        if error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError {
            self = .tls(Self.clean("\(error)"))
            return
        }
        if let e = error as? HTTPClientError {
            switch e {
            case .connectTimeout: self = .connectTimeout
            case .remoteConnectionClosed: self = .closedMidRequest
            case .deadlineExceeded, .readTimeout, .writeTimeout: self = .deadline
            default: self = .other(Self.clean("\(e)"))
            }
            return
        }
        if Self.errno(in: error).contains(ECONNREFUSED) { self = .refused; return }
        if Self.errno(in: error).contains(ECONNRESET) { self = .reset; return }
        if error is ChannelError, case .connectTimeout = error as! ChannelError { self = .connectTimeout; return }
        self = .other(Self.clean("\(error)"))
    }

    /// Only failures of a connection that may go better next time are retried: a refused
    /// connection, TLS, a bad URL or host name (in `.other`) will not change.
    var retryable: Bool {
        switch self {
        case .refused, .tls, .deadline, .other: return false
        case .connectTimeout, .closedMidRequest, .reset, .attemptTimeout: return true
        }
    }

    /// What to check when the handshake fails, for a client of the kubeconfig's cluster.
    static let kubeconfigTLSHint = "check the kubeconfig's certificate-authority and client certificate"

    var text: String { text(tlsHint: Self.kubeconfigTLSHint) }

    /// - Parameter tlsHint: what to check after a failed handshake: the kubeconfig's CA for the
    ///   API server, the kubelet CA option for a kubelet.
    func text(tlsHint: String) -> String {
        switch self {
        case .refused: return "connection refused: nothing listens at that address (is the server running, and is its address right?)"
        case .connectTimeout: return "no connection within the connect timeout: the address does not answer (firewall, wrong address, or the server is down)"
        case .closedMidRequest: return "the server closed the connection before answering in full"
        case .reset: return "the connection was reset"
        case .deadline: return "no answer within --request-timeout"
        case .attemptTimeout(let seconds): return "no answer within \(seconds) s"
        case .tls(let detail): return "TLS handshake failed (\(tlsHint)): \(detail)"
        case .other(let detail): return detail
        }
    }

    /// The errno values inside NIO's connection errors.
    static func errno(in error: Error) -> [Int32] {
        if let e = error as? IOError { return [e.errnoCode] }
        if let e = error as? NIOConnectionError { return e.connectionErrors.flatMap { errno(in: $0.error) } }
        return []
    }

    /// BoringSSL's descriptions carry source paths of the machine that built it
    /// (`…/ssl/handshake.cc:123`): noise to a user, and not ours to print.
    static func clean(_ text: String) -> String {
        text.split(separator: " ", omittingEmptySubsequences: false).map { word -> Substring in
            word.contains("/") && (word.contains(".cc:") || word.contains(".c:") || word.contains(".inc:") || word.hasSuffix(".cc") || word.hasSuffix(".c")) ? "…" : word
        }.joined(separator: " ")
    }
}

/// Where a client connects, as it may be printed: no user:password, no query (a token in a
/// query string is still a token).
enum RedactedURL {
    static func text(_ url: String) -> String {
        guard var parts = URLComponents(string: url) else { return "<an unparsable server URL>" }
        if parts.user != nil || parts.password != nil { parts.user = nil; parts.password = nil }
        parts.query = nil
        parts.fragment = nil
        return parts.string ?? "<an unparsable server URL>"
    }
}
