import Foundation

/// The name a saved scan records a source file by: its absolute, standardized path (no `.`,
/// `..` or doubled `/`), so that `-f cluster/` and `-f /work/demo/cluster/` save the same
/// content. Names that are not files (stdin, a live cluster) are kept as they are.
public enum SourcePath {
    /// `path` made absolute against `directory` (the working directory) and standardized, when
    /// `exists` says the result is a file; otherwise `path` unchanged.
    public static func recorded(_ path: String, directory: String, exists: (String) -> Bool) -> String {
        guard !path.isEmpty else { return path }
        let absolute = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: directory, isDirectory: true)).standardizedFileURL.path
        return exists(absolute) ? absolute : path
    }

    /// `recorded` against this process's working directory and file system.
    public static func recorded(_ path: String) -> String {
        recorded(path, directory: FileManager.default.currentDirectoryPath, exists: { FileManager.default.fileExists(atPath: $0) })
    }
}
