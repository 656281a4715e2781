/// Where an object came from, so findings and errors can send a person to the line.
public struct SourceLocation: Hashable, Sendable, Codable, CustomStringConvertible {
    public let file: String
    /// 1-based line of the object's first key, when known (YAML always; JSON when located).
    public let line: Int?
    /// 1-based document index in a multi-document YAML stream.
    public let document: Int?

    public init(file: String, line: Int? = nil, document: Int? = nil) {
        self.file = file
        self.line = line
        self.document = document
    }

    public var description: String {
        if let line { return "\(file):\(line)" }
        if let document { return "\(file) (document \(document))" }
        return file
    }
}
