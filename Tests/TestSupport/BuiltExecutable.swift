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
}
