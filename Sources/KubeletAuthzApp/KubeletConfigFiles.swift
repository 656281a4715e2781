import Foundation
import Governance
import RBAC

/// `kubelet-config/<node>.yaml` (the node's KubeletConfiguration) and `<node>.json` (its
/// /configz answer): the kubelets' configurations for a scan of files. The folder is
/// `--kubelet-config DIR`, else a `kubelet-config` folder directly inside a directory given to
/// `-f` (which the cluster reader then skips: these are not cluster objects).
public enum KubeletConfigFiles {
    public static let folderName = "kubelet-config"
    static let extensions: Set<String> = ["yaml", "yml", "json"]

    /// The folder to read, if any.
    public static func folder(explicit: String?, inputs: [String]) throws(InputError) -> String? {
        var isDir: ObjCBool = false
        if let explicit {
            guard FileManager.default.fileExists(atPath: explicit, isDirectory: &isDir), isDir.boolValue else {
                throw InputError("--kubelet-config \(explicit): not a directory (expected a folder of <node>.yaml or <node>.json files)")
            }
            return explicit
        }
        var found: [String] = []
        for input in inputs where input != "-" {
            let candidate = (input as NSString).appendingPathComponent(folderName)
            if FileManager.default.fileExists(atPath: input, isDirectory: &isDir), isDir.boolValue,
               FileManager.default.fileExists(atPath: candidate, isDirectory: &isDir), isDir.boolValue {
                found.append(candidate)
            }
        }
        if found.count > 1 {
            throw InputError("\(found.joined(separator: " and ")): more than one \(folderName) folder among the -f directories; name the one to use with --kubelet-config DIR")
        }
        return found.first
    }

    /// Every file of the folder, decoded; each node of `nodes` without a file is reported as
    /// not known. A file that names no Node of the input is an error (a typo would otherwise
    /// leave the node unjudged) unless the input has no Nodes at all.
    public static func read(_ dir: String, nodes: [String]) throws(InputError) -> KubeletConfigInput {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted() } catch {
            throw InputError("\(dir): cannot list the directory")
        }
        let known = Set(nodes)
        var byNode: [String: NodeKubeletConfig] = [:]
        for name in names where !name.hasPrefix(".") {
            let ext = (name as NSString).pathExtension.lowercased()
            guard extensions.contains(ext) else { continue }
            let node = (name as NSString).deletingPathExtension
            let path = (dir as NSString).appendingPathComponent(name)
            if let other = byNode[node]?.source {
                throw InputError("\(path): node \(node) already has \(other); keep one file per node")
            }
            if !known.isEmpty && !known.contains(node) {
                throw InputError("\(path): no Node \(goQuote(node)) in the input (files are named <node>.yaml or <node>.json; nodes: \(nodes.sorted().joined(separator: ", ")))")
            }
            guard let data = FileManager.default.contents(atPath: path) else { throw InputError("\(path): cannot read the file") }
            do {
                byNode[node] = NodeKubeletConfig(node: node, outcome: .read(try KubeletConfigDecoder.decode(data, source: path)), source: path)
            } catch {
                throw InputError(error.description)
            }
        }
        for node in nodes where byNode[node] == nil {
            byNode[node] = NodeKubeletConfig(node: node, outcome: .notRead("no <node>.yaml or <node>.json in \(dir)"))
        }
        return KubeletConfigInput(origin: .files, location: dir, nodes: byNode.keys.sorted().map { byNode[$0]! })
    }
}
