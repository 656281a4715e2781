import Foundation
import RBAC
import Yams

/// Reads a kubelet's configuration from either form a user can get it in: the kubelet's
/// `/configz` answer (`{"kubeletconfig": {…}}`, values already defaulted) or a
/// KubeletConfiguration file (kubelet.config.k8s.io/v1beta1, as `--config` takes it). Only the
/// fields that decide authentication and authorization are read; the others are the kubelet's
/// business. A field of the wrong type is an error naming its line, as the kubelet would refuse
/// to start with it.
public enum KubeletConfigDecoder {
    public static let apiVersion = "kubelet.config.k8s.io/v1beta1"
    public static let kind = "KubeletConfiguration"

    public static func decode(_ data: Data, source: String) throws(FileLineError) -> KubeletConfiguration {
        func fail(_ node: Node?, _ message: String) -> FileLineError { FileLineError(file: source, line: node?.mark?.line, message: message) }
        let root = try YAMLComposer.root(data, source: source, language: "YAML or JSON")
        guard let root, case .mapping = root else {
            throw fail(root, "expected a KubeletConfiguration (kind: \(kind)) or the kubelet's /configz answer ({\"kubeletconfig\": {…}})")
        }
        let config: Node
        let prefix: String
        if let inner = root["kubeletconfig"] {
            guard case .mapping = inner else { throw fail(inner, "kubeletconfig must be an object") }
            config = inner
            prefix = "kubeletconfig."
        } else {
            guard let k = root["kind"] else {
                throw fail(root, "missing kind: expected kind: \(kind) (apiVersion \(apiVersion)) or the kubelet's /configz answer ({\"kubeletconfig\": {…}})")
            }
            guard k.string == kind else { throw fail(k, "kind \(goQuote(k.string ?? "")) is not \(kind)") }
            let v = root["apiVersion"]?.string ?? ""
            guard v == apiVersion else {
                throw fail(root["apiVersion"] ?? root, "apiVersion \(goQuote(v)) is not supported (expected \(apiVersion))")
            }
            config = root
            prefix = ""
        }

        var c = KubeletConfiguration()
        /// The node at a dotted path; nil when any part is absent or null.
        func at(_ path: [String]) throws(FileLineError) -> Node? {
            var node = config
            for (i, key) in path.enumerated() {
                guard case .mapping = node else { throw fail(node, "\(prefix)\(path[..<i].joined(separator: ".")) must be an object") }
                guard let next = node[key], !isNull(next) else { return nil }
                node = next
            }
            c.lines[path.joined(separator: ".")] = node.mark?.line
            return node
        }
        func bool(_ path: [String]) throws(FileLineError) -> Bool? {
            guard let n = try at(path) else { return nil }
            guard case .scalar = n, let b = n.bool else { throw fail(n, "\(prefix)\(path.joined(separator: ".")): expected true or false, not \(goQuote(n.string ?? "an object"))") }
            return b
        }
        func duration(_ path: [String]) throws(FileLineError) -> GoDuration? {
            guard let n = try at(path) else { return nil }
            guard case .scalar = n, let text = n.string, let d = GoDuration(text) else {
                throw fail(n, "\(prefix)\(path.joined(separator: ".")): \(goQuote(n.string ?? "an object")) is not a duration (such as 5m0s, 30s)")
            }
            return d
        }
        // An empty mode is what SetDefaults_KubeletConfiguration turns into Webhook.
        if let mode = try at(["authorization", "mode"]), mode.string != "" {
            guard case .scalar = mode, let m = mode.string, [KubeletConfiguration.webhookMode, KubeletConfiguration.alwaysAllowMode].contains(m) else {
                throw fail(mode, "\(prefix)authorization.mode: \(goQuote(mode.string ?? "an object")) is not a kubelet authorization mode (Webhook or AlwaysAllow)")
            }
            c.authorizationMode = m
        }
        c.cacheAuthorizedTTL = try duration(["authorization", "webhook", "cacheAuthorizedTTL"])
        c.cacheUnauthorizedTTL = try duration(["authorization", "webhook", "cacheUnauthorizedTTL"])
        c.anonymousEnabled = try bool(["authentication", "anonymous", "enabled"])
        c.webhookAuthenticationEnabled = try bool(["authentication", "webhook", "enabled"])
        c.authenticationCacheTTL = try duration(["authentication", "webhook", "cacheTTL"])
        if let port = try at(["readOnlyPort"]) {
            guard case .scalar = port, let p = port.int, (0...65535).contains(p) else {
                throw fail(port, "\(prefix)readOnlyPort: \(goQuote(port.string ?? "an object")) is not a port number (0 to 65535; 0 turns the port off)")
            }
            c.readOnlyPort = p
        }
        return c
    }

    static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let s) = node, s.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(s.string)
    }
}
