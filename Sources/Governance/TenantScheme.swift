import Cluster

/// Who a tenant is: a namespace by default, or the value of a label on the namespace
/// (`--tenant-label`), so that several namespaces make one tenant and platform namespaces none.
public struct TenantScheme: Sendable, Hashable {
    /// The Namespace label naming the tenant; nil: every namespace is its own tenant.
    public let label: String?
    /// The control plane's own namespaces are nobody's tenant.
    public static let systemNamespaces: Set<String> = ["kube-system", "kube-public", "kube-node-lease"]

    public init(label: String? = nil) { self.label = label }

    /// The tenant of a namespace, or nil when it belongs to none (a system namespace; with a
    /// label, a namespace without it or absent from the input).
    public func tenant(of namespace: String, labels: [String: [String: String]]) -> String? {
        guard let label else { return Self.systemNamespaces.contains(namespace) ? nil : namespace }
        guard let value = labels[namespace]?[label], !value.isEmpty else { return nil }
        return value
    }

    /// A subject's tenant: a ServiceAccount's namespace's, or the namespace of a
    /// `system:serviceaccounts:NS` group; users and other groups have none.
    public func tenant(of subject: SubjectKey, labels: [String: [String: String]]) -> String? {
        if subject.kind == "ServiceAccount" { return tenant(of: subject.namespace, labels: labels) }
        let prefix = "system:serviceaccounts:"
        if subject.kind == "Group", subject.name.hasPrefix(prefix) { return tenant(of: String(subject.name.dropFirst(prefix.count)), labels: labels) }
        return nil
    }
}
