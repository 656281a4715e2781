/// A line that is not an audit event (truncated, not JSON, too long), by file (or stream batch)
/// and line.
public struct MalformedLine: Hashable, Sendable, Error {
    public let file: String
    public let line: Int
    public let reason: String

    public init(file: String, line: Int, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }
}
