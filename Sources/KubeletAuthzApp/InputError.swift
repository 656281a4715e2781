/// Input the application layer cannot use: a missing file, an undecodable object, a review the
/// API server would reject. The message names the file and line (or field); the fronts decide
/// how to report it (exit code 2 on the command line, an HTTP status in the server).
public struct InputError: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
