import Foundation

/// Where commands read and write. A task-local so that tests run the real commands
/// in-process and capture what they print.
public struct ConsoleIO: Sendable {
    public var writeOut: @Sendable (String) -> Void
    public var writeErr: @Sendable (String) -> Void
    public var readStdin: @Sendable () -> Data
    public var stdoutIsTerminal: Bool
    /// True for the process's own stdin, which may be streamed rather than read whole.
    public var stdinIsProcessStdin = false

    public init(writeOut: @escaping @Sendable (String) -> Void, writeErr: @escaping @Sendable (String) -> Void,
                readStdin: @escaping @Sendable () -> Data, stdoutIsTerminal: Bool) {
        self.writeOut = writeOut
        self.writeErr = writeErr
        self.readStdin = readStdin
        self.stdoutIsTerminal = stdoutIsTerminal
    }

    public static let standard: ConsoleIO = {
        var io = ConsoleIO(
            writeOut: { s in FileHandle.standardOutput.write(Data(s.utf8)) },
            writeErr: { s in FileHandle.standardError.write(Data(s.utf8)) },
            readStdin: { FileHandle.standardInput.readDataToEndOfFile() },
            stdoutIsTerminal: isatty(STDOUT_FILENO) == 1
        )
        io.stdinIsProcessStdin = true
        return io
    }()

    @TaskLocal public static var current: ConsoleIO = .standard

    static func out(_ s: String) { current.writeOut(s) }
    static func err(_ s: String) { current.writeErr(s) }
}
