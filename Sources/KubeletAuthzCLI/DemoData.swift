import Foundation

/// Finds the bundled examples: `$KUBELET_AUTHZ_EXAMPLES`, then `share/kubelet-authz/examples`
/// next to an installed binary, then the source tree this binary was built from.
enum DemoData {
    static func examplesDirectory() throws(CLIError) -> String {
        var candidates: [String] = []
        if let env = ConsoleIO.environment["KUBELET_AUTHZ_EXAMPLES"] { candidates.append(env) }
        // The running binary itself, not argv[0]: run by name from PATH, argv[0] is just the name.
        let selfPath = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments.first ?? ""
        let exe = URL(fileURLWithPath: selfPath).resolvingSymlinksInPath().deletingLastPathComponent()
        candidates.append(exe.appendingPathComponent("../share/kubelet-authz/examples").standardized.path)
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples").path)
        let cwd = FileManager.default.currentDirectoryPath
        for c in candidates where FileManager.default.fileExists(atPath: c + "/ai-cluster") {
            // Findings cite files; keep them short when the examples are below the working directory.
            let absolute = URL(fileURLWithPath: c).standardized.path
            if absolute.hasPrefix(cwd + "/") { return String(absolute.dropFirst(cwd.count + 1)) }
            return absolute
        }
        throw .badInput("--demo: the bundled examples were not found (looked in \(candidates.joined(separator: ", "))); set KUBELET_AUTHZ_EXAMPLES to the examples/ directory of a kubelet-authz checkout")
    }
}
