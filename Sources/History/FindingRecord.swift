/// A finding as a saved scan keeps it: everything its fingerprint is made of (rule, subject,
/// the objects it points at, and the message for findings about no object), so that the
/// finding rebuilt from the record has the fingerprint it was saved under, plus its severity
/// and the file and line of each object for reports.
public struct FindingRecord: Codable, Hashable, Sendable {
    public struct Location: Codable, Hashable, Sendable {
        public var kind: String
        public var namespace: String
        public var name: String
        public var file: String?
        public var line: Int?

        public init(kind: String, namespace: String, name: String, file: String?, line: Int?) {
            self.kind = kind
            self.namespace = namespace
            self.name = name
            self.file = file
            self.line = line
        }
    }

    public var fingerprint: String
    public var rule: String
    /// `critical`, `high`, `medium`, `low` or `info`.
    public var severity: String
    public var subject: SubjectRef?
    public var message: String
    public var locations: [Location]

    public init(fingerprint: String, rule: String, severity: String, subject: SubjectRef?, message: String, locations: [Location]) {
        self.fingerprint = fingerprint
        self.rule = rule
        self.severity = severity
        self.subject = subject
        self.message = message
        self.locations = locations
    }
}
