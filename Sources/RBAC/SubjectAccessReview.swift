import KubeJSON

/// authorization.k8s.io SubjectAccessReview, v1 or v1beta1 (whose groups field is `group`).
/// Fields the API server does not know are dropped, as it drops them.
public struct SubjectAccessReview: Sendable, Equatable {
    public struct ResourceAttributes: Sendable, Equatable {
        public var namespace = "", verb = "", group = "", version = "", resource = "", subresource = "", name = ""
        public var fieldSelector: SelectorAttributes? = nil
        public var labelSelector: SelectorAttributes? = nil
        public init() {}
    }

    public struct NonResourceAttributes: Sendable, Equatable {
        public var path = "", verb = ""
        public init() {}
    }

    public struct Status: Sendable, Equatable {
        public var allowed: Bool
        public var denied: Bool
        public var reason: String
        public var evaluationError: String

        public init(allowed: Bool, denied: Bool = false, reason: String = "", evaluationError: String = "") {
            self.allowed = allowed
            self.denied = denied
            self.reason = reason
            self.evaluationError = evaluationError
        }
    }

    public enum Version: String, Sendable { case v1 = "authorization.k8s.io/v1", v1beta1 = "authorization.k8s.io/v1beta1" }

    public var version: Version
    public var metadata: JSONValue
    public var resourceAttributes: ResourceAttributes?
    public var nonResourceAttributes: NonResourceAttributes?
    public var user: String
    public var groups: [String]
    public var extra: [String: [String]]
    public var uid: String
    public var status: Status?

    public init(version: Version = .v1, resourceAttributes: ResourceAttributes? = nil,
                nonResourceAttributes: NonResourceAttributes? = nil, user: String = "", groups: [String] = [],
                extra: [String: [String]] = [:], uid: String = "") {
        self.version = version
        self.metadata = .object([])
        self.resourceAttributes = resourceAttributes
        self.nonResourceAttributes = nonResourceAttributes
        self.user = user
        self.groups = groups
        self.extra = extra
        self.uid = uid
        self.status = nil
    }

    /// The object as the API server writes it back: Go field order, `omitempty` honoured,
    /// `status.allowed` always present.
    public var json: JSONValue {
        func str(_ s: String) -> JSONValue? { s.isEmpty ? nil : .string(s) }
        let ra = resourceAttributes.map { r in
            JSONValue.object([
                ("namespace", str(r.namespace)), ("verb", str(r.verb)), ("group", str(r.group)),
                ("version", str(r.version)), ("resource", str(r.resource)), ("subresource", str(r.subresource)),
                ("name", str(r.name)), ("fieldSelector", r.fieldSelector?.json), ("labelSelector", r.labelSelector?.json),
            ])
        }
        let nra = nonResourceAttributes.map { n in JSONValue.object([("path", str(n.path)), ("verb", str(n.verb))]) }
        let extraJSON: JSONValue? = extra.isEmpty ? nil : .object(extra.keys.sorted().map { ($0, .strings(extra[$0]!)) })
        let groupsKey = version == .v1 ? "groups" : "group"
        let spec = JSONValue.object([
            ("resourceAttributes", ra), ("nonResourceAttributes", nra), ("user", str(user)),
            (groupsKey, groups.isEmpty ? nil : .strings(groups)), ("extra", extraJSON), ("uid", str(uid)),
        ])
        let statusJSON: JSONValue = {
            let s = status ?? Status(allowed: false)
            return .object([
                ("allowed", .bool(s.allowed)), ("denied", s.denied ? .bool(true) : nil),
                ("reason", str(s.reason)), ("evaluationError", str(s.evaluationError)),
            ])
        }()
        return .object([
            ("kind", .string("SubjectAccessReview")), ("apiVersion", .string(version.rawValue)),
            ("metadata", metadata), ("spec", spec), ("status", statusJSON),
        ])
    }
}
