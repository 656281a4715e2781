/// Errors that end a command with a documented exit code: 2 for bad input, 1 when findings
/// reach `--fail-on`.
public struct CLIError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public let exitCode: Int32

    public static func badInput(_ message: String) -> CLIError { CLIError(message: message, exitCode: 2) }
    /// Output was written; the exit code alone reports the failure.
    public static func silent(_ code: Int32) -> CLIError { CLIError(message: "", exitCode: code) }

    public var description: String { message }
}
