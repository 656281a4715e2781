import KubeJSON

/// `ValidateSubjectAccessReview` (pkg/apis/authorization/validation) and the 422 Status the
/// API server answers with when it fails.
public enum SubjectAccessReviewValidation {
    public struct FieldError: Hashable, Sendable {
        public let field: String
        /// `Invalid value: …: detail`, as field.Error.ErrorBody() prints it.
        public let body: String
        public var message: String { "\(field): \(body)" }
    }

    public static func validate(_ sar: SubjectAccessReview) -> [FieldError] {
        var errors: [FieldError] = []
        if let n = sar.nonResourceAttributes, sar.resourceAttributes != nil {
            let value = "authorization.NonResourceAttributes{Path:\(goQuote(n.path)), Verb:\(goQuote(n.verb))}"
            errors.append(FieldError(field: "spec.nonResourceAttributes",
                                     body: "Invalid value: \(value): cannot be specified in combination with resourceAttributes"))
        }
        if sar.resourceAttributes == nil && sar.nonResourceAttributes == nil {
            errors.append(FieldError(field: "spec.resourceAttributes",
                                     body: "Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified"))
        }
        if sar.user.isEmpty && sar.groups.isEmpty {
            errors.append(FieldError(field: "spec.user",
                                     body: "Invalid value: \(goQuote(sar.user)): at least one of user or group must be specified"))
        }
        // The API server clears server-set fields (namespace of a cluster-scoped object,
        // creationTimestamp, uid, selfLink, deletion fields, managedFields…) before validating;
        // what a client sets and it keeps must be empty.
        if case .object(let pairs) = sar.metadata {
            let kept: Set<String> = ["name", "generateName", "labels", "annotations", "ownerReferences", "finalizers"]
            let meaningful = pairs.filter { key, value in
                guard kept.contains(key) else { return false }
                switch value {
                case .null: return false
                case .object(let o): return !o.isEmpty
                case .array(let a): return !a.isEmpty
                case .string(let s): return !s.isEmpty
                default: return true
                }
            }
            if !meaningful.isEmpty {
                errors.append(FieldError(field: "metadata",
                                         body: "Invalid value: \(JSONWriter.compact(.object(meaningful))): must be empty"))
            }
        }
        return errors
    }

    /// The `metav1.Status` the API server returns for these errors (HTTP 422).
    public static func status(for errors: [FieldError]) -> JSONValue {
        var seen: [String] = []
        for e in errors where !seen.contains(e.message) { seen.append(e.message) }
        let aggregate = seen.count == 1 ? seen[0] : "[" + seen.joined(separator: ", ") + "]"
        return .object([
            ("kind", .string("Status")), ("apiVersion", .string("v1")), ("metadata", .object([])),
            ("status", .string("Failure")),
            ("message", .string("SubjectAccessReview.authorization.k8s.io \"\" is invalid: \(aggregate)")),
            ("reason", .string("Invalid")),
            ("details", .object([
                ("group", .string("authorization.k8s.io")), ("kind", .string("SubjectAccessReview")),
                ("causes", .array(errors.map { e in
                    .object([("reason", .string("FieldValueInvalid")), ("message", .string(e.body)), ("field", .string(e.field))])
                })),
            ])),
            ("code", .integer(422)),
        ])
    }

    /// A `metav1.Status` for input the API server could not even decode (HTTP 400).
    public static func badRequest(_ message: String) -> JSONValue {
        .object([
            ("kind", .string("Status")), ("apiVersion", .string("v1")), ("metadata", .object([])),
            ("status", .string("Failure")), ("message", .string(message)),
            ("reason", .string("BadRequest")), ("code", .integer(400)),
        ])
    }
}
