/// One subject's kubelet access as a saved scan keeps it: the verbs per subresource (and the
/// nodes a grant is pinned to), whether it can execute commands, and the binding → role pairs
/// that grant it. Enough to say what changed between two scans; the scan report has the rest.
public struct SubjectAccessRecord: Codable, Hashable, Sendable {
    public struct Access: Codable, Hashable, Sendable {
        public var subresource: String
        public var verbs: [String]
        /// nil: every node.
        public var nodes: [String]?

        public init(subresource: String, verbs: [String], nodes: [String]? = nil) {
            self.subresource = subresource
            self.verbs = verbs.sorted()
            self.nodes = nodes?.sorted()
        }
    }

    /// A binding and the role it binds, as `Kind/namespace/name` (namespace left out when empty),
    /// with the subresources the pair gives this subject.
    public struct Grant: Codable, Hashable, Sendable, Comparable {
        public var binding: String
        public var role: String
        public var subresources: [String]

        public init(binding: String, role: String, subresources: [String]) {
            self.binding = binding
            self.role = role
            self.subresources = subresources.sorted()
        }

        public static func < (a: Grant, b: Grant) -> Bool { (a.binding, a.role) < (b.binding, b.role) }
    }

    public var subject: SubjectRef
    public var execCapable: Bool
    public var access: [Access]
    public var grants: [Grant]

    public init(subject: SubjectRef, execCapable: Bool, access: [Access], grants: [Grant]) {
        self.subject = subject
        self.execCapable = execCapable
        self.access = access.sorted { $0.subresource < $1.subresource }
        self.grants = grants.sorted()
    }

    /// `Kind/namespace/name`, or `Kind/name` for cluster-scoped objects.
    public static func objectName(kind: String, namespace: String, name: String) -> String {
        namespace.isEmpty ? "\(kind)/\(name)" : "\(kind)/\(namespace)/\(name)"
    }

    /// `objectName` taken apart (Kubernetes names hold no `/`).
    public static func objectParts(_ objectName: String) -> (kind: String, namespace: String, name: String) {
        let p = objectName.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        switch p.count {
        case 3: return (p[0], p[1], p[2])
        case 2: return (p[0], "", p[1])
        default: return (objectName, "", "")
        }
    }

    /// As reports name objects: `ClusterRoleBinding name`, `RoleBinding ns/name`.
    public static func displayName(_ objectName: String) -> String {
        let (kind, namespace, name) = objectParts(objectName)
        return namespace.isEmpty ? "\(kind) \(name)" : "\(kind) \(namespace)/\(name)"
    }
}
