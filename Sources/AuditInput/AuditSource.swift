import Foundation

/// One audit input: a file (plain or gzip), or stdin.
public struct AuditSource: Hashable, Sendable {
    public let path: String
    public var isStdin: Bool { path == "-" }
    public var displayName: String { isStdin ? "<stdin>" : path }

    public init(path: String) { self.path = path }

    /// The path a file's checkpoint is kept under: absolute, without `./` or symlinks, so the
    /// same file named two ways is one file.
    public var canonicalPath: String {
        isStdin ? "<stdin>" : URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
    }

    /// The file's size now (0 if it cannot be read: opening it reports why).
    var size: Int {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }

    public struct ResolveError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Expands arguments: files as given, directories to the audit logs in them (recursively:
    /// `*.log`, `*.jsonl`, `*.json`, rotated `*.log.N`, `*-TIMESTAMP.log` and their `.gz`),
    /// `-` to stdin.
    public static func resolve(_ arguments: [String]) throws(ResolveError) -> [AuditSource] {
        var out: [AuditSource] = []
        for arg in arguments {
            if arg == "-" { out.append(AuditSource(path: "-")); continue }
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: arg, isDirectory: &isDir) else {
                throw ResolveError(description: "the path \"\(arg)\" does not exist")
            }
            if !isDir.boolValue { out.append(AuditSource(path: arg)); continue }
            guard let walker = FileManager.default.enumerator(atPath: arg) else { throw ResolveError(description: "\(arg): cannot list the directory") }
            var files: [String] = []
            while let rel = walker.nextObject() as? String {
                let name = (rel as NSString).lastPathComponent
                if name.hasPrefix(".") { walker.skipDescendants(); continue }
                guard looksLikeAuditLog(name) else { continue }
                let full = (arg as NSString).appendingPathComponent(rel)
                var sub: ObjCBool = false
                if FileManager.default.fileExists(atPath: full, isDirectory: &sub), !sub.boolValue { files.append(full) }
            }
            out += files.sorted().map(AuditSource.init)
        }
        return out
    }

    static func looksLikeAuditLog(_ name: String) -> Bool {
        var n = name.lowercased()
        if n.hasSuffix(".gz") { n.removeLast(3) }
        if n.hasSuffix(".log") || n.hasSuffix(".jsonl") || n.hasSuffix(".json") { return true }
        // audit.log.1, audit.log.2 …, and logrotate's dateext: audit.log-20261127
        if let r = n.range(of: ".log."), n[r.upperBound...].allSatisfy(\.isNumber) { return true }
        if let r = n.range(of: ".log-"), n[r.upperBound...].allSatisfy({ $0.isNumber || $0 == "-" }) { return true }
        return false
    }
}
