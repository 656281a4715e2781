import RBAC

public enum Severity: Int, Comparable, Sendable, CaseIterable, CustomStringConvertible {
    case info = 0, low, medium, high, critical

    public static func < (a: Severity, b: Severity) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .info: return "info"
        case .low: return "low"
        case .medium: return "medium"
        case .high: return "high"
        case .critical: return "critical"
        }
    }

    public init?(_ name: String) {
        guard let s = Severity.allCases.first(where: { $0.description == name.lowercased() }) else { return nil }
        self = s
    }
}

/// One thing wrong, with where it comes from.
public struct Finding: Hashable, Sendable {
    public struct Location: Hashable, Sendable {
        public let kind: String
        public let name: String
        public let namespace: String
        public let source: SourceLocation?

        public init(kind: String, name: String, namespace: String = "", source: SourceLocation?) {
            self.kind = kind
            self.name = name
            self.namespace = namespace
            self.source = source
        }

        public static func of(_ b: Binding) -> Location { Location(kind: b.kind.rawValue, name: b.name, namespace: b.namespace, source: b.source) }
        public static func of(_ r: Role) -> Location { Location(kind: r.kind.rawValue, name: r.name, namespace: r.namespace, source: r.source) }
    }

    public let rule: FindingRule
    public let severity: Severity
    public let subject: SubjectKey?
    public let message: String
    public let locations: [Location]

    public init(_ rule: FindingRule, severity: Severity? = nil, subject: SubjectKey? = nil, message: String, locations: [Location] = []) {
        self.rule = rule
        self.severity = severity ?? rule.defaultSeverity
        self.subject = subject
        self.message = message
        // First occurrences in order; a set past a few, as a subject's grants and the bindings
        // of the identities it reaches run to hundreds.
        if locations.count <= 64 {
            var unique: [Location] = []
            for l in locations where !unique.contains(l) { unique.append(l) }
            self.locations = unique
        } else {
            var seen = Set<Location>()
            self.locations = locations.filter { seen.insert($0).inserted }
        }
    }
}
