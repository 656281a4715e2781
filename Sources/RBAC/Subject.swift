/// A binding subject. Kinds are case-sensitive: `user` matches nobody.
public struct Subject: Hashable, Sendable, Codable {
    public var kind: String
    public var apiGroup: String
    public var name: String
    public var namespace: String

    public init(kind: String, name: String, namespace: String = "", apiGroup: String? = nil) {
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.apiGroup = apiGroup ?? (kind == "ServiceAccount" ? "" : "rbac.authorization.k8s.io")
    }

    enum CodingKeys: String, CodingKey { case kind, apiGroup, name, namespace }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decodeIfPresent(String.self, forKey: .kind) ?? ""
        apiGroup = try c.decodeIfPresent(String.self, forKey: .apiGroup) ?? ""
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
        namespace = try c.decodeIfPresent(String.self, forKey: .namespace) ?? ""
    }

    public static let userKind = "User"
    public static let groupKind = "Group"
    public static let serviceAccountKind = "ServiceAccount"

    /// `describeSubject` in pkg/registry/rbac/validation/rule.go: ServiceAccounts print as
    /// `"name/namespace"`, defaulting the namespace to the binding's.
    public func describe(bindingNamespace: String) -> String {
        if kind == Subject.serviceAccountKind {
            let ns = namespace.isEmpty ? bindingNamespace : namespace
            return "\(kind) \(goQuote(name + "/" + ns))"
        }
        return "\(kind) \(goQuote(name))"
    }
}

/// Go's `%q` for the strings RBAC prints (`strconv.Quote`): one implementation for reasons,
/// messages and 422 values alike.
public func goQuote(_ s: String) -> String { goStrconvQuote(s) }
