import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// An API server error in words a user can act on; never includes a credential.
public struct KubeAPIError: Error, CustomStringConvertible, Sendable {
    public let status: Int?
    public let description: String
    public init(status: Int? = nil, _ description: String) {
        self.status = status
        self.description = description
    }
}

/// How often, and how patiently, to retry 429 and 5xx answers.
public struct RetryPolicy: Sendable {
    public var attempts: Int
    public var baseDelay: Double
    public var maxDelay: Double
    public static let standard = RetryPolicy(attempts: 5, baseDelay: 0.5, maxDelay: 10)
    public init(attempts: Int, baseDelay: Double, maxDelay: Double) {
        self.attempts = attempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }
}

/// A small Kubernetes API client on AsyncHTTPClient: TLS with the cluster's CA and client
/// certificates, bearer tokens (static, file, or exec plugin), paginated lists that restart on
/// 410, and retries on 429/5xx honouring `Retry-After`.
public final class KubeAPIClient: @unchecked Sendable {
    /// The server's URL without credentials or query, as it may be printed.
    public let server: String
    public let userName: String
    /// The kubeconfig's names for the context and the cluster, for messages.
    public let contextName: String?
    public let clusterName: String?
    let http: HTTPClient
    /// The URL requests are sent to: the server's, with tls-server-name as its host when set.
    let requestBase: String
    /// A configuration that must not be dialled at all, reported by every request.
    let setupError: KubeAPIError?
    let token: @Sendable (_ refresh: Bool) async throws -> String?
    let retry: RetryPolicy
    /// One attempt's limit.
    let timeout: TimeAmount
    /// The whole request's, retries included (`--request-timeout`); nil = none.
    let requestTimeout: Duration?
    /// The TLS settings it was made with: a kubelet client keeps the client certificate.
    let tls: TLSConfiguration
    /// What a failed handshake's message tells the user to check.
    let tlsHint: String
    /// The largest body read: an API server's list pages are large, a kubelet's /configz small.
    let maxBodyBytes: Int
    /// Whether a 401 asks the token source for a fresh token once: right for the API server
    /// (an exec plugin's token may expire early), wrong for kubelets, which refuse tokens for
    /// reasons a new one does not change (webhook authentication off) — every node would run
    /// the plugin again, one at a time.
    let refreshesTokenOn401: Bool

    /// - Parameters:
    ///   - connectTimeout: about what kubectl allows a TCP connection; a closed port fails at
    ///     once (refused connections are not retried).
    ///   - requestTimeout: kubectl's `--request-timeout`: the whole request, retries included.
    public init(server: String, userName: String, contextName: String? = nil, clusterName: String? = nil, tls: TLSConfiguration,
                tlsServerName: String? = nil, proxy: HTTPClient.Configuration.Proxy? = nil,
                token: @escaping @Sendable (_ refresh: Bool) async throws -> String?,
                retry: RetryPolicy = .standard, timeout: TimeAmount = .seconds(30), connectTimeout: TimeAmount = .seconds(5),
                requestTimeout: Duration? = nil, tlsHint: String? = nil,
                maxBodyBytes: Int = 512 << 20, refreshesTokenOn401: Bool = true) {
        self.tlsHint = tlsHint ?? TransportFailure.kubeconfigTLSHint
        self.maxBodyBytes = maxBodyBytes
        self.refreshesTokenOn401 = refreshesTokenOn401
        let dialled = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.server = RedactedURL.text(dialled)
        self.userName = userName
        self.contextName = contextName
        self.clusterName = clusterName
        self.requestTimeout = requestTimeout
        self.tls = tls
        let who = Self.describe(server: self.server, context: contextName, cluster: clusterName, user: userName)
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls, redirectConfiguration: .disallow)
        configuration.proxy = proxy
        // This client retries on its own terms; AsyncHTTPClient's retries would hold a
        // refused certificate until the request's deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        // A watch holds its connection for minutes; over HTTP/1.1 `serve --kubeconfig` holds one
        // per watched list (nine), and a relist needs one more. AsyncHTTPClient's default of 8 per
        // host would leave the ninth watch, and every list after it, waiting for good.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 32
        // tls-server-name: send it as SNI and verify the certificate against it, while
        // connecting to the server's own address — AsyncHTTPClient's dnsOverride does exactly
        // that. Unlike client-go the Host header carries the name too; the API server ignores it.
        var base = dialled
        var setupError: KubeAPIError? = nil
        let serverHost = URLComponents(string: dialled)?.host
        var serverName: String? = nil
        if let name = tlsServerName {
            if let problem = ServerIdentity.serverNameProblem(name) {
                setupError = KubeAPIError("\(who): tls-server-name \"\(name)\" \(problem)")
            } else {
                serverName = name.lowercased()
            }
        }
        if let name = serverName {
            if var parts = URLComponents(string: dialled), let host = parts.host, name != host {
                configuration.dnsOverride = [name: host]
                parts.host = name
                base = parts.string ?? dialled
                // The override holds only if the URL gives back the very name it is keyed by;
                // otherwise the name itself would be looked up and dialled.
                if URL(string: base)?.host != name {
                    setupError = KubeAPIError("\(who): tls-server-name \"\(name)\" does not survive as a URL host")
                }
            }
        }
        if tls.certificateVerification == .fullVerification, let expected = serverName ?? serverHost {
            let check: @Sendable (Channel) -> EventLoopFuture<Void> = { channel in
                channel.eventLoop.submit {
                    let handler = try channel.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self)
                    do {
                        guard let leaf = handler.peerCertificate else { throw ServerIdentity.Mismatch(name: expected, validFor: []) }
                        try ServerIdentity.check(leaf, name: expected)
                    } catch {
                        // AsyncHTTPClient leaves the channel of a refused connection open. Closing
                        // it now would report the close before the refusal, to a pool that then
                        // meets a failure for a connection it no longer knows and traps.
                        channel.eventLoop.scheduleTask(in: .seconds(1)) { channel.close(promise: nil) }
                        throw error
                    }
                }
            }
            configuration.http1_1ConnectionDebugInitializer = check
            configuration.http2ConnectionDebugInitializer = check
        }
        requestBase = base
        self.setupError = setupError
        configuration.timeout.connect = connectTimeout
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.token = token
        self.retry = retry
        self.timeout = timeout
    }

    /// The context, cluster (with its address) and user, as the kubeconfig names them.
    public var who: String { Self.describe(server: server, context: contextName, cluster: clusterName, user: userName) }
    static func describe(server: String, context: String?, cluster: String?, user: String) -> String {
        var parts: [String] = []
        if let context { parts.append("context \"\(context)\"") }
        parts.append(cluster.map { "cluster \"\($0)\" (\(server))" } ?? server)
        parts.append("user \"\(user)\"")
        return parts.joined(separator: ", ")
    }

    /// Header values cannot hold line breaks or other control characters: a token that does
    /// is refused here, before AsyncHTTPClient would quote it in an error.
    static func validToken(_ t: String) -> Bool {
        !t.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }

    public func shutdown() async { try? await http.shutdown() }

    /// One request with retries; returns the status and body. Only idempotent requests are
    /// retried (GET, and SubjectAccessReviews, which change nothing), on 429, 5xx and
    /// connections that failed after they were made, within `requestTimeout`.
    public func send(_ method: HTTPMethod, _ path: String, body: Data? = nil, idempotent: Bool? = nil) async throws -> (Int, Data) {
        if let setupError { throw setupError }
        let retries = idempotent ?? (method == .GET || method == .HEAD)
        let deadline = requestTimeout.map { ContinuousClock.now + $0 }
        var attempt = 0
        var refreshed = false
        while true {
            attempt += 1
            let request = try await prepared(method, path, body: body, refreshToken: refreshed)
            var attemptTimeout = timeout
            if let deadline {
                let left = deadline - ContinuousClock.now
                guard left > .zero else { throw KubeAPIError("\(who): \(method.rawValue) \(path): \(TransportFailure.deadline.text)") }
                attemptTimeout = .nanoseconds(min(attemptTimeout.nanoseconds, left.wholeNanoseconds))
            }
            let response: HTTPClientResponse
            do {
                response = try await http.execute(request, timeout: attemptTimeout)
            } catch {
                // A certificate the CA does not vouch for will not start vouching on retry.
                if let mismatch = certificateMismatch(error) { throw mismatch }
                var failure = TransportFailure(error)
                // A deadline is --request-timeout's only when the whole request's time is up; an
                // attempt that ran out of its own limit may be tried again.
                if case .deadline = failure, !Self.passes(deadline, after: 0) { failure = .attemptTimeout(Int(attemptTimeout.nanoseconds / 1_000_000_000)) }
                if retries && failure.retryable && attempt < retry.attempts && !Self.passes(deadline, after: delay(attempt, retryAfter: nil)) {
                    try await Task.sleep(for: .seconds(delay(attempt, retryAfter: nil)))
                    continue
                }
                throw KubeAPIError("\(who): \(method.rawValue) \(path): \(failure.text(tlsHint: tlsHint))")
            }
            let bytes: ByteBuffer
            do {
                bytes = try await response.body.collect(upTo: maxBodyBytes)
            } catch is NIOTooManyBytesError {
                throw KubeAPIError("\(who): \(method.rawValue) \(path): the answer is larger than \(maxBodyBytes >> 20) MiB")
            }
            let data = Data(bytes.readableBytesView)
            let code = Int(response.status.code)
            if code == 401 && !refreshed && refreshesTokenOn401 {
                refreshed = true  // an exec plugin's token may have expired early: ask once more
                continue
            }
            if retries && (code == 429 || (500...599).contains(code)) && attempt < retry.attempts {
                let wait = delay(attempt, retryAfter: response.headers.first(name: "Retry-After").flatMap(Double.init))
                if !Self.passes(deadline, after: wait) {
                    try await Task.sleep(for: .seconds(wait))
                    continue
                }
            }
            return (code, data)
        }
    }

    /// A request with the headers every call sends, and the bearer token when there is one.
    func prepared(_ method: HTTPMethod, _ path: String, body: Data?, refreshToken: Bool) async throws -> HTTPClientRequest {
        var request = HTTPClientRequest(url: requestBase + path)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "kubelet-authz")
        if let t = try await token(refreshToken) {
            guard Self.validToken(t) else {
                throw KubeAPIError("\(who): the bearer token contains a line break or another control character (check the kubeconfig's token or tokenFile)")
            }
            request.headers.add(name: "Authorization", value: "Bearer " + t)
        }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        return request
    }

    /// A server certificate not valid for the name dialled, in the user's words.
    func certificateMismatch(_ error: Error) -> KubeAPIError? {
        guard let mismatch = error as? ServerIdentity.Mismatch else { return nil }
        let valid = mismatch.validFor.isEmpty ? "no names" : mismatch.validFor.joined(separator: ", ")
        return KubeAPIError("\(who): the server's certificate is valid for \(valid), not \(mismatch.name) (check the kubeconfig's server and tls-server-name)")
    }

    /// How a streamed GET ended.
    public enum StreamEnd: Sendable {
        /// The body ended: the server closed it (a watch's `timeoutSeconds` ran out, or it
        /// stopped watching).
        case ended
        /// A non-2xx answer, with its body (a Status).
        case refused(KubeAPIError)
    }

    /// A GET whose answer is read as it arrives, one line at a time: a watch. Not retried (the
    /// caller decides what a failure means); a 401 asks the token source once more, as `send`
    /// does. Throws when no answer came or the connection broke.
    /// - Parameter maxLine: the longest line read; a longer one ends the stream with an error.
    public func streamLines(_ path: String, maxLine: Int = 64 << 20, line: (Data) async throws -> Void) async throws -> StreamEnd {
        if let setupError { throw setupError }
        var refreshed = false
        while true {
            let request = try await prepared(.GET, path, body: nil, refreshToken: refreshed)
            let response: HTTPClientResponse
            do {
                response = try await http.execute(request, timeout: timeout)
            } catch {
                if let mismatch = certificateMismatch(error) { throw mismatch }
                throw KubeAPIError("\(who): GET \(path): \(TransportFailure(error).text(tlsHint: tlsHint))")
            }
            let code = Int(response.status.code)
            guard (200...299).contains(code) else {
                let body = (try? await response.body.collect(upTo: 1 << 20)).map { Data($0.readableBytesView) } ?? Data()
                if code == 401 && !refreshed && refreshesTokenOn401 {
                    refreshed = true
                    continue
                }
                return .refused(self.error(code, body, verb: "watch", path: path))
            }
            var splitter = LineSplitter(limit: maxLine)
            do {
                for try await chunk in response.body {
                    for complete in try splitter.append(chunk.readableBytesView) { try await line(complete) }
                }
            } catch let tooLong as LineSplitter.LineTooLong {
                throw KubeAPIError("\(who): GET \(path): a line of the answer is longer than \(tooLong.limit >> 20) MiB")
            } catch let error as KubeAPIError {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                throw KubeAPIError("\(who): GET \(path): \(TransportFailure(error).text(tlsHint: tlsHint))")
            }
            if let last = splitter.finish() { try await line(last) }
            return .ended
        }
    }

    /// Whether waiting `seconds` would pass the deadline.
    static func passes(_ deadline: ContinuousClock.Instant?, after seconds: Double) -> Bool {
        guard let deadline else { return false }
        return ContinuousClock.now + .milliseconds(Int(seconds * 1000)) >= deadline
    }

    func delay(_ attempt: Int, retryAfter: Double?) -> Double {
        if let retryAfter { return min(max(0, retryAfter), 30) }
        return min(retry.maxDelay, retry.baseDelay * pow(2, Double(attempt - 1)))
    }

    /// GET returning the body of a 2xx answer, or an error that says what is missing.
    public func get(_ path: String) async throws -> Data {
        let (code, data) = try await send(.GET, path)
        guard (200...299).contains(code) else { throw error(code, data, verb: "get", path: path) }
        return data
    }

    /// POST returning the body of a 2xx answer (`create` in RBAC terms).
    /// - Parameter idempotent: true when the POST changes nothing (a SubjectAccessReview), so
    ///   that it may be retried.
    public func post(_ path: String, body: Data, idempotent: Bool = false) async throws -> Data {
        let (code, data) = try await send(.POST, path, body: body, idempotent: idempotent)
        guard (200...299).contains(code) else { throw error(code, data, verb: "create", path: path) }
        return data
    }

    /// Every page of a list (`limit`/`continue`); an expired continue token (410) restarts the
    /// list from the beginning, as informers do.
    public func list(_ path: String, pageSize: Int = 500) async throws -> [Data] {
        var restarts = 0
        outer: while true {
            var pages: [Data] = []
            var token: String? = nil
            repeat {
                var query = (path.contains("?") ? "&" : "?") + "limit=\(pageSize)"
                if let token { query += "&continue=" + (token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? token) }
                let (code, data) = try await send(.GET, path + query)
                if code == 410 && token != nil && restarts < 3 {
                    restarts += 1
                    continue outer
                }
                guard (200...299).contains(code) else { throw error(code, data, verb: "list", path: path) }
                pages.append(data)
                struct Meta: Decodable { struct M: Decodable { var `continue`: String? }; var metadata: M? }
                token = (try? JSONDecoder().decode(Meta.self, from: data))?.metadata?.continue
                if token?.isEmpty == true { token = nil }
            } while token != nil
            return pages
        }
    }

    func error(_ code: Int, _ data: Data, verb: String, path: String) -> KubeAPIError {
        struct Status: Decodable { var message: String? }
        let message = (try? JSONDecoder().decode(Status.self, from: data))?.message
        switch code {
        case 401:
            return KubeAPIError(status: 401, "\(who) rejected the credentials of user \"\(userName)\" (401 Unauthorized): check the kubeconfig's user, token or client certificate")
        case 403:
            let needs = path.contains("subjectaccessreviews")
                ? "verify needs create on subjectaccessreviews.authorization.k8s.io (the kubelet-authz-verifier ClusterRole in deploy/kubelet-authz-reader.yaml)"
                : "kubelet-authz needs the read-only ClusterRole in deploy/kubelet-authz-reader.yaml"
            return KubeAPIError(status: 403, "\(who): user \"\(userName)\" may not \(verb) \(path) (403 Forbidden\(message.map { ": \($0)" } ?? "")); \(needs)")
        default:
            return KubeAPIError(status: code, "\(who): \(verb) \(path) answered \(code)\(message.map { ": \($0)" } ?? "")")
        }
    }
}
