import Foundation

/// A command run to completion with its input, output and error captured: python3 for the
/// CEL evaluators, sh and openssl for the certificate recipe.
public enum ChildProcess {
    /// - Parameter arguments: looked up on PATH by /usr/bin/env.
    public static func run(_ arguments: [String], stdin: Data) -> (status: Int32, stdout: Data, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        let input = Pipe(), output = Pipe(), errors = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = errors
        do { try p.run() } catch { return (127, Data(), "\(error)") }
        // Read both pipes while writing, so that neither side blocks on a full pipe.
        nonisolated(unsafe) var out = Data(), err = Data()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { out = output.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { err = errors.fileHandleForReading.readDataToEndOfFile() }
        input.fileHandleForWriting.write(stdin)
        try? input.fileHandleForWriting.close()
        p.waitUntilExit()
        group.wait()
        return (p.terminationStatus, out, String(decoding: err, as: UTF8.self))
    }
}
