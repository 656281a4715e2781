import Foundation

/// What a credential plugin or a static kubeconfig entry gives: a bearer token and/or a client
/// certificate. Its description never shows a secret.
public struct ClientCredential: Sendable, Equatable, CustomStringConvertible {
    public var token: String?
    public var clientCertificatePEM: Data?
    public var clientKeyPEM: Data?
    public var expiration: Date?

    public init(token: String? = nil, clientCertificatePEM: Data? = nil, clientKeyPEM: Data? = nil, expiration: Date? = nil) {
        self.token = token
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.expiration = expiration
    }

    public var description: String {
        var parts: [String] = []
        if token != nil { parts.append("token (redacted)") }
        if clientCertificatePEM != nil { parts.append("client certificate") }
        if let expiration { parts.append("expires \(ISO8601DateFormatter().string(from: expiration))") }
        return "ClientCredential(\(parts.joined(separator: ", ")))"
    }
}

/// Runs an `exec` credential plugin (client.authentication.k8s.io/v1 or v1beta1) as kubectl
/// does: `KUBERNETES_EXEC_INFO` carries the ExecCredential request, the plugin's stdout the
/// answer; results are cached until their `expirationTimestamp`.
///
/// A plugin runs on a serial queue of its own, never on Swift's cooperative pool (it may take
/// seconds, or a browser login), one run at a time, so callers waiting together share its
/// answer. A run is bounded (`BoundedProcess.Limits`): stopped after `timeout` (60 s unless
/// given), and after 4 MiB of stdout; stderr is kept to its first 4 KiB.
public final class ExecCredentialPlugin: @unchecked Sendable {
    let config: Kubeconfig.ExecConfig
    let userName: String
    let environment: [String: String]
    let stdinIsTerminal: Bool
    let now: () -> Date
    let limits: BoundedProcess.Limits
    private var cached: ClientCredential?
    private let lock = NSLock()
    private let queue = DispatchQueue(label: "kubelet-authz.exec-credential-plugin")
    public private(set) var runs = 0

    /// - Parameter environment: what the plugin inherits, and the `PATH` its command is found on.
    public init(config: Kubeconfig.ExecConfig, userName: String, environment: [String: String],
                stdinIsTerminal: Bool = false, timeout: Duration = .seconds(60), now: @escaping () -> Date = Date.init) {
        self.config = config
        self.userName = userName
        self.environment = environment
        self.stdinIsTerminal = stdinIsTerminal
        self.limits = BoundedProcess.Limits(timeout: timeout)
        self.now = now
    }

    /// The credential, from the cache or a run of the plugin on its own queue.
    public func credential(forceRefresh: Bool = false) async throws(KubeconfigError) -> ClientCredential {
        let result: Result<ClientCredential, KubeconfigError> = await withCheckedContinuation { done in
            queue.async {
                done.resume(returning: Result { () throws(KubeconfigError) in try self.credentialBlocking(forceRefresh: forceRefresh) })
            }
        }
        return try result.get()
    }

    /// The same on the calling thread, which it may block for as long as the plugin runs.
    public func credentialBlocking(forceRefresh: Bool = false) throws(KubeconfigError) -> ClientCredential {
        lock.lock()
        defer { lock.unlock() }
        if !forceRefresh, let cached, cached.expiration.map({ $0 > now() }) ?? true { return cached }
        let fresh = try run()
        cached = fresh
        return fresh
    }

    func run() throws(KubeconfigError) -> ClientCredential {
        let who = "user \"\(userName)\": exec plugin \(config.command)"
        if config.interactiveMode == "Always" && !stdinIsTerminal {
            throw KubeconfigError("\(who) needs an interactive terminal (interactiveMode: Always) and there is none")
        }
        let interactive = config.interactiveMode != "Never" && stdinIsTerminal
        let request = "{\"apiVersion\":\"\(config.apiVersion)\",\"kind\":\"ExecCredential\",\"spec\":{\"interactive\":\(interactive)}}"
        let hint = config.installHint.map { ": \($0)" } ?? ""
        guard let executable = BoundedProcess.resolve(config.command, path: environment["PATH"]) else {
            let missing = config.command.contains("/") ? "no executable file there" : "not found on PATH"
            throw KubeconfigError("\(who) could not be started (\(missing))\(hint)")
        }
        var env = environment
        for (name, value) in config.env { env[name] = value }
        env["KUBERNETES_EXEC_INFO"] = request
        let outcome: BoundedProcess.Outcome
        do {
            outcome = try BoundedProcess(executable: executable, arguments: config.args, environment: env,
                                         inheritStdin: interactive, limits: limits).run()
        } catch {
            throw KubeconfigError("\(who) could not be started (\(error.reason))\(hint)")
        }
        runs += 1
        // The plugin's stderr is its own message to the user; its stdout may hold secrets.
        let message = String(decoding: outcome.stderr.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let said = message.isEmpty ? "" : "; it said: \(message)"
        switch outcome.ending {
        case .exited(0): break
        case .exited(let status):
            throw KubeconfigError("\(who) exited with status \(status)\(message.isEmpty ? "" : ": \(message)")")
        case .signalled(let signal):
            throw KubeconfigError("\(who) was killed by signal \(signal)\(said)")
        case .timedOut:
            throw KubeconfigError("\(who) did not finish within \(String(format: "%g", limits.timeout.secondsValue)) s and was stopped\(said)")
        case .stdoutOverflow:
            throw KubeconfigError("\(who) printed more than \(limits.stdoutBytes >> 20) MiB on stdout, which no ExecCredential needs, and was stopped\(said)")
        }
        let stdout = Data(outcome.stdout)
        struct Answer: Decodable {
            struct Status: Decodable {
                var token: String?
                var clientCertificateData: String?
                var clientKeyData: String?
                var expirationTimestamp: String?
            }
            var apiVersion: String?
            var kind: String?
            var status: Status?
        }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: stdout) else {
            throw KubeconfigError("\(who) did not print an ExecCredential (JSON) on stdout")
        }
        guard answer.kind == "ExecCredential", answer.apiVersion == config.apiVersion else {
            throw KubeconfigError("\(who) answered apiVersion \(answer.apiVersion ?? "none") kind \(answer.kind ?? "none"); expected \(config.apiVersion) ExecCredential")
        }
        guard let status = answer.status else { throw KubeconfigError("\(who) answered without status") }
        let hasCert = status.clientCertificateData != nil, hasKey = status.clientKeyData != nil
        guard hasCert == hasKey else { throw KubeconfigError("\(who) answered a client certificate without its key, or a key without its certificate") }
        guard status.token != nil || hasCert else { throw KubeconfigError("\(who) answered neither a token nor a client certificate") }
        var expiration: Date? = nil
        if let text = status.expirationTimestamp {
            guard let d = ISO8601DateFormatter().date(from: text) else { throw KubeconfigError("\(who): expirationTimestamp \"\(text)\" is not RFC 3339") }
            expiration = d
        }
        return ClientCredential(token: status.token, clientCertificatePEM: status.clientCertificateData.map { Data($0.utf8) },
                                clientKeyPEM: status.clientKeyData.map { Data($0.utf8) }, expiration: expiration)
    }
}
