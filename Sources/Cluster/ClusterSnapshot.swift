import RBAC

/// Everything kubelet-authz reads about one cluster, from files or a live API server.
public struct ClusterSnapshot: Sendable {
    public var roles: [Role] = []
    public var bindings: [Binding] = []
    public var serviceAccounts: [ServiceAccount] = []
    public var nodes: [Node] = []
    public var namespaces: [Namespace] = []
    public var workloads: [Workload] = []
    /// Kinds read but not needed, with how many of each: counted, never silently dropped.
    public var skippedKinds: [String: Int] = [:]
    /// Objects the API server would have rejected or that shadow one another.
    public var warnings: [InputWarning] = []
    public var sources: [String] = []
    /// The API server's version (`/version` gitVersion), when read live or from a snapshot.
    public var serverVersion: String?
    /// ConfigMap `kube-system/kubeadm-config`, on kubeadm clusters whose dump includes it.
    public var kubeadmConfig: KubeadmConfig?

    /// The kind `kubelet-authz snapshot` writes beside the cluster's objects, holding `serverVersion`.
    public static let infoKind = "ClusterSnapshotInfo"

    public init() {}

    public var objectCount: Int {
        roles.count + bindings.count + serviceAccounts.count + nodes.count + namespaces.count + workloads.count
    }

    public mutating func merge(_ other: ClusterSnapshot) {
        // Into nothing (one input, the first part of a List read on every core): take the
        // arrays, which shares their storage, rather than copying every object into new ones.
        func join<T>(_ mine: inout [T], _ theirs: [T]) { if mine.isEmpty { mine = theirs } else { mine += theirs } }
        join(&roles, other.roles)
        join(&bindings, other.bindings)
        join(&serviceAccounts, other.serviceAccounts)
        join(&nodes, other.nodes)
        join(&namespaces, other.namespaces)
        join(&workloads, other.workloads)
        for (k, v) in other.skippedKinds { skippedKinds[k, default: 0] += v }
        warnings += other.warnings
        sources += other.sources
        if serverVersion == nil { serverVersion = other.serverVersion }
        if let other = other.kubeadmConfig { kubeadmConfig = other }
    }

    /// Later objects replace earlier ones of the same kind and name, as `kubectl apply` of the
    /// files in order would; each replacement is reported.
    public mutating func resolveDuplicates() {
        struct Key: Hashable { let kind: String, namespace: String, name: String }
        func dedupe<T>(_ items: inout [T], key: (T) -> Key, loc: (T) -> SourceLocation?) {
            // Most inputs have no repeats: find that out without copying a single object or
            // keeping a key, by the keys' hashes alone; equal hashes take the exact path below.
            var seen = Set<Int>(minimumCapacity: items.count)
            guard items.contains(where: { !seen.insert(key($0).hashValue).inserted }) else { return }
            var index: [Key: Int] = [:]
            index.reserveCapacity(items.count)
            var out: [T] = []
            out.reserveCapacity(items.count)
            for item in items {
                let k = key(item)
                if let i = index[k] {
                    let what = "\(k.kind) \(k.namespace.isEmpty ? "" : k.namespace + "/")\(k.name)"
                    warnings.append(InputWarning(location: loc(item), message: "\(what) appears again; this definition replaces the one at \(loc(out[i])?.description ?? "an earlier input")"))
                    out[i] = item
                } else {
                    index[k] = out.count
                    out.append(item)
                }
            }
            items = out
        }
        dedupe(&roles, key: { Key(kind: $0.kind.rawValue, namespace: $0.namespace, name: $0.name) }, loc: { $0.source })
        dedupe(&bindings, key: { Key(kind: $0.kind.rawValue, namespace: $0.namespace, name: $0.name) }, loc: { $0.source })
        dedupe(&serviceAccounts, key: { Key(kind: "ServiceAccount", namespace: $0.namespace, name: $0.name) }, loc: { $0.source })
        dedupe(&nodes, key: { Key(kind: "Node", namespace: "", name: $0.name) }, loc: { $0.source })
        dedupe(&namespaces, key: { Key(kind: "Namespace", namespace: "", name: $0.name) }, loc: { $0.source })
        dedupe(&workloads, key: { Key(kind: $0.kind, namespace: $0.namespace, name: $0.name) }, loc: { $0.source })
    }

    /// The effective RBAC state: aggregated ClusterRoles resolved as the controller would.
    public func policy(aggregate: Bool = true) -> RBACPolicy {
        RBACPolicy(roles: roles, bindings: bindings, aggregate: aggregate)
    }
}

public struct InputWarning: Hashable, Sendable, CustomStringConvertible {
    public let location: SourceLocation?
    public let message: String

    public init(location: SourceLocation?, message: String) {
        self.location = location
        self.message = message
    }

    public var description: String {
        if let location { return "\(location): \(message)" }
        return message
    }
}

public struct ClusterInputError: Error, Sendable, CustomStringConvertible, Equatable {
    public let location: SourceLocation
    public let message: String
    public var column: Int?

    public init(location: SourceLocation, message: String, column: Int? = nil) {
        self.location = location
        self.message = message
        self.column = column
    }

    public var description: String {
        var where_ = location.file
        if let line = location.line {
            where_ += ":\(line)"
            if let column { where_ += ":\(column)" }
        } else if let document = location.document {
            where_ += " (document \(document))"
        }
        return "\(where_): \(message)"
    }
}
