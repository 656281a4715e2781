import Foundation

/// The `kubelet-authz` executable the package built, found next to the test bundle.
public enum BuiltExecutable {
    public static var kubeletAuthz: URL? {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for dir in [here, here.deletingLastPathComponent()] {
            let candidate = dir.appendingPathComponent("kubelet-authz")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    public struct NotFound: Error, CustomStringConvertible {
        public var description: String { "kubelet-authz binary next to the test bundle not found" }
    }

    /// `kubeletAuthz`, or an error that fails the test when it was not built.
    public static func required() throws -> URL {
        guard let url = kubeletAuthz else { throw NotFound() }
        return url
    }
}
