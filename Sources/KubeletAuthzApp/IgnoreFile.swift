import Foundation
import Governance

/// The ignore file a scan honours: the one named, else `.kubelet-authz-ignore.yaml` in the
/// working directory when there is one — as `.trivyignore` is found — else none.
public enum IgnoreFile {
    public enum LoadError: Error, Equatable, Sendable {
        /// The named file is missing or unreadable: the front names its own option.
        case unreadable(path: String)
        /// The file reads but is not a valid ignore file; the message names the file and line.
        case invalid(String)
    }

    /// - Parameter directory: where the default file is looked for; nil is the working
    ///   directory, and the path is then given as relative, as the user would write it.
    public static func path(explicit: String?, directory: String? = nil) -> String? {
        if let explicit { return explicit }
        let candidate = directory.map { ($0 as NSString).appendingPathComponent(FindingAcceptance.defaultFile) } ?? FindingAcceptance.defaultFile
        return FileManager.default.fileExists(atPath: candidate) ? candidate : nil
    }

    public static func load(_ path: String) throws(LoadError) -> FindingAcceptance {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path) }
        do { return try FindingAcceptance.decode(data, source: path) } catch { throw .invalid(error.description) }
    }
}
