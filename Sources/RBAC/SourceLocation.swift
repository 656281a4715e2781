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

/// A problem in a file the user gave us, with the line when known (`file:line: message`).
public struct FileLineError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let line: Int?
    public let message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)" }
}
