import Dispatch
import RBAC

/// Everything kubelet-authz reads about one cluster, from files or a live API server.
public struct ClusterSnapshot: Sendable {
    public var roles: [Role] = []
    public var bindings: [Binding] = []
    public var serviceAccounts: [ServiceAccount] = []
    public var nodes: [Node] = []
    public var namespaces: [Namespace] = []
    public var workloads: [Workload] = []
    /// ValidatingAdmissionPolicies (admissionregistration.k8s.io), by metadata.
    public var admissionPolicies: [AdmissionPolicy] = []
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
        roles.count + bindings.count + serviceAccounts.count + nodes.count + namespaces.count + workloads.count + admissionPolicies.count
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
        join(&admissionPolicies, other.admissionPolicies)
        for (k, v) in other.skippedKinds { skippedKinds[k, default: 0] += v }
        warnings += other.warnings
        sources += other.sources
        if serverVersion == nil { serverVersion = other.serverVersion }
        if let other = other.kubeadmConfig { kubeadmConfig = other }
    }

    /// Later objects replace earlier ones of the same kind and name, as `kubectl apply` of the
    /// files in order would; each replacement is reported.
    public mutating func resolveDuplicates() {
        // Most inputs have no repeats: find that out for every kind at once, on every core,
        // without copying a single object; only kinds with repeats are rebuilt, in order.
        let me = self
        let repeats = UnsafeMutableBufferPointer<Bool>.allocate(capacity: 6)
        repeats.initialize(repeating: false)
        defer { repeats.deallocate() }
        nonisolated(unsafe) let flags = repeats
        DispatchQueue.concurrentPerform(iterations: 6) { k in
            switch k {  // the largest first
            case 0: flags[k] = Self.hasRepeats(me.serviceAccounts, key: Self.key)
            case 1: flags[k] = Self.hasRepeats(me.bindings, key: Self.key)
            case 2: flags[k] = Self.hasRepeats(me.roles, key: Self.key)
            case 3: flags[k] = Self.hasRepeats(me.workloads, key: Self.key)
            case 4: flags[k] = Self.hasRepeats(me.nodes, key: Self.key)
            default: flags[k] = Self.hasRepeats(me.namespaces, key: Self.key)
            }
        }
        if repeats[2] { Self.dedupe(&roles, key: Self.key, loc: { $0.source }, warnings: &warnings) }
        if repeats[1] { Self.dedupe(&bindings, key: Self.key, loc: { $0.source }, warnings: &warnings) }
        if repeats[0] { Self.dedupe(&serviceAccounts, key: Self.key, loc: { $0.source }, warnings: &warnings) }
        if repeats[4] { Self.dedupe(&nodes, key: Self.key, loc: { $0.source }, warnings: &warnings) }
        if repeats[5] { Self.dedupe(&namespaces, key: Self.key, loc: { $0.source }, warnings: &warnings) }
        if repeats[3] { Self.dedupe(&workloads, key: Self.key, loc: { $0.source }, warnings: &warnings) }
    }

    struct Key: Hashable { let kind: String, namespace: String, name: String }
    static func key(_ r: borrowing Role) -> Key { Key(kind: r.kind.rawValue, namespace: r.namespace, name: r.name) }
    static func key(_ b: borrowing Binding) -> Key { Key(kind: b.kind.rawValue, namespace: b.namespace, name: b.name) }
    static func key(_ s: borrowing ServiceAccount) -> Key { Key(kind: "ServiceAccount", namespace: s.namespace, name: s.name) }
    static func key(_ n: borrowing Node) -> Key { Key(kind: "Node", namespace: "", name: n.name) }
    static func key(_ n: borrowing Namespace) -> Key { Key(kind: "Namespace", namespace: "", name: n.name) }
    static func key(_ w: borrowing Workload) -> Key { Key(kind: w.kind, namespace: w.namespace, name: w.name) }

    /// By the keys' hashes alone: equal hashes (a repeat, or in theory a collision) send the
    /// kind to `dedupe`, which compares the keys themselves.
    static func hasRepeats<T>(_ items: [T], key: (borrowing T) -> Key) -> Bool {
        var seen = Set<Int>(minimumCapacity: items.count)
        return items.withUnsafeBufferPointer { buffer in
            buffer.indices.contains { !seen.insert(key(buffer[$0]).hashValue).inserted }
        }
    }

    static func dedupe<T>(_ items: inout [T], key: (borrowing T) -> Key, loc: (T) -> SourceLocation?, warnings: inout [InputWarning]) {
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
