import KubeJSON
/// Which JSON objects are audit input: an `Event` or an `EventList` of `audit.k8s.io/v1` (the
/// API server's log and webhook format since 1.12) or `audit.k8s.io/v1beta1` (what
/// `--audit-log-version` / `--audit-webhook-version` could still ask for until 1.23; its
/// events carry the fields evidence reads under the same names). Anything else — a Pod, a line
/// of another program's JSON log, an `EventList` of a made-up version — is not an audit event,
/// so it is counted malformed rather than as an event.
enum AuditEventType {
    static let versions = ["audit.k8s.io/v1", "audit.k8s.io/v1beta1"]

    /// How every line of the API server's log begins (Go writes `kind` and `apiVersion` first):
    /// a line that begins so is counted as an event without being decoded.
    static let linePrefixes = versions.map { "{\"kind\":\"Event\",\"apiVersion\":\"\($0)\"," }

    enum Kind { case event, eventList }

    struct NotAuditEvent: Error, CustomStringConvertible {
        let description: String
        /// Where in a document: the list item (`items[3]`), empty for the document itself.
        var path: [JSONValueLocator.Step] = []
    }

    /// The type of a top-level object, or why it is not audit input. An `EventList`'s items
    /// may leave `kind` and `apiVersion` out (the webhook's do): `inList` accepts that.
    static func classify(kind: String?, apiVersion: String?, inList: Bool = false) throws(NotAuditEvent) -> Kind {
        if inList {
            guard kind == nil || kind == "Event", apiVersion == nil || versions.contains(apiVersion!) else {
                throw NotAuditEvent(description: "not an audit event: a list item of \(describe(kind, apiVersion)); \(expected)")
            }
            return .event
        }
        guard let apiVersion, versions.contains(apiVersion) else {
            throw NotAuditEvent(description: "not an audit event: \(describe(kind, apiVersion)); \(expected)")
        }
        switch kind {
        case "Event": return .event
        case "EventList": return .eventList
        default: throw NotAuditEvent(description: "not an audit event: \(describe(kind, apiVersion)); \(expected)")
        }
    }

    static let expected = "audit input is kind Event or EventList of apiVersion \(versions.joined(separator: " or "))"

    static func describe(_ kind: String?, _ apiVersion: String?) -> String {
        let k = kind.map { "kind \"\($0)\"" } ?? "no kind"
        let v = apiVersion.map { "apiVersion \"\($0)\"" } ?? "no apiVersion"
        return "\(k), \(v)"
    }
}
