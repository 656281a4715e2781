import Foundation
import NIOCore
import NIOSSL

/// Reads `/configz` from kubelets directly, with the tool's own credentials — never through the
/// API server's node proxy, which the API server authorizes as nodes/proxy (command execution).
/// A few nodes at a time, each within its own time limit; a node that fails is an answer, not
/// an error of the whole read.
public enum KubeletConfigzReader {
    public enum Answer: Sendable, Hashable {
        case body(Data)
        /// 401 or 403: the kubelet refused the credentials or the access (nodes/configz).
        case refused(Int, String)
        /// Another status, or no HTTP answer at all.
        case failed(String)
    }

    public static let path = "/configz"

    /// - Parameters:
    ///   - targets: node name → the kubelet's `https://IP:PORT`.
    ///   - client: the API client whose credentials (token, client certificate) are sent.
    ///   - concurrency: kubelets asked at once.
    ///   - timeout: one kubelet's limit, connection included.
    public static func read(_ targets: [(node: String, url: String)], with client: KubeAPIClient, trust: KubeletTrust,
                            concurrency: Int = 32, timeout: Duration = .seconds(10)) async -> [String: Answer] {
        var answers: [String: Answer] = [:]
        await withTaskGroup(of: (String, Answer).self) { group in
            var next = 0
            func start() {
                guard next < targets.count else { return }
                let target = targets[next]
                next += 1
                group.addTask { (target.node, await ask(target.url, with: client, trust: trust, timeout: timeout)) }
            }
            for _ in 0..<max(1, concurrency) { start() }
            while let (node, answer) = await group.next() {
                answers[node] = answer
                start()
            }
        }
        return answers
    }

    static func ask(_ url: String, with client: KubeAPIClient, trust: KubeletTrust, timeout: Duration) async -> Answer {
        let kubelet = client.kubelet(url, trust: trust, timeout: timeout)
        let answer = await answer(from: kubelet, url)
        await kubelet.shutdown()
        return answer
    }

    static func answer(from kubelet: KubeAPIClient, _ url: String) async -> Answer {
        do {
            let (code, data) = try await kubelet.send(.GET, path, idempotent: false)
            switch code {
            case 200...299: return .body(data)
            case 401, 403: return .refused(code, excerpt(data))
            // A kubelet with its debugging handlers off serves no /configz; the body says so.
            default: return .failed("GET \(url)\(path) answered \(code): \(excerpt(data))")
            }
        } catch {
            return .failed("\(error)")
        }
    }

    /// The start of an error body, on one line: the kubelet answers in plain text, the API server
    /// in a Status.
    static func excerpt(_ data: Data) -> String {
        struct Status: Decodable { var message: String? }
        let text = (try? JSONDecoder().decode(Status.self, from: data))?.message ?? String(decoding: data.prefix(200), as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }
}

extension KubeAPIClient {
    /// A client for one kubelet's own server: the same user (token and client certificate), the
    /// kubelet's trust, one attempt within `timeout`, no proxy.
    func kubelet(_ url: String, trust: KubeletTrust, timeout: Duration) -> KubeAPIClient {
        var t = tls
        // Verification is set here, never inherited: a kubeconfig with insecure-skip-tls-verify
        // must not send the token to whatever answers at a node's address unchecked. Only
        // --kubelet-insecure-tls, which warns, turns it off.
        switch trust {
        case .apiServerCA: t.certificateVerification = .fullVerification
        case .certificates(let certs):
            t.trustRoots = .certificates(certs)
            t.certificateVerification = .fullVerification
        case .insecure: t.certificateVerification = .none
        }
        let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        return KubeAPIClient(server: url, userName: userName, tls: t, token: token,
                             retry: RetryPolicy(attempts: 1, baseDelay: 0, maxDelay: 0), timeout: .nanoseconds(nanoseconds),
                             connectTimeout: .nanoseconds(min(nanoseconds, 5_000_000_000)), requestTimeout: timeout,
                             tlsHint: "--kubelet-ca names the CA that signs kubelet serving certificates, which must name the node's InternalIP",
                             maxBodyBytes: 4 << 20, refreshesTokenOn401: false)
    }
}
