/// An RBAC rule as stored: absent lists are empty lists, as Go's nil slices are.
public struct PolicyRule: Hashable, Sendable, Codable {
    public var verbs: [String]
    public var apiGroups: [String]
    public var resources: [String]
    public var resourceNames: [String]
    public var nonResourceURLs: [String]

    public init(verbs: [String] = [], apiGroups: [String] = [], resources: [String] = [],
                resourceNames: [String] = [], nonResourceURLs: [String] = []) {
        self.verbs = verbs
        self.apiGroups = apiGroups
        self.resources = resources
        self.resourceNames = resourceNames
        self.nonResourceURLs = nonResourceURLs
    }

    enum CodingKeys: String, CodingKey { case verbs, apiGroups, resources, resourceNames, nonResourceURLs }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        verbs = try c.decodeIfPresent([String].self, forKey: .verbs) ?? []
        apiGroups = try c.decodeIfPresent([String].self, forKey: .apiGroups) ?? []
        resources = try c.decodeIfPresent([String].self, forKey: .resources) ?? []
        resourceNames = try c.decodeIfPresent([String].self, forKey: .resourceNames) ?? []
        nonResourceURLs = try c.decodeIfPresent([String].self, forKey: .nonResourceURLs) ?? []
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if !verbs.isEmpty { try c.encode(verbs, forKey: .verbs) }
        if !apiGroups.isEmpty { try c.encode(apiGroups, forKey: .apiGroups) }
        if !resources.isEmpty { try c.encode(resources, forKey: .resources) }
        if !resourceNames.isEmpty { try c.encode(resourceNames, forKey: .resourceNames) }
        if !nonResourceURLs.isEmpty { try c.encode(nonResourceURLs, forKey: .nonResourceURLs) }
    }

    /// The rule as `kubectl describe` would summarise it, for explanations.
    public var summary: String {
        var parts: [String] = []
        if !apiGroups.isEmpty { parts.append("apiGroups=[\(apiGroups.map { $0.isEmpty ? "\"\"" : $0 }.joined(separator: ","))]") }
        if !resources.isEmpty { parts.append("resources=[\(resources.joined(separator: ","))]") }
        if !resourceNames.isEmpty { parts.append("resourceNames=[\(resourceNames.joined(separator: ","))]") }
        if !nonResourceURLs.isEmpty { parts.append("nonResourceURLs=[\(nonResourceURLs.joined(separator: ","))]") }
        parts.append("verbs=[\(verbs.joined(separator: ","))]")
        return parts.joined(separator: " ")
    }
}
