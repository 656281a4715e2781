import RBAC

/// Identity of a subject across bindings: kind, name, namespace (ServiceAccounts only).
public struct SubjectKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let kind: String
    public let name: String
    public let namespace: String

    public init(_ s: Subject) {
        kind = s.kind
        name = s.name
        namespace = s.kind == Subject.serviceAccountKind ? s.namespace : ""
    }

    public init(kind: String, name: String, namespace: String = "") {
        self.kind = kind
        self.name = name
        self.namespace = kind == Subject.serviceAccountKind ? namespace : ""
    }

    public static func < (a: SubjectKey, b: SubjectKey) -> Bool {
        (a.kind, a.namespace, a.name) < (b.kind, b.namespace, b.name)
    }

    public var description: String {
        namespace.isEmpty ? "\(kind) \(name)" : "\(kind) \(namespace)/\(name)"
    }
}
