import Foundation
import KubeletAuthzCLI
import Testing

/// Runs the real command line in-process, capturing what it prints.
public struct CommandResult: Sendable {
    public let code: Int32
    public let out: String
    public let err: String
}

public final class Capture: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    public init() {}
    public func append(_ s: String) { lock.lock(); text += s; lock.unlock() }
    public var value: String { lock.lock(); defer { lock.unlock() }; return text }
}

public func kubeletAuthz(_ arguments: [String], stdin: String = "") async -> CommandResult {
    let out = Capture(), err = Capture()
    let input = Data(stdin.utf8)
    let io = ConsoleIO(writeOut: { out.append($0) }, writeErr: { err.append($0) }, readStdin: { input }, stdoutIsTerminal: false)
    let code = await ConsoleIO.$current.withValue(io) { await KubeletAuthz.run(arguments: arguments) }
    return CommandResult(code: code, out: out.value, err: err.value)
}

public func jsonObject(_ text: String) throws -> [String: Any] {
    let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(value as? [String: Any], "not a JSON object: \(text)")
}
