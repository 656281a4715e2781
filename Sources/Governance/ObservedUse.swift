import Evidence
import KubeletModel
import RBAC

/// One kind of request a subject made, as the evidence shows it: what `plan` must keep working.
/// Usage rows count checks; this turns them back into requests (a `nodes/proxy` allow paired
/// with a denied `nodes/pods` check is one request for `/pods`).
public struct ObservedUse: Sendable, Hashable {
    public enum Route: String, Sendable, Hashable {
        /// Straight to the kubelet, which asked the API server in a SubjectAccessReview.
        case kubelet
        /// `/api/v1/nodes/N/proxy/…` through the API server: always `nodes/proxy` there.
        case apiServerProxy
    }

    public let route: Route
    /// The caller, with the groups its reviews carried.
    public let user: UserInfo
    public let node: String
    /// The kubelet verb (`get`, `create`, …).
    public let verb: String
    /// The subresource of the request's first check, as the evidence saw it (`pods` for a
    /// request that passed only through the `nodes/proxy` fallback); `proxy` with `path` nil
    /// for a kubelet request whose path the review does not say.
    public let subresource: String
    /// Passed only through the `nodes/proxy` fallback (on the kubelet that sent it).
    public let viaFallback: Bool
    /// The kubelet paths requested (API-server proxy only: kubelet reviews carry none).
    public let kubeletPaths: [String]
    public let count: Int
    /// The log says it was allowed.
    public let passed: Bool
    public let firstSeen: Double
    public let lastSeen: Double

    /// The path the kubelet saw, when the evidence implies one; nil = path unknown.
    public var representativePath: String? {
        switch route {
        case .apiServerProxy: return kubeletPaths.sorted().first
        case .kubelet: return Self.samplePath(forSubresource: subresource)
        }
    }

    /// A path whose first kubelet check is `subresource` on the releases that check it; nil
    /// for `proxy`, which many paths reach and the review does not say which.
    public static func samplePath(forSubresource s: String) -> String? {
        switch s {
        case "pods": return "/pods"
        case "healthz": return "/healthz"
        case "configz": return "/configz"
        case "statusz": return "/statusz"
        case "stats": return "/stats/summary"
        case "metrics": return "/metrics"
        case "log": return "/logs/"
        case "checkpoint": return "/checkpoint/ns/pod/ctr"
        case "spec": return "/spec/"
        default: return nil
        }
    }

    /// The HTTP method the kubelet maps to `verb` (the empty verb: any unmapped method).
    public static func method(forVerb verb: String) -> String {
        HTTPVerbMapping.mappedMethods.first { HTTPVerbMapping.verb(forMethod: $0) == verb } ?? "OPTIONS"
    }

    /// Exec-capable kubelet paths among those requested through the API server.
    public var execPaths: [String] {
        kubeletPaths.filter { p in KubeletEndpointCatalogue.endpoint(forPath: String(p.prefix { $0 != "?" }))?.canExecuteCommands ?? false }.sorted()
    }

    /// Every request the rows stand for, split by whether it passed and how.
    public static func uses(from rows: [UsageRow]) -> [ObservedUse] {
        // A denied fine-grained check counts as passed through the fallback both when a proxy
        // allow was paired with it (that allow's row says so in `fallbackFor`) and when a cached
        // proxy allow let it through: only the second kind is a request of its own here.
        struct PairKey: Hashable { let kind: String, namespace: String, name: String, node: String, verb: String, subresource: String }
        var paired: [PairKey: Int] = [:]
        for row in rows where row.key.path == .kubelet && row.key.subresource == KubeletSubresource.proxy.rawValue {
            for (f, n) in row.fallbackFor {
                paired[PairKey(kind: row.key.subjectKind, namespace: row.key.subjectNamespace, name: row.key.subjectName,
                               node: row.key.node, verb: row.key.verb, subresource: f), default: 0] += n
            }
        }
        var out: [ObservedUse] = []
        for row in rows {
            let user = ScanEvidence.user(row)
            func add(_ sub: String, fallback: Bool, count: Int, passed: Bool) {
                guard count > 0 else { return }
                out.append(ObservedUse(route: row.key.path == .kubelet ? .kubelet : .apiServerProxy, user: user, node: row.key.node,
                                       verb: row.key.verb, subresource: sub, viaFallback: fallback,
                                       kubeletPaths: row.kubeletPaths.sorted(), count: count, passed: passed,
                                       firstSeen: row.firstSeen, lastSeen: row.lastSeen))
            }
            let s = row.key.subresource
            if row.key.path == .apiserverProxy {
                add(s, fallback: false, count: row.allowed, passed: true)
                add(s, fallback: false, count: row.denied, passed: false)
            } else if s == KubeletSubresource.proxy.rawValue {
                var paired = 0
                for (f, n) in row.fallbackFor.sorted(by: { $0.key < $1.key }) {
                    add(f, fallback: true, count: n, passed: true)
                    paired += n
                }
                add(s, fallback: false, count: row.allowed - paired, passed: true)
                add(s, fallback: false, count: row.denied, passed: false)
            } else {
                add(s, fallback: false, count: row.allowed, passed: true)
                // Denied here, then let through by a `nodes/proxy` allow the kubelet still had
                // cached: a request that passed through the fallback with no review of its own.
                let pairedHere = paired[PairKey(kind: row.key.subjectKind, namespace: row.key.subjectNamespace, name: row.key.subjectName,
                                                node: row.key.node, verb: row.key.verb, subresource: s)] ?? 0
                add(s, fallback: true, count: max(0, row.deniedButPassedViaProxy - pairedHere), passed: true)
                add(s, fallback: false, count: row.effectiveDenied, passed: false)
            }
        }
        return out
    }
}
