/// metav1.LabelSelector, with the semantics of `LabelSelectorAsSelector`: requirements are
/// AND-ed, an empty selector selects everything, `NotIn` and `DoesNotExist` also select
/// objects without the label.
public struct LabelSelector: Hashable, Sendable, Codable {
    public struct Requirement: Hashable, Sendable, Codable {
        public var key: String
        public var `operator`: String
        public var values: [String]

        public init(key: String, operator op: String, values: [String] = []) {
            self.key = key
            self.operator = op
            self.values = values
        }

        enum CodingKeys: String, CodingKey { case key, `operator`, values }
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            key = try c.decodeIfPresent(String.self, forKey: .key) ?? ""
            self.operator = try c.decodeIfPresent(String.self, forKey: .operator) ?? ""
            values = try c.decodeIfPresent([String].self, forKey: .values) ?? []
        }
    }

    public var matchLabels: [String: String]
    public var matchExpressions: [Requirement]

    public init(matchLabels: [String: String] = [:], matchExpressions: [Requirement] = []) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }

    enum CodingKeys: String, CodingKey { case matchLabels, matchExpressions }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        matchLabels = try c.decodeIfPresent([String: String].self, forKey: .matchLabels) ?? [:]
        matchExpressions = try c.decodeIfPresent([Requirement].self, forKey: .matchExpressions) ?? []
    }

    public struct InvalidSelector: Error, CustomStringConvertible {
        public let description: String
    }

    /// Whether the selector selects an object with these labels. Invalid selectors throw, as
    /// `LabelSelectorAsSelector` errors and the aggregation controller then skips the role.
    public func matches(_ labels: [String: String]) throws(InvalidSelector) -> Bool {
        for (key, value) in matchLabels where labels[key] != value { return false }
        for r in matchExpressions {
            switch r.operator {
            case "In":
                guard !r.values.isEmpty else { throw InvalidSelector(description: "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty") }
                guard let v = labels[r.key], r.values.contains(v) else { return false }
            case "NotIn":
                guard !r.values.isEmpty else { throw InvalidSelector(description: "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty") }
                if let v = labels[r.key], r.values.contains(v) { return false }
            case "Exists":
                guard r.values.isEmpty else { throw InvalidSelector(description: "values: Invalid value: values set must be empty for exists and does not exist") }
                if labels[r.key] == nil { return false }
            case "DoesNotExist":
                guard r.values.isEmpty else { throw InvalidSelector(description: "values: Invalid value: values set must be empty for exists and does not exist") }
                if labels[r.key] != nil { return false }
            default:
                throw InvalidSelector(description: "\(goQuote(r.operator)) is not a valid label selector operator")
            }
        }
        return true
    }
}
