import KubeJSON

/// `FieldSelectorAttributes` and `LabelSelectorAttributes` of authorization.k8s.io (GA with
/// AuthorizeWithSelectors in 1.34): a raw selector string or structured requirements, one
/// or the other. Both kinds share this shape; what differs is how they are read
/// (`FieldSelectorParser`, `LabelSelectorParser`) and validated.
public struct SelectorAttributes: Hashable, Sendable {
    /// `metav1.FieldSelectorRequirement` has the shape of `metav1.LabelSelectorRequirement`
    /// (key, operator, values), so one type serves both. The operator is kept as sent: one
    /// the API server does not know is not a 422.
    public typealias Requirement = LabelSelector.Requirement

    public var rawSelector: String
    public var requirements: [Requirement]

    public init(rawSelector: String = "", requirements: [Requirement] = []) {
        self.rawSelector = rawSelector
        self.requirements = requirements
    }

    /// As the API server writes it back after decoding into its typed object: members it
    /// does not know are gone, `rawSelector`, `requirements` and `values` are `omitempty`,
    /// `key` and `operator` are not.
    public var json: JSONValue {
        .object([
            ("rawSelector", rawSelector.isEmpty ? nil : .string(rawSelector)),
            ("requirements", requirements.isEmpty ? nil : .array(requirements.map { r in
                .object([("key", .string(r.key)), ("operator", .string(r.operator)),
                         ("values", r.values.isEmpty ? nil : .strings(r.values))])
            })),
        ])
    }
}
