import AsyncHTTPClient
import AuditInput
import Evidence
import Foundation
import KubeletAuthzApp
import NIOCore
import Store
import Testing
import TestSupport

/// `kubelet-authz serve` as its own process, storing under a cluster: the demo's audit batches
/// (examples/audit) and a kubelet check's decision land under `--cluster`, else the kube-system
/// Namespace's UID of the cluster served; the store comes from `--store` or, without it, from
/// `$KUBELET_AUTHZ_STORE` as for every other command.
@Suite(.serialized) struct ServeClusterTests {
    static let netdata = "system:serviceaccount:monitoring:netdata"

    /// The demo's kube-system UID, as the cluster reader reads it (examples/ai-cluster/namespaces.yaml).
    static func demoUID() throws -> String {
        let snapshot = try ClusterFileReader.read([TestServer.examples + "/ai-cluster"], stdin: { Data() })
        return try #require(snapshot.namespaces.first { $0.name == "kube-system" }?.uid)
    }

    /// Posts the demo's first audit batch and one kubelet check, then stops the server (SIGTERM
    /// flushes the decisions).
    static func exercise(_ server: ServerProcess) async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        var audit = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/audit")
        audit.method = .POST
        audit.body = .bytes(ByteBuffer(bytes: try AuditWebhookTests.batches()[0]))
        #expect(try await client.execute(audit, timeout: .seconds(30)).status.code == 200)
        var review = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/authorize")
        review.method = .POST
        review.headers.add(name: "Content-Type", value: "application/json")
        review.body = .bytes(ByteBuffer(bytes: kubeletReview(user: netdata, groups: [], verb: "get", subresource: "proxy", node: "gpu-node-1")))
        #expect(try await client.execute(review, timeout: .seconds(30)).status.code == 200)
        try await client.shutdown()
        server.kill(SIGTERM)
        server.wait()
    }

    /// What the first batch holds, as the file reader extracts it.
    static func firstBatchRecords() throws -> Int {
        let dir = Fixtures.temporaryDirectory()
        let lines = try String(contentsOfFile: AuditWebhookTests.log, encoding: .utf8).split(separator: "\n").filter { !$0.isEmpty }
        let file = dir.appendingPathComponent("first.log")
        try Data((lines.prefix(400).joined(separator: "\n") + "\n").utf8).write(to: file)
        let memory = MemoryEvidenceStore()
        _ = try AuditIngestor().ingest([AuditSource(path: file.path)], into: memory)
        return try memory.records(since: nil).count
    }

    /// Runs the server with `--store store` (when given), `extra` and `$KUBELET_AUTHZ_STORE`
    /// set to `storeVariable` (unset when nil), exercises it, and gives back what it printed.
    static func serve(store: String?, storeVariable: String?, extra: [String] = []) async throws -> String {
        let binary = try #require(BuiltExecutable.kubeletAuthz, "kubelet-authz binary next to the test bundle")
        let log = Fixtures.temporaryDirectory().appendingPathComponent("serve.log").path
        var environment = ProcessInfo.processInfo.environment
        environment["KUBELET_AUTHZ_CLUSTER"] = nil
        environment["KUBELET_AUTHZ_STORE"] = storeVariable
        let server = try ServerProcess(binary: binary, store: store, log: log, extra: extra, environment: environment)
        defer { server.kill(SIGKILL) }
        try await exercise(server)
        return try String(contentsOfFile: log, encoding: .utf8)
    }

    @Test("serve --store FILE, no --cluster: batches and decisions are stored under the kube-system UID of the cluster served")
    func underTheUID() async throws {
        let db = Fixtures.temporaryDirectory().appendingPathComponent("evidence.db").path
        let log = try await Self.serve(store: db, storeVariable: nil)
        let uid = try Self.demoUID()
        #expect(log.contains("under cluster \(uid)"), "\(log)")
        let store = try EvidenceStore(path: db)
        let expected = try Self.firstBatchRecords()
        #expect(expected > 0)
        #expect(try store.records(since: nil, cluster: uid).count == expected)
        #expect(try store.records(since: nil, cluster: "").isEmpty)
        #expect(try store.inputs(cluster: uid).count == 1)
        let decisions = try store.decisions(cluster: uid)
        #expect(decisions.map(\.key.user) == [Self.netdata] && decisions.map(\.count) == [1], "\(decisions)")
        #expect(try store.decisions(cluster: "").isEmpty)
    }

    @Test("serve --cluster NAME with $KUBELET_AUTHZ_STORE and no --store: the environment's store, under NAME")
    func storeFromTheEnvironment() async throws {
        let db = Fixtures.temporaryDirectory().appendingPathComponent("from-env.db").path
        let log = try await Self.serve(store: nil, storeVariable: db, extra: ["--cluster", "prod-eu"])
        #expect(log.contains("under cluster prod-eu"), "\(log)")
        #expect(FileManager.default.fileExists(atPath: db))
        let store = try EvidenceStore(path: db)
        #expect(try store.records(since: nil, cluster: "prod-eu").count == (try Self.firstBatchRecords()))
        #expect(try store.records(since: nil).count == (try store.records(since: nil, cluster: "prod-eu").count))
        #expect(try store.decisions(cluster: "prod-eu").map(\.count) == [1])
    }
}
