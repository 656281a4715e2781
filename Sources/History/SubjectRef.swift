/// A subject as the history names it: kind, namespace (ServiceAccounts only) and name — the
/// scan's `SubjectKey`, without the rest of the scan's types, so a store needs none of them.
public struct SubjectRef: Codable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public var kind: String
    public var namespace: String
    public var name: String

    public init(kind: String, namespace: String = "", name: String) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    public static func < (a: SubjectRef, b: SubjectRef) -> Bool { (a.kind, a.namespace, a.name) < (b.kind, b.namespace, b.name) }

    /// As `SubjectKey.description` prints it: `ServiceAccount ns/name`, `User name`.
    public var description: String { namespace.isEmpty ? "\(kind) \(name)" : "\(kind) \(namespace)/\(name)" }
}
