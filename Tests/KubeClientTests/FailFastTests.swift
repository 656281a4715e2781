import TestPKI
import CLITestSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import KubeClient
import NIOSSL
import TestSupport
import Testing

/// An unreachable cluster fails at once with a message that names the context, cluster and
/// user, and no message carries a credential: not a password or token in the server URL, not a
/// token that cannot be a header.
@Suite("Failing fast and saying who", .timeLimit(.minutes(2)))
struct FailFastTests {
    /// A loopback port that refuses connections and stays that way: a socket is bound to it
    /// and never listens, and is kept open for the rest of the test process. Closing it (as
    /// this once did) let a server started by a concurrent test take the port, so a "refused"
    /// scan reached that test's server and changed what both saw.
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw PortError(reason: "socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { close(fd); throw PortError(reason: "bind: \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { close(fd); throw PortError(reason: "getsockname: \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    struct PortError: Error { let reason: String }

    /// Retries 100 s apart: a retried refusal would outlive the suite's time limit.
    static let patient = RetryPolicy(attempts: 5, baseDelay: 100, maxDelay: 100)

    @Test("a refused connection is not retried, and the message names context, cluster and user")
    func refused() async throws {
        let port = try Self.closedPort()
        let c = KubeAPIClient(server: "https://127.0.0.1:\(port)", userName: "alice", contextName: "lab", clusterName: "kind",
                              tls: .makeClientConfiguration(), token: { _ in nil }, retry: Self.patient)
        defer { Task { await c.shutdown() } }
        do {
            _ = try await c.get("/version")
            Issue.record("expected an error")
        } catch {
            let text = "\(error)"
            #expect(text.hasPrefix("context \"lab\", cluster \"kind\" (https://127.0.0.1:\(port)), user \"alice\": GET /version: connection refused"), "\(text)")
            #expect(text.filter { $0 == "(" }.count == text.filter { $0 == ")" }.count, "balanced parentheses: \(text)")
        }
    }

    @Test("a password or token in the server URL is in no message", arguments: [
        "https://admin:SECRETPASS@127.0.0.1:%d", "https://127.0.0.1:%d/?access_token=SECRETTOKEN",
    ])
    func urlSecrets(_ pattern: String) async throws {
        let port = try Self.closedPort()
        let url = String(format: pattern, port)
        let c = KubeAPIClient(server: url, userName: "alice", clusterName: "kind", tls: .makeClientConfiguration(),
                              token: { _ in nil }, retry: Self.patient)
        defer { Task { await c.shutdown() } }
        #expect(!c.server.contains("SECRET"))
        do {
            _ = try await c.get("/version")
            Issue.record("expected an error")
        } catch {
            #expect(!"\(error)".contains("SECRET"), "\(error)")
            #expect("\(error)".contains("127.0.0.1:\(port)"))
        }
    }

    @Test("a token with a line break is refused before any request, and never printed")
    func tokenWithLineBreak() async throws {
        let pki = try TestPKI.make()
        let server = try FakeAPIServer(pki: pki) { _ in .init(status: 200, body: "{}") }
        defer { server.stop() }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(pki.caCert))
        let c = KubeAPIClient(server: server.url, userName: "alice", clusterName: "kind", tls: tls,
                              token: { _ in "SECRETTOKEN\r\nX-Injected: yes" }, retry: Self.patient)
        defer { Task { await c.shutdown() } }
        do {
            _ = try await c.get("/version")
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("the bearer token contains a line break"))
            #expect(!"\(error)".contains("SECRETTOKEN"))
        }
        #expect(server.requests.isEmpty)
    }

    @Test("--request-timeout takes kubectl's values and refuses others")
    func requestTimeoutFlag() async throws {
        let port = try Self.closedPort()
        let dir = Fixtures.temporaryDirectory()
        let kubeconfig = try writeKubeconfig(in: dir, cluster: "{server: \"https://127.0.0.1:\(port)\", insecure-skip-tls-verify: true}", user: "{token: t}")
        for good in ["0", "30", "30s", "1m30s", "2h", "500ms"] {
            let r = await run(["scan", "--kubeconfig", kubeconfig, "--request-timeout", good])
            #expect(r.code == 2)
            #expect(r.err.contains("connection refused"), "\(good): \(r.err)")
        }
        let bad = await run(["scan", "--kubeconfig", kubeconfig, "--request-timeout", "soon"])
        #expect(bad.code == 2)
        #expect(bad.err.contains("--request-timeout \"soon\""))
    }
}
