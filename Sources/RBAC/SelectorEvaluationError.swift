/// What the API server says in `status.evaluationError` about selectors it could not use
/// (`BuildEvaluationError`, pkg/registry/authorization/util). It reads them as
/// `ResourceAttributesFrom` does: a raw selector that does not parse leaves no requirement;
/// of structured requirements it keeps those it understands and drops the rest, which is
/// safe because requirements are AND-ed, so fewer only broadens the question. RBAC never
/// looks at selectors, so the decision stands either way; only this text tells the client.
public enum SelectorEvaluationError: Hashable, Sendable, CustomStringConvertible {
    public enum Selector: String, Hashable, Sendable { case field = "fieldSelector", label = "labelSelector" }

    /// Nothing of the selector is used.
    case ignored(Selector)
    /// Some structured requirements are used, others dropped.
    case partiallyIgnored(Selector)

    public var description: String {
        switch self {
        case .ignored(let s): return "spec.resourceAttributes.\(s.rawValue) ignored due to parse error"
        case .partiallyIgnored(let s): return "spec.resourceAttributes.\(s.rawValue) partially ignored due to parse error"
        }
    }

    /// Field selector first, then label selector, as the API server appends them.
    public static func errors(for attributes: SubjectAccessReview.ResourceAttributes?) -> [SelectorEvaluationError] {
        guard let attributes else { return [] }
        return [verdict(.field, attributes.fieldSelector), verdict(.label, attributes.labelSelector)].compactMap { $0 }
    }

    /// `BuildEvaluationError`'s text: the authorizer's own error, then the selectors', "; "-joined.
    public static func joined(_ authorizerError: String, _ errors: [SelectorEvaluationError]) -> String {
        ([authorizerError].filter { !$0.isEmpty } + errors.map(\.description)).joined(separator: "; ")
    }

    private static func verdict(_ selector: Selector, _ attributes: SelectorAttributes?) -> SelectorEvaluationError? {
        guard let attributes else { return nil }
        var kept = 0
        var failed = false
        // The requirements win when both are set; validation has made that a 422 already.
        if !attributes.requirements.isEmpty {
            (kept, failed) = selector == .field ? fieldRequirements(attributes.requirements) : labelRequirements(attributes.requirements)
        } else if !attributes.rawSelector.isEmpty {
            do {
                switch selector {
                case .field: _ = try FieldSelectorParser.parse(attributes.rawSelector)
                case .label: _ = try LabelSelectorParser.parse(attributes.rawSelector)
                }
            } catch {
                failed = true
            }
        }
        guard failed else { return nil }
        return kept > 0 ? .partiallyIgnored(selector) : .ignored(selector)
    }

    /// `fieldSelectorAsSelector`: field selectors take one value and only In or NotIn
    /// (read as `=` and `!=`); Exists, DoesNotExist and unknown operators are dropped.
    private static func fieldRequirements(_ requirements: [SelectorAttributes.Requirement]) -> (kept: Int, failed: Bool) {
        var kept = 0
        var failed = false
        for r in requirements {
            if r.values.count == 1 && (r.operator == "In" || r.operator == "NotIn") {
                kept += 1
            } else {
                failed = true
            }
        }
        return (kept, failed)
    }

    /// `labelSelectorAsSelector`: the four metav1 operators become requirements through
    /// `labels.NewRequirement`'s checks; anything else is dropped.
    private static func labelRequirements(_ requirements: [SelectorAttributes.Requirement]) -> (kept: Int, failed: Bool) {
        let operators: [String: LabelSelectorParser.Requirement.Operator] = [
            "In": .in, "NotIn": .notIn, "Exists": .exists, "DoesNotExist": .doesNotExist,
        ]
        var kept = 0
        var failed = false
        for r in requirements {
            guard let op = operators[r.operator],
                  (try? LabelSelectorParser.requirement(r.key, op, r.values)) != nil else {
                failed = true
                continue
            }
            kept += 1
        }
        return (kept, failed)
    }
}
