import AsyncHTTPClient
import Foundation
import Evidence
import Governance
import KubeClient
import KubeletAuthzApp
import KubeletAuthzServer
import NIOCore
import TestPKI
import TestSupport
import Testing
import Yams

/// The watch streams a `WatchedAPIServer` has open, by list path, in the order requested.
final class WatchStreams: @unchecked Sendable {
    private let lock = NSLock()
    private var open: [String: [AsyncStream<String>.Continuation]] = [:]
    private var closed = false
    private var refusals: [String: [Int]] = [:]

    /// The next watch requests of `path` are answered with these statuses, one each, instead of a stream.
    func refuseNext(_ path: String, with statuses: [Int]) {
        lock.lock(); refusals[path, default: []] += statuses; lock.unlock()
    }

    func takeRefusal(_ path: String) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard let first = refusals[path]?.first else { return nil }
        refusals[path]?.removeFirst()
        return first
    }

    /// A new watch's stream; once `finishAll` was called, one that ends at once.
    func add(_ path: String) -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        lock.lock(); open[path, default: []].append(continuation); let ended = closed; lock.unlock()
        if ended { continuation.finish() }
        return stream
    }

    func stream(_ path: String, _ index: Int) -> AsyncStream<String>.Continuation? {
        lock.lock(); defer { lock.unlock() }
        let list = open[path] ?? []
        return index < list.count ? list[index] : nil
    }

    func finishAll() {
        lock.lock(); closed = true; let all = open.values.flatMap { $0 }; lock.unlock()
        for c in all { c.finish() }
    }
}

/// The example cluster served as kube-apiserver serves it to an informer: typed list pages
/// (resourceVersion 4711), and for `?watch=1` a chunked stream the test writes WatchEvent lines
/// into (k8s.io/apiserver/pkg/endpoints/handlers/watch.go: one JSON object per line).
struct WatchedAPIServer {
    static let pki = try! TestPKI.make()
    let server: FakeAPIServer
    let streams: WatchStreams
    let cluster: ServedCluster

    init() throws {
        let cluster = try ServedCluster.example()
        let streams = WatchStreams()
        self.streams = streams
        self.cluster = cluster
        server = try FakeAPIServer(pki: Self.pki) { r in
            let parts = r.uri.split(separator: "?", maxSplits: 1).map(String.init)
            let query = parts.count > 1 ? parts[1] : ""
            if parts[0] == "/version" { return .init(status: 200, body: Wire.version) }
            if query.split(separator: "&").contains("watch=1") {
                guard LiveClusterReader.kinds[parts[0]] != nil else { return .init(status: 404, body: Wire.status(404, "NotFound", "not found")) }
                if let status = streams.takeRefusal(parts[0]) {
                    let reason = status == 410 ? "Expired" : "InternalError"
                    return .init(status: status, body: Wire.status(status, reason, status == 410 ? "too old resource version: 4711 (4890)" : "etcd leader changed"))
                }
                return .init(status: 200, body: "", stream: streams.add(parts[0]))
            }
            return cluster.page(path: parts[0], query: query) ?? .init(status: 404, body: Wire.status(404, "NotFound", "not found"))
        }
    }

    func watches(_ path: String) -> [String] {
        server.requests.filter { $0.uri.hasPrefix(path + "?") && $0.uri.contains("watch=1") }.map(\.uri)
    }

    func lists(_ path: String) -> Int {
        server.requests.filter { $0.uri.hasPrefix(path + "?") && !$0.uri.contains("watch=1") }.count
    }

    /// The `index`-th watch of `path`, once the client asked for it.
    func stream(_ path: String, _ index: Int = 0) async throws -> AsyncStream<String>.Continuation {
        try await eventually("watch \(index + 1) of \(path)") { streams.stream(path, index) != nil }
        return streams.stream(path, index)!
    }

    func stop() {
        streams.finishAll()
        server.stop()
    }
}

/// Waits for `condition`, checking every 20 ms, for at most 20 s: what the server does after an
/// event happens on its own tasks.
func eventually(_ what: String, _ condition: () async throws -> Bool) async throws {
    for _ in 0..<1000 {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw WatchTestError(description: "still not so after 20 s: \(what)")
}

struct WatchTestError: Error, CustomStringConvertible { let description: String }

/// A WatchEvent line as the API server writes it.
func watchLine(_ type: String, _ object: String) -> String { #"{"type":"\#(type)","object":\#(object)}"# + "\n" }

/// `serve --kubeconfig` in enforce mode with the example register, in-process on 127.0.0.1.
struct WatchingServe {
    static let demoDay = 1_795_780_800.0  // 2026-11-27T12:00:00Z, the demo's day
    static let register = Fixtures.repositoryRoot.appendingPathComponent("examples/register.yaml").path
    let server: KubeletAuthzServer
    let cluster: LiveClusterWatch
    let port: Int
    let task: Task<Void, any Error>
    let http = HTTPClient(eventLoopGroupProvider: .singleton)

    static func start(_ api: WatchedAPIServer) async throws -> WatchingServe {
        let kubeconfig = try writeKubeconfig(server: api.server, ca: WatchedAPIServer.pki.caCert, in: Fixtures.temporaryDirectory())
        let live = LiveCluster(kubeconfig: kubeconfig, context: nil, environment: [:])
        let source = EnforcementPolicySource(files: [], live: live, register: register, neverDeny: .defaults())
        let cluster = LiveClusterWatch(live: live, backoff: WatchBackoff(initial: .milliseconds(20), maximum: .milliseconds(100)), timeoutSeconds: 30)
        var config = ServerConfiguration(mode: .enforce, address: ListenAddress(host: "127.0.0.1", port: 0), tls: nil)
        config.clock = { demoDay }
        config.watchSettle = .milliseconds(50)
        config.decisionFlushInterval = .seconds(3600)
        let server = try KubeletAuthzServer(configuration: config, store: StoreAccess(evidence: MemoryEvidenceStore(), decisions: MemoryDecisionStore()),
                                            load: { day in try await source.load(today: day) },
                                            watch: PolicyWatch(source: source, cluster: cluster))
        let (ports, found) = AsyncStream<Int>.makeStream()
        let task = Task {
            defer { found.finish() }
            try await server.run(handleSignals: false) { listener, port in if listener == .webhook { found.yield(port) } }
        }
        for await port in ports { return WatchingServe(server: server, cluster: cluster, port: port, task: task) }
        _ = try await task.value
        throw WatchTestError(description: "serve stopped before listening")
    }

    struct Verdict: Equatable {
        let allowed: Bool, denied: Bool
        static let denied = Verdict(allowed: false, denied: true)
        /// Left to RBAC.
        static let noOpinion = Verdict(allowed: false, denied: false)
    }

    /// The verdict on `get nodes/<subresource>` by `user`, as the API server's webhook authorizer asks.
    func verdict(user: String, subresource: String = "proxy") async throws -> Verdict {
        let review: [String: Any] = [
            "kind": "SubjectAccessReview", "apiVersion": "authorization.k8s.io/v1",
            "spec": ["resourceAttributes": ["verb": "get", "version": "v1", "resource": "nodes", "subresource": subresource, "name": "gpu-node-1"],
                     "user": user, "groups": ["system:serviceaccounts", "system:authenticated"]] as [String: Any],
        ]
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/authorize")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: review)))
        let response = try await http.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        let status = (try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any])?["status"] as? [String: Any] ?? [:]
        return Verdict(allowed: status["allowed"] as? Bool ?? false, denied: status["denied"] as? Bool ?? false)
    }

    /// A counter's value on /metrics: the sample whose labels include all of `labels`.
    func metric(_ name: String, _ labels: [String]) async throws -> Double {
        let response = try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics"), timeout: .seconds(10))
        let text = String(buffer: try await response.body.collect(upTo: 4 << 20))
        let line = text.split(separator: "\n").first { line in
            (line.hasPrefix(name + "{") || line.hasPrefix(name + " ")) && labels.allSatisfy { line.contains($0) }
        }
        return line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
    }

    func stop() async throws {
        try await http.shutdown()
        await server.shutdown()
        try await task.value
    }
}

@Suite("serve --kubeconfig keeps its policy current with watches", .serialized)
struct ClusterWatchTests {
    static let bindings = "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings"
    static let kubecost = "system:serviceaccount:kubecost:kubecost-prometheus-server"

    /// Tests/Fixtures/watch/kubecost-proxy-approved.yaml as the JSON a watch carries.
    static func approvedBinding() throws -> String {
        let text = try String(contentsOf: Fixtures.url("watch/kubecost-proxy-approved.yaml"), encoding: .utf8)
        let object = try #require(try Yams.load(yaml: text, Resolver.default.removing(.timestamp)))
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    static func resourceVersion(_ object: String, _ version: String) throws -> String {
        try edited(object) { o in
            var metadata = o["metadata"] as? [String: Any] ?? [:]
            metadata["resourceVersion"] = version
            o["metadata"] = metadata
        }
    }

    static func edited(_ object: String, _ edit: (inout [String: Any]) -> Void) throws -> String {
        var o = try JSONSerialization.jsonObject(with: Data(object.utf8)) as! [String: Any]
        edit(&o)
        return String(decoding: try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]), as: UTF8.self)
    }

    @Test("without --cluster, serve stores under the kube-system UID read by one list narrowed to it, not by a second read of the whole cluster")
    func storeClusterFromOneNamespace() async throws {
        let api = try WatchedAPIServer()
        defer { api.stop() }
        let kubeconfig = try writeKubeconfig(server: api.server, ca: WatchedAPIServer.pki.caCert, in: Fixtures.temporaryDirectory())
        let source = EnforcementPolicySource(files: [], live: LiveCluster(kubeconfig: kubeconfig, context: nil, environment: [:]),
                                             register: nil, neverDeny: .defaults())
        let demo = try ClusterFileReader.read([Fixtures.repositoryRoot.appendingPathComponent("examples/ai-cluster").path], stdin: { Data() })
        let uid = try #require(demo.namespaces.first { $0.name == "kube-system" }?.uid)
        #expect(try await source.storeCluster(explicit: nil, environment: [:]) == uid)
        #expect(api.server.requests.map(\.uri) == [LiveClusterReader.kubeSystemPath + "&limit=500"])
        // A name given wins, and nothing is read.
        #expect(try await source.storeCluster(explicit: "prod", environment: [:]) == "prod")
        #expect(api.server.requests.count == 1)
    }

    @Test("a ClusterRoleBinding ADDED on the watch changes the enforce answer, DELETED changes it back, without SIGHUP")
    func bindingAddedThenDeleted() async throws {
        let api = try WatchedAPIServer()
        defer { api.stop() }
        let serve = try await WatchingServe.start(api)
        let watch = try await api.stream(Self.bindings)
        // Watched from the list's version, with bookmarks, for the timeout asked.
        let uri = try #require(api.watches(Self.bindings).first)
        #expect(uri.contains("resourceVersion=4711") && uri.contains("allowWatchBookmarks=true") && uri.contains("timeoutSeconds=30"))
        // What the watches keep decodes as the pages of a full read do.
        let rebuilt = try serve.cluster.snapshot()
        let read = try await serve.cluster.live.read().snapshot
        let listsBefore = api.lists(Self.bindings)
        #expect(rebuilt.bindings.map(\.name).sorted() == read.bindings.map(\.name).sorted())
        #expect(rebuilt.roles.map(\.name).sorted() == read.roles.map(\.name).sorted())
        #expect(rebuilt.objectCount == read.objectCount && rebuilt.serverVersion == read.serverVersion)
        #expect(!rebuilt.bindings.isEmpty && !rebuilt.nodes.isEmpty && !rebuilt.workloads.isEmpty)
        #expect(try await serve.verdict(user: Self.kubecost) == WatchingServe.Verdict.denied)
        let generation = try #require(serve.server.policy.policy?.generation)

        // The event arrives in two chunks, split inside the object.
        let added = watchLine("ADDED", try Self.approvedBinding())
        let cut = added.index(added.startIndex, offsetBy: added.count / 2)
        watch.yield(String(added[..<cut]))
        try await Task.sleep(for: .milliseconds(100))
        watch.yield(String(added[cut...]))
        try await eventually("the approving binding is in force") { try await serve.verdict(user: Self.kubecost) == .noOpinion }
        #expect(try #require(serve.server.policy.policy?.generation) > generation)

        watch.yield(watchLine("DELETED", try Self.resourceVersion(try Self.approvedBinding(), "4713")))
        try await eventually("the binding's removal is in force") { try await serve.verdict(user: Self.kubecost) == .denied }
        // One watch throughout, and no list of its own after the first.
        #expect(api.watches(Self.bindings).count == 1)
        #expect(api.lists(Self.bindings) == listsBefore)
        #expect(try await serve.metric("kubelet_authz_policy_reloads_total", []) >= 3)
        // SIGHUP's reload still reads the whole cluster.
        #expect(await serve.server.reload() == nil)
        #expect(api.lists(Self.bindings) == listsBefore + 1)
        // The API server ends its watches as the connections close.
        api.streams.finishAll()
        try await serve.stop()
    }

    @Test("an ERROR event with a 410 Expired Status, or a 410 answer to the watch, lists again and is counted as relist_410; a 500 is waited out without a list")
    func expiredResourceVersionRelists() async throws {
        let api = try WatchedAPIServer()
        defer { api.stop() }
        let serve = try await WatchingServe.start(api)
        let watch = try await api.stream(Self.bindings)
        // As the watch cache answers a version it no longer holds (reason Expired, code 410).
        watch.yield(watchLine("ERROR", Wire.status(410, "Expired", "too old resource version: 4711 (4890)")))
        _ = try await api.stream(Self.bindings, 1)
        #expect(api.lists(Self.bindings) == 2)
        #expect(api.watches(Self.bindings).last?.contains("resourceVersion=4711") == true)
        try await eventually("relist_410 counted") {
            try await serve.metric("kubelet_authz_watch_restarts_total", [#"resource="clusterrolebindings""#, #"reason="relist_410""#]) == 1
        }
        // Only that resource was listed again.
        #expect(api.lists("/api/v1/nodes") == 1)

        // The same from the watch request itself: an HTTP 410 lists again; a 500 is waited out
        // and watched again from the same version, without a list.
        api.streams.refuseNext(Self.bindings, with: [410, 500])
        api.streams.stream(Self.bindings, 1)?.finish()
        _ = try await api.stream(Self.bindings, 2)
        #expect(api.lists(Self.bindings) == 3)
        #expect(try await serve.metric("kubelet_authz_watch_restarts_total", [#"resource="clusterrolebindings""#, #"reason="relist_410""#]) == 2)
        #expect(try await serve.metric("kubelet_authz_watch_restarts_total", [#"resource="clusterrolebindings""#, #"reason="error""#]) == 1)
        #expect(api.watches(Self.bindings).suffix(2).allSatisfy { $0.contains("resourceVersion=4711") })
        api.streams.finishAll()
        try await serve.stop()
    }

    @Test("a watch that ends is watched again from the last event's or bookmark's version, without a list")
    func endedStreamWatchesAgainFromLastVersion() async throws {
        let api = try WatchedAPIServer()
        defer { api.stop() }
        let serve = try await WatchingServe.start(api)
        let nodes = "/api/v1/nodes"
        let watch = try await api.stream(nodes)
        let node = try #require(api.cluster.objects["Node"]?.first)
        watch.yield(watchLine("MODIFIED", try Self.resourceVersion(node, "4990")))
        // A BOOKMARK carries only the version (k8s.io/apimachinery/pkg/watch/watch.go).
        watch.yield(watchLine("BOOKMARK", #"{"kind":"Node","apiVersion":"v1","metadata":{"resourceVersion":"5000","creationTimestamp":null}}"#))
        try await Task.sleep(for: .milliseconds(100))
        watch.finish()
        _ = try await api.stream(nodes, 1)
        #expect(api.watches(nodes).last?.contains("resourceVersion=5000") == true, "\(api.watches(nodes))")
        #expect(api.lists(nodes) == 1)
        try await eventually("stream_end counted") {
            try await serve.metric("kubelet_authz_watch_restarts_total", [#"resource="nodes""#, #"reason="stream_end""#]) == 1
        }
        api.streams.finishAll()
        try await serve.stop()
    }

    @Test("malformed watch lines are counted and skipped, the same watch goes on; an object the decoder refuses fails the rebuild, counted, the old policy kept")
    func malformedLinesAreSkipped() async throws {
        let api = try WatchedAPIServer()
        defer { api.stop() }
        let serve = try await WatchingServe.start(api)
        let watch = try await api.stream(Self.bindings)
        watch.yield("this is not JSON\n")
        watch.yield(watchLine("ADDED", #"{"kind":"ClusterRoleBinding","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{}}"#))
        watch.yield(watchLine("SIDEWAYS", try Self.approvedBinding()))
        watch.yield(#"{"type":"ADDED","object":"# + "\n")
        watch.yield(watchLine("ADDED", try Self.approvedBinding()))
        try await eventually("the event after the bad lines is in force") { try await serve.verdict(user: Self.kubecost) == .noOpinion }
        #expect(try await serve.metric("kubelet_authz_watch_malformed_events_total", [#"resource="clusterrolebindings""#]) == 4)
        #expect(api.watches(Self.bindings).count == 1)
        #expect(try await serve.metric("kubelet_authz_watch_restarts_total", [#"resource="clusterrolebindings""#]) == 0)

        // A well-formed event whose object the decoder refuses (subjects not a list) fails the
        // rebuild: counted, and the policy in force stays; once it is gone the policy rebuilds.
        let broken = try Self.edited(try Self.approvedBinding()) { o in
            o["metadata"] = ["name": "kubecost-node-proxy-broken", "resourceVersion": "4720"]
            o["subjects"] = "not a list"
        }
        let generation = try #require(serve.server.policy.policy?.generation)
        watch.yield(watchLine("ADDED", broken))
        try await eventually("the failed rebuild counted") { try await serve.metric("kubelet_authz_policy_reload_failures_total", []) == 1 }
        #expect(serve.server.policy.policy?.generation == generation)
        #expect(try await serve.verdict(user: Self.kubecost) == WatchingServe.Verdict.noOpinion)
        watch.yield(watchLine("DELETED", broken))
        try await eventually("the policy rebuilt") { (serve.server.policy.policy?.generation ?? 0) > generation }
        #expect(try await serve.metric("kubelet_authz_policy_reload_failures_total", []) == 1)
        api.streams.finishAll()
        try await serve.stop()
    }
}
