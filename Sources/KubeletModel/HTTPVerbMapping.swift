/// The kubelet's HTTP method → authorization verb table (pkg/kubelet/server/auth.go,
/// unchanged since 2016). Only the five upper-case methods map; everything else — HEAD,
/// OPTIONS, lower-case `get`, custom methods — yields the empty verb, which only a `*` verb
/// grant satisfies. The kubelet documentation's "HEAD → get" row is wrong (pkg/kubelet/server/auth.go maps only POST, GET, PUT, PATCH and DELETE).
public enum HTTPVerbMapping {
    /// The methods that map, in the table's order.
    public static let mappedMethods = ["POST", "GET", "PUT", "PATCH", "DELETE"]
    /// Every verb a kubelet ever asks about besides the empty one.
    public static let verbs: [String] = mappedMethods.map(verb(forMethod:))

    public static func verb(forMethod method: String) -> String {
        switch method {
        case "POST": return "create"
        case "GET": return "get"
        case "PUT": return "update"
        case "PATCH": return "patch"
        case "DELETE": return "delete"
        default: return ""
        }
    }
}
