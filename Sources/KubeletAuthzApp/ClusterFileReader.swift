import Cluster
import Foundation

/// Reads `-f` inputs: files, directories (recursively, `.yaml`, `.yml`, `.json`), and `-`
/// for stdin — the I/O edge in front of the pure decoder. A directory's top-level
/// `kubelet-config` folder is not cluster input (KubeletConfigFiles).
public enum ClusterFileReader {
    static let extensions: Set<String> = ["yaml", "yml", "json"]

    /// - Parameter stdin: the bytes of standard input, read only when a path is `-`.
    /// - Parameter defaultNamespace: what namespaced objects without one get (`-n`, else default).
    public static func read(_ paths: [String], stdin: () -> Data, defaultNamespace: String = "default") throws(InputError) -> ClusterSnapshot {
        guard !paths.isEmpty else {
            throw InputError("no cluster input: give one or more -f FILE|DIR|- (kubectl get … -o yaml output, manifests, or a snapshot)")
        }
        var snapshot = ClusterSnapshot()
        var stdinUsed = false
        for path in paths {
            if path == "-" {
                if stdinUsed { throw InputError("-f - given twice: stdin can be read once") }
                stdinUsed = true
                snapshot.merge(try decode(stdin(), source: "<stdin>", defaultNamespace: defaultNamespace))
                continue
            }
            for file in try expand(path) {
                guard let data = contents(of: file) else {
                    throw InputError("\(file): cannot read the file (permission denied?)")
                }
                snapshot.merge(try decode(data, source: file, defaultNamespace: defaultNamespace))
            }
        }
        snapshot.resolveDuplicates()
        return snapshot
    }

    /// Files of 16 MiB and more are mapped rather than copied: a 464 MB cluster dump then costs
    /// no copy and no fresh zeroed pages (a tenth of the read). Like ripgrep, this trusts the
    /// file not to be cut short while it is read.
    static func contents(of file: String) -> Data? {
        let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        guard size >= 16 << 20 else { return FileManager.default.contents(atPath: file) }
        return try? Data(contentsOf: URL(fileURLWithPath: file), options: .alwaysMapped)
    }

    static func decode(_ data: Data, source: String, defaultNamespace: String) throws(InputError) -> ClusterSnapshot {
        do { return try ClusterDocumentDecoder.decode(data, source: source, defaultNamespace: defaultNamespace) } catch { throw InputError(error.description) }
    }

    static func expand(_ path: String) throws(InputError) -> [String] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw InputError("the path \"\(path)\" does not exist")
        }
        guard isDir.boolValue else { return [path] }
        guard let walker = FileManager.default.enumerator(atPath: path) else {
            throw InputError("\(path): cannot list the directory")
        }
        var files: [String] = []
        while let rel = walker.nextObject() as? String {
            let name = (rel as NSString).lastPathComponent
            // Hidden folders, and the kubelets' configurations beside the cluster's objects
            // (KubeletConfigFiles reads those).
            if name.hasPrefix(".") || rel == KubeletConfigFiles.folderName {
                walker.skipDescendants()
                continue
            }
            let ext = (name as NSString).pathExtension.lowercased()
            guard extensions.contains(ext) else { continue }
            let full = (path as NSString).appendingPathComponent(rel)
            var sub: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &sub), !sub.boolValue { files.append(full) }
        }
        return files.sorted()
    }
}
