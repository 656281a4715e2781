import RBAC

/// Everything kubelet-authz reads about one cluster, from files or (later) the API.
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

    public init() {}

    public var objectCount: Int {
        roles.count + bindings.count + serviceAccounts.count + nodes.count + namespaces.count + workloads.count
    }

    public mutating func merge(_ other: ClusterSnapshot) {
        roles += other.roles
        bindings += other.bindings
        serviceAccounts += other.serviceAccounts
        nodes += other.nodes
        namespaces += other.namespaces
        workloads += other.workloads
        for (k, v) in other.skippedKinds { skippedKinds[k, default: 0] += v }
        warnings += other.warnings
        sources += other.sources
    }

    /// Later objects replace earlier ones of the same kind and name, as `kubectl apply` of the
    /// files in order would; each replacement is reported.
    public mutating func resolveDuplicates() {
        func dedupe<T>(_ items: inout [T], key: (T) -> String, what: (T) -> String, loc: (T) -> SourceLocation?) {
            var index: [String: Int] = [:]
            var out: [T] = []
            for item in items {
                let k = key(item)
                if let i = index[k] {
                    warnings.append(InputWarning(location: loc(item), message: "\(what(item)) appears again; this definition replaces the one at \(loc(out[i])?.description ?? "an earlier input")"))
                    out[i] = item
                } else {
                    index[k] = out.count
                    out.append(item)
                }
            }
            items = out
        }
        dedupe(&roles, key: { "\($0.kind.rawValue)/\($0.namespace)/\($0.name)" },
               what: { "\($0.kind.rawValue) \($0.namespace.isEmpty ? "" : $0.namespace + "/")\($0.name)" }, loc: { $0.source })
        dedupe(&bindings, key: { "\($0.kind.rawValue)/\($0.namespace)/\($0.name)" },
               what: { "\($0.kind.rawValue) \($0.namespace.isEmpty ? "" : $0.namespace + "/")\($0.name)" }, loc: { $0.source })
        dedupe(&serviceAccounts, key: { "\($0.namespace)/\($0.name)" }, what: { "ServiceAccount \($0.namespace)/\($0.name)" }, loc: { $0.source })
        dedupe(&nodes, key: { $0.name }, what: { "Node \($0.name)" }, loc: { $0.source })
        dedupe(&namespaces, key: { $0.name }, what: { "Namespace \($0.name)" }, loc: { $0.source })
        dedupe(&workloads, key: { "\($0.kind)/\($0.namespace)/\($0.name)" }, what: { "\($0.kind) \($0.namespace)/\($0.name)" }, loc: { $0.source })
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
