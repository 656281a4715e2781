import AsyncHTTPClient
import AuditInput
import Evidence
import Foundation
import KubeletAuthzServer
import NIOCore
import Store
import Testing
import TestSupport

/// A request body sent in two parts, the second when the test says.
struct SplitBody {
    let first: Data, second: Data
    let stream: AsyncStream<ByteBuffer>
    let continuation: AsyncStream<ByteBuffer>.Continuation

    init(_ data: Data) {
        first = data.prefix(data.count / 2)
        second = data.suffix(from: data.count / 2)
        (stream, continuation) = AsyncStream<ByteBuffer>.makeStream()
        continuation.yield(ByteBuffer(bytes: first))
    }

    func finish() {
        continuation.yield(ByteBuffer(bytes: second))
        continuation.finish()
    }

    func post(_ client: HTTPClient, _ url: String) async throws -> Int {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .stream(stream, length: .known(Int64(first.count + second.count)))
        let response = try await client.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }
}

@Suite(.serialized) struct ShutdownAndDurabilityTests {
    /// SIGTERM (here `shutdown()`) while a batch is still arriving: the batch is read to its
    /// end, committed and acknowledged before the server stops.
    @Test func shutdownDrainsARequestInFlight() async throws {
        let dbPath = Fixtures.temporaryDirectory().appendingPathComponent("evidence.db").path
        let db = try EvidenceStore(path: dbPath)
        let server = try await TestServer.start(TestServer.configuration(mode: .observe, pki: nil), store: StoreAccess(evidence: db, decisions: db))
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let body = SplitBody(try AuditWebhookTests.batches(size: 50)[0])
        let url = "http://127.0.0.1:\(server.port)/audit"
        let answer = Task { try await body.post(client, url) }
        try await Task.sleep(for: .milliseconds(300))  // the first half is in the server
        let stopping = Task { try await server.stop() }
        try await Task.sleep(for: .milliseconds(300))  // shutdown has begun
        body.finish()
        #expect(try await answer.value == 200)
        try await stopping.value
        try await client.shutdown()
        #expect(try EvidenceStore(path: dbPath).inputs().count == 1)
    }

    /// The real process killed with SIGKILL while a batch is arriving: the batch acknowledged
    /// before is kept, the interrupted one is not acknowledged, and its resends (the API server
    /// retries it) store it once.
    @Test func sigkillLosesNothingAcknowledgedAndStoresRetriesOnce() async throws {
        let binary = try BuiltExecutable.required()
        let dir = Fixtures.temporaryDirectory()
        let dbPath = dir.appendingPathComponent("evidence.db").path
        let batches = try AuditWebhookTests.batches()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)

        let first = try ServerProcess(binary: binary, store: dbPath, log: dir.appendingPathComponent("a.log").path)
        defer { first.kill(SIGKILL) }
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(first.port)/audit")
        request.method = .POST
        request.body = .bytes(ByteBuffer(bytes: batches[0]))
        #expect(try await client.execute(request, timeout: .seconds(30)).status.code == 200)
        let interrupted = SplitBody(batches[1])
        let url = "http://127.0.0.1:\(first.port)/audit"
        let answer = Task { try await interrupted.post(client, url) }
        try await Task.sleep(for: .milliseconds(300))
        first.kill(SIGKILL)
        await #expect(throws: (any Error).self) { _ = try await answer.value }

        let second = try ServerProcess(binary: binary, store: dbPath, log: dir.appendingPathComponent("b.log").path)
        defer { second.kill(SIGKILL) }
        for _ in 0..<2 {
            var resend = HTTPClientRequest(url: "http://127.0.0.1:\(second.port)/audit")
            resend.method = .POST
            resend.body = .bytes(ByteBuffer(bytes: batches[1]))
            #expect(try await client.execute(resend, timeout: .seconds(30)).status.code == 200)
        }
        second.kill(SIGTERM)
        second.wait()
        try await client.shutdown()

        let expected = MemoryEvidenceStore()
        _ = try AuditIngestor().ingest([AuditSource(path: AuditWebhookTests.log)], into: expected)
        let stored = try EvidenceStore(path: dbPath)
        #expect(try stored.records(since: nil).count == expected.records(since: nil).count)
        #expect(try stored.totals().events == expected.totals().events)
        #expect(try stored.inputs().count == 2)
    }
}

/// `kubelet-authz serve` as a process of its own, on an ephemeral loopback port (read from
/// the line it prints when listening).
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    let port: Int

    /// - Parameter store: `--store`, when given; `extra`: more arguments; `environment`: the
    ///   process's whole environment when given (else the test's).
    init(binary: URL, store: String?, log: String, extra: [String] = [], environment: [String: String]? = nil) throws {
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.executableURL = binary
        process.arguments = ["serve", "-f", TestServer.examples + "/ai-cluster", "--register", TestServer.examples + "/register.yaml",
                             "--insecure-http", "--address", "127.0.0.1:0"] + (store.map { ["--store", $0] } ?? []) + extra
        if let environment { process.environment = environment }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: log)
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        var found: Int? = nil
        while found == nil && Date() < deadline && process.isRunning {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: "Serving webhooks on http://127.0.0.1:") {
                found = Int(text[range.upperBound...].prefix { $0.isNumber })
            } else {
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        guard let found else {
            process.terminate()
            throw TestServerError(description: "serve did not start: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        }
        port = found
    }

    func kill(_ signal: Int32) { Foundation.kill(process.processIdentifier, signal) }
    func wait() { process.waitUntilExit() }
}
