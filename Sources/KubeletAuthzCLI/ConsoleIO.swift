import Foundation

/// Where commands read and write, and what they know of the process around them: its
/// environment and which of its streams are terminals. A task-local so that tests run the
/// real commands in-process, capture what they print, and decide what they see — no test
/// depends on the machine's KUBECONFIG, ~/.kube/config or terminal.
public struct ConsoleIO: Sendable {
    /// Replacing it also drops `writeOutBytes`, so that bytes go where the text now goes.
    public var writeOut: @Sendable (String) -> Void { didSet { writeOutBytes = nil } }
    public var writeErr: @Sendable (String) -> Void
    public var readStdin: @Sendable () -> Data
    public var stdoutIsTerminal: Bool
    public var stderrIsTerminal: Bool
    public var stdinIsTerminal: Bool
    /// Environment variables (KUBECONFIG, HOME, NO_COLOR, KUBELET_AUTHZ_*); commands read no other.
    public var environment: [String: String]
    /// True for the process's own stdin, which may be streamed rather than read whole.
    public var stdinIsProcessStdin = false
    /// UTF-8 written as it is: a report of hundreds of MB made into `String`s first was
    /// validated again on the way out. `nil` (a test's console) hands `writeOut` the text.
    public var writeOutBytes: (@Sendable ([UInt8]) -> Void)? = nil

    /// A console that is not the process's: an empty environment and no terminal unless given.
    public init(writeOut: @escaping @Sendable (String) -> Void, writeErr: @escaping @Sendable (String) -> Void,
                readStdin: @escaping @Sendable () -> Data, stdoutIsTerminal: Bool, stderrIsTerminal: Bool = false,
                stdinIsTerminal: Bool = false, environment: [String: String] = [:]) {
        self.writeOut = writeOut
        self.writeErr = writeErr
        self.readStdin = readStdin
        self.stdoutIsTerminal = stdoutIsTerminal
        self.stderrIsTerminal = stderrIsTerminal
        self.stdinIsTerminal = stdinIsTerminal
        self.environment = environment
    }

    /// The process's own streams, environment and terminals: the only place they are read.
    public static let standard: ConsoleIO = {
        var io = ConsoleIO(
            writeOut: { s in FileHandle.standardOutput.write(Data(s.utf8)) },
            writeErr: { s in FileHandle.standardError.write(Data(s.utf8)) },
            readStdin: { FileHandle.standardInput.readDataToEndOfFile() },
            stdoutIsTerminal: isatty(STDOUT_FILENO) == 1,
            stderrIsTerminal: isatty(STDERR_FILENO) == 1,
            stdinIsTerminal: isatty(STDIN_FILENO) == 1,
            environment: ProcessInfo.processInfo.environment
        )
        io.stdinIsProcessStdin = true
        io.writeOutBytes = { bytes in FileHandle.standardOutput.write(Data(bytes)) }
        return io
    }()

    @TaskLocal public static var current: ConsoleIO = .standard

    static func out(_ s: String) { current.writeOut(s) }
    /// Whole UTF-8 (a piece never cuts a character).
    static func out(bytes: [UInt8]) {
        if let write = current.writeOutBytes { write(bytes) } else { current.writeOut(String(decoding: bytes, as: UTF8.self)) }
    }
    static func err(_ s: String) { current.writeErr(s) }
    static var environment: [String: String] { current.environment }
}
