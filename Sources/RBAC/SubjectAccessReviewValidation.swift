import KubeJSON

/// `ValidateSubjectAccessReview` (pkg/apis/authorization/validation) and the 422 Status the
/// API server answers with when it fails.
public enum SubjectAccessReviewValidation {
    /// The checks in the API server's order: the attribute blocks, the subject, the field
    /// selector, the label selector, then metadata.
    public static func validate(_ sar: SubjectAccessReview) -> [FieldError] {
        var errors: [FieldError] = []
        if let n = sar.nonResourceAttributes, sar.resourceAttributes != nil {
            // The internal NonResourceAttributes has no json tags, hence Path and Verb.
            let value = JSONValue.object([("Path", .string(n.path)), ("Verb", .string(n.verb))])
            errors.append(.invalid("spec.nonResourceAttributes", .json(value), "cannot be specified in combination with resourceAttributes"))
        }
        if sar.resourceAttributes == nil && sar.nonResourceAttributes == nil {
            errors.append(.invalid("spec.resourceAttributes", .null, "exactly one of nonResourceAttributes or resourceAttributes must be specified"))
        }
        if sar.user.isEmpty && sar.groups.isEmpty {
            errors.append(.invalid("spec.user", .string(sar.user), "at least one of user or group must be specified"))
        }
        if let ra = sar.resourceAttributes {
            errors += selectorErrors(ra.fieldSelector, path: "spec.resourceAttributes.fieldSelector", requirement: fieldRequirementErrors)
            errors += selectorErrors(ra.labelSelector, path: "spec.resourceAttributes.labelSelector", requirement: labelRequirementErrors)
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
                errors.append(.invalid("metadata", .json(.object(meaningful)), "must be empty"))
            }
        }
        return errors
    }

    /// `validateFieldSelectorAttributes` / `validateLabelSelectorAttributes`: exactly one of
    /// rawSelector and requirements, then each requirement. Unknown operators pass
    /// (`AllowUnknownOperatorInRequirement`), so that newer clients are still answered.
    static func selectorErrors(_ selector: SelectorAttributes?, path: String,
                               requirement: (SelectorAttributes.Requirement, String) -> [FieldError]) -> [FieldError] {
        guard let selector else { return [] }
        var errors: [FieldError] = []
        if !selector.rawSelector.isEmpty && !selector.requirements.isEmpty {
            // "may not specified" is upstream's wording, and clients match on it: keep it.
            errors.append(.invalid(path + ".rawSelector", .string(selector.rawSelector), "may not specified at the same time as requirements"))
        }
        if selector.rawSelector.isEmpty && selector.requirements.isEmpty {
            errors.append(.required(path + ".requirements", "when \(path) is specified, requirements or rawSelector is required"))
        }
        for (i, r) in selector.requirements.enumerated() {
            errors += requirement(r, "\(path).requirements[\(i)]")
        }
        return errors
    }

    /// The operator's rule on values, shared by `ValidateFieldSelectorRequirement` and
    /// `ValidateLabelSelectorRequirement`.
    static func operatorValueErrors(_ r: SelectorAttributes.Requirement, _ path: String) -> [FieldError] {
        switch r.operator {
        case "In", "NotIn":
            return r.values.isEmpty ? [.required(path + ".values", "must be specified when `operator` is 'In' or 'NotIn'")] : []
        case "Exists", "DoesNotExist":
            return r.values.isEmpty ? [] : [.forbidden(path + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")]
        default:
            return []
        }
    }

    /// A field selector's key is a field path, so only its presence is checked, before the operator.
    static func fieldRequirementErrors(_ r: SelectorAttributes.Requirement, _ path: String) -> [FieldError] {
        let key: [FieldError] = r.key.isEmpty ? [.required(path + ".key", "must be specified")] : []
        return key + operatorValueErrors(r, path)
    }

    /// A label selector's key and values must be label syntax, checked after the operator.
    static func labelRequirementErrors(_ r: SelectorAttributes.Requirement, _ path: String) -> [FieldError] {
        var errors = operatorValueErrors(r, path)
        errors += LabelSyntax.keyErrors(r.key).map { .invalid(path + ".key", .string(r.key), $0) }
        for (i, v) in r.values.enumerated() {
            errors += LabelSyntax.valueErrors(v).map { .invalid("\(path).values[\(i)]", .string(v), $0) }
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
            // The kind is the internal object's, which is empty: hence ".authorization.k8s.io".
            ("message", .string(".authorization.k8s.io \"\" is invalid: \(aggregate)")),
            ("reason", .string("Invalid")),
            ("details", .object([
                ("group", .string("authorization.k8s.io")),
                ("causes", .array(errors.map { e in
                    .object([("reason", .string(e.kind.rawValue)), ("message", .string(e.body)), ("field", .string(e.field))])
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
