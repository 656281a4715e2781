/// The authenticated identity of a request, as authenticators produce it.
public struct UserInfo: Hashable, Sendable, Codable {
    public var name: String
    public var uid: String
    public var groups: [String]
    public var extra: [String: [String]]

    public init(name: String, uid: String = "", groups: [String] = [], extra: [String: [String]] = [:]) {
        self.name = name
        self.uid = uid
        self.groups = groups
        self.extra = extra
    }

    public static let serviceAccountPrefix = "system:serviceaccount:"
    public static let anonymousName = "system:anonymous"
    public static let authenticatedGroup = "system:authenticated"
    public static let unauthenticatedGroup = "system:unauthenticated"
    public static let allServiceAccountsGroup = "system:serviceaccounts"
    public static let mastersGroup = "system:masters"

    /// `system:serviceaccount:NS:NAME` → (NS, NAME), as `serviceaccount.SplitUsername` does.
    public static func splitServiceAccount(_ username: String) -> (namespace: String, name: String)? {
        guard username.hasPrefix(serviceAccountPrefix) else { return nil }
        let rest = username.dropFirst(serviceAccountPrefix.count)
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        return (String(parts[0]), String(parts[1]))
    }

    /// The identity the API server's authenticators would give a bearer of this name, for
    /// `--as`: a ServiceAccount token carries `system:serviceaccounts` and
    /// `system:serviceaccounts:NS`; every authenticated user gets `system:authenticated`;
    /// `system:anonymous` gets `system:unauthenticated`. Extra groups come first, in the
    /// order given, then the implied ones, without duplicates.
    public static func asAuthenticated(name: String, groups: [String] = []) -> UserInfo {
        var all: [String] = []
        func add(_ g: String) { if !all.contains(g) { all.append(g) } }
        groups.forEach(add)
        if name == anonymousName {
            add(unauthenticatedGroup)
        } else {
            if let sa = splitServiceAccount(name) {
                add(allServiceAccountsGroup)
                add(allServiceAccountsGroup + ":" + sa.namespace)
            }
            // The authenticated-group adder skips users already carrying either group.
            if !all.contains(authenticatedGroup) && !all.contains(unauthenticatedGroup) {
                add(authenticatedGroup)
            }
        }
        return UserInfo(name: name, groups: all)
    }
}
