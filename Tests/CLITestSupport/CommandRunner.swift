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

/// The environment a test console starts from, whatever the machine has: HOME is an empty
/// directory (no ~/.kube/config, no evidence database), PATH is fixed, and there is no
/// KUBECONFIG, KUBERNETES_SERVICE_HOST, NO_COLOR or KUBELET_AUTHZ_*.
public func hermeticEnvironment(home: String) -> [String: String] {
    ["HOME": home, "PATH": "/usr/local/bin:/usr/bin:/bin"]
}

/// Runs `kubelet-authz` in-process on a hermetic console (`hermeticEnvironment`, a HOME of its
/// own removed afterwards, no terminal).
/// - Parameter environment: variables added to (or replacing) the hermetic ones.
public func kubeletAuthz(_ arguments: [String], stdin: String = "", environment: [String: String] = [:],
                         stdoutIsTerminal: Bool = false, stderrIsTerminal: Bool = false) async -> CommandResult {
    let home = FileManager.default.temporaryDirectory.appendingPathComponent("kubelet-authz-home-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: home) }
    let out = Capture(), err = Capture()
    let input = Data(stdin.utf8)
    let io = ConsoleIO(writeOut: { out.append($0) }, writeErr: { err.append($0) }, readStdin: { input },
                       stdoutIsTerminal: stdoutIsTerminal, stderrIsTerminal: stderrIsTerminal, stdinIsTerminal: false,
                       environment: hermeticEnvironment(home: home.path).merging(environment) { $1 })
    let code = await ConsoleIO.$current.withValue(io) { await KubeletAuthz.run(arguments: arguments) }
    return CommandResult(code: code, out: out.value, err: err.value)
}

public func jsonObject(_ text: String) throws -> [String: Any] {
    let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(value as? [String: Any], "not a JSON object: \(text)")
}
