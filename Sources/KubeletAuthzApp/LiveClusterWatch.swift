import Cluster
import Foundation
import KubeClient
import Synchronization

/// A live cluster kept current by watches (`serve --kubeconfig`): one full read, as every
/// command reads a cluster, then a list-and-watch of each list it read. The snapshot is
/// rebuilt from what the watches last saw, list by list through the reader's own decoding;
/// a list that did not change is not decoded again.
public final class LiveClusterWatch: Sendable {
    public let live: LiveCluster
    public let backoff: WatchBackoff
    /// Each watch's `timeoutSeconds`; nil: client-go's 5 to 10 minutes.
    public let timeoutSeconds: Int?

    struct State {
        var client: KubeAPIClient?
        /// The first read: the server's version, kubeadm's configuration and what could not be
        /// read, which the watches do not change.
        var first: LiveClusterReader.Result?
        var stores: [String: WatchedObjects] = [:]
        var decoded: [String: ClusterSnapshot] = [:]
        /// One more at each change of a list: a decoding is kept only for the state it decoded.
        var changes: [String: Int] = [:]
    }
    private let state = Mutex(State())

    public init(live: LiveCluster, backoff: WatchBackoff = .standard, timeoutSeconds: Int? = nil) {
        self.live = live
        self.backoff = backoff
        self.timeoutSeconds = timeoutSeconds
    }

    /// The first full read; the watches start from its lists. Throws (an InputError) as a
    /// read does: a cluster that cannot be read at start is a configuration to fix.
    public func start() async throws -> ClusterSnapshot {
        let client = try await live.client()
        live.announce?("Connecting to \(client.who)…")
        do {
            let result = try await LiveClusterReader.read(client)
            var stores: [String: WatchedObjects] = [:]
            for path in LiveClusterReader.allPaths {
                let pages = result.pages.filter { $0.path == path }.map(\.data)
                // A list not read (ValidatingAdmissionPolicies before 1.30, or forbidden) is not watched.
                guard !pages.isEmpty else { continue }
                var store = WatchedObjects(path: path)
                try store.replace(withPages: pages)
                stores[path] = store
            }
            state.withLock { s in
                s.client = client
                s.first = result
                s.stores = stores
                s.decoded = [:]
            }
            return result.snapshot
        } catch {
            await client.shutdown()
            throw InputError("\(error)")
        }
    }

    /// The resource a list path names, as metrics label it (`clusterrolebindings`).
    public static func resource(_ path: String) -> String {
        String(path.split(separator: "/").last ?? Substring(path))
    }

    /// Watches every list read at start until the task is cancelled; `report` hears of every
    /// change, restart and skipped line, with the resource it concerns.
    public func run(report: @escaping @Sendable (_ resource: String, ListWatchReport) async -> Void) async {
        let (client, starts) = state.withLock { s in (s.client, s.stores.mapValues(\.resourceVersion)) }
        guard let client else { return }
        await withTaskGroup(of: Void.self) { group in
            for (path, version) in starts.sorted(by: { $0.key < $1.key }) {
                var watch = ListWatch(client: client, path: path, backoff: backoff)
                if let timeoutSeconds { watch.timeoutSeconds = { timeoutSeconds } }
                group.addTask { [self, watch] in
                    await watch.run(from: version) { update in
                        apply(update, to: path)
                        await report(Self.resource(path), update)
                    }
                }
            }
        }
    }

    func apply(_ update: ListWatchReport, to path: String) {
        state.withLock { s in
            switch update {
            case .listed(let store):
                s.stores[path] = store
                s.decoded[path] = nil
                s.changes[path, default: 0] += 1
            case .event(let event):
                if s.stores[path]?.apply(event) == true {
                    s.decoded[path] = nil
                    s.changes[path, default: 0] += 1
                }
            case .restarted, .malformed:
                break
            }
        }
    }

    /// The cluster as the watches last saw it, decoded as the first read was.
    public func snapshot() throws -> ClusterSnapshot {
        let (client, first, stores, cached, changes) = state.withLock { s in (s.client, s.first, s.stores, s.decoded, s.changes) }
        guard let client, let first else { throw InputError("the live cluster has not been read yet") }
        var snapshot = ClusterSnapshot()
        var decoded: [String: ClusterSnapshot] = [:]
        for path in LiveClusterReader.allPaths {
            guard let store = stores[path], let (apiVersion, kind) = LiveClusterReader.kinds[path] else { continue }
            let part: ClusterSnapshot
            if let cachedPart = cached[path] {
                part = cachedPart
            } else {
                do { part = try LiveClusterReader.decode(store.listDocument(apiVersion: apiVersion, kind: kind), path: path, client) } catch {
                    throw InputError("\(error)")
                }
            }
            decoded[path] = part
            snapshot.merge(part)
        }
        // Kept for next time unless the list changed meanwhile.
        state.withLock { s in
            for (path, part) in decoded where s.decoded[path] == nil && s.changes[path] == changes[path] {
                s.decoded[path] = part
            }
        }
        snapshot.kubeadmConfig = first.snapshot.kubeadmConfig
        snapshot.warnings += first.accessWarnings
        snapshot.resolveDuplicates()
        snapshot.serverVersion = first.serverVersion
        return snapshot
    }

    /// Closes the connection to the API server (after `run` returned).
    public func stop() async {
        let client = state.withLock { s in
            defer { s.client = nil }
            return s.client
        }
        await client?.shutdown()
    }
}
