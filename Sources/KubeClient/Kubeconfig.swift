import Foundation
import RBAC
import Yams

/// A kubeconfig as kubectl reads it: clusters, users and contexts by name, merged from every
/// file of `KUBECONFIG` by client-go's rules. Paths inside an entry are kept relative to the
/// file that defined it, and resolved against it.
public struct Kubeconfig: Sendable {
    public struct Cluster: Sendable, Equatable {
        public var server: String?
        public var certificateAuthority: String?
        public var certificateAuthorityData: Data?
        public var insecureSkipTLSVerify = false
        public var tlsServerName: String?
        public var proxyURL: String?
        /// The file the entry came from, for relative paths and messages.
        public var origin: String
    }

    public struct ExecConfig: Sendable, Equatable {
        public var apiVersion: String
        public var command: String
        public var args: [String]
        public var env: [(name: String, value: String)]
        public var interactiveMode: String
        public var provideClusterInfo: Bool
        public var installHint: String?

        public init(apiVersion: String, command: String, args: [String] = [], env: [(name: String, value: String)] = [],
                    interactiveMode: String, provideClusterInfo: Bool = false, installHint: String? = nil) {
            self.apiVersion = apiVersion
            self.command = command
            self.args = args
            self.env = env
            self.interactiveMode = interactiveMode
            self.provideClusterInfo = provideClusterInfo
            self.installHint = installHint
        }

        public static func == (a: ExecConfig, b: ExecConfig) -> Bool {
            a.apiVersion == b.apiVersion && a.command == b.command && a.args == b.args && a.env.map(\.name) == b.env.map(\.name)
                && a.env.map(\.value) == b.env.map(\.value) && a.interactiveMode == b.interactiveMode && a.provideClusterInfo == b.provideClusterInfo
        }
    }

    public struct User: Sendable, Equatable {
        public var clientCertificate: String?
        public var clientCertificateData: Data?
        public var clientKey: String?
        public var clientKeyData: Data?
        public var token: String?
        public var tokenFile: String?
        public var exec: ExecConfig?
        public var origin: String
    }

    public struct Context: Sendable, Equatable {
        public var cluster: String
        public var user: String
        public var namespace: String?
        public var origin: String
    }

    public var clusters: [String: Cluster] = [:]
    public var users: [String: User] = [:]
    public var contexts: [String: Context] = [:]
    public var currentContext: String?
    public var files: [String] = []

    public init() {}
}

/// Errors that say which file, context, cluster or user is wrong — never a credential.
public struct KubeconfigError: Error, CustomStringConvertible, Sendable, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

public enum KubeconfigLoader {
    /// The files kubectl would read: `--kubeconfig`, else every file of `KUBECONFIG`
    /// (colon-separated; missing ones ignored, as kubectl does), else `~/.kube/config`.
    public static func files(explicit: String?, environment: [String: String], exists: (String) -> Bool) -> [String] {
        if let explicit, !explicit.isEmpty { return [explicit] }
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            var seen: [String] = []
            for p in list.split(separator: ":").map(String.init) where !p.isEmpty && !seen.contains(p) && exists(p) { seen.append(p) }
            return seen
        }
        // client-go finds the home directory through HOME alone; without it there is no default.
        guard let home = environment["HOME"], !home.isEmpty else { return [] }
        let path = home + "/.kube/config"
        return exists(path) ? [path] : []
    }

    /// Reads and merges files in order: for clusters, users and contexts the first file that
    /// names an entry wins, and so does the first file that sets `current-context`.
    public static func load(_ paths: [String], read: (String) throws -> Data) throws(KubeconfigError) -> Kubeconfig {
        var merged = Kubeconfig()
        for path in paths {
            let data: Data
            do { data = try read(path) } catch { throw KubeconfigError("\(path): cannot read the kubeconfig") }
            let one = try parse(data, path: path)
            for (k, v) in one.clusters where merged.clusters[k] == nil { merged.clusters[k] = v }
            for (k, v) in one.users where merged.users[k] == nil { merged.users[k] = v }
            for (k, v) in one.contexts where merged.contexts[k] == nil { merged.contexts[k] = v }
            if merged.currentContext == nil, let c = one.currentContext, !c.isEmpty { merged.currentContext = c }
            merged.files.append(path)
        }
        return merged
    }

    static func parse(_ data: Data, path: String) throws(KubeconfigError) -> Kubeconfig {
        guard let text = String(data: data, encoding: .utf8) else { throw KubeconfigError("\(path): not UTF-8 text") }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            if case YamlError.scanner(_, let problem, let mark, _) = error { throw KubeconfigError("\(path):\(mark.line): invalid YAML: \(problem)") }
            if case YamlError.parser(_, let problem, let mark, _) = error { throw KubeconfigError("\(path):\(mark.line): invalid YAML: \(problem)") }
            if case YamlError.composer(_, let problem, let mark, _) = error { throw KubeconfigError("\(path):\(mark.line): invalid YAML: \(problem)") }
            // Never the context text: it is the whole file, credentials included.
            if case YamlError.duplicatedKeysInMapping(let keys, let context) = error {
                throw KubeconfigError("\(path):\(context.mark.line): invalid YAML: duplicate key \(keys.map { "`\($0)`" }.joined(separator: ", "))")
            }
            throw KubeconfigError("\(path): invalid YAML")
        }
        var config = Kubeconfig()
        guard let root else { return config }  // an empty file is an empty config
        guard case .mapping = root else { throw KubeconfigError("\(path): a kubeconfig is a mapping (apiVersion: v1, kind: Config)") }
        config.currentContext = root["current-context"]?.string

        func named(_ key: String) throws(KubeconfigError) -> [(String, Node, Int?)] {
            guard let list = root[key] else { return [] }
            if case .scalar(let s) = list, s.string == "null" || s.string.isEmpty { return [] }
            guard case .sequence(let items) = list else { throw KubeconfigError("\(path):\(list.mark?.line ?? 0): \(key) must be a list") }
            var out: [(String, Node, Int?)] = []
            for item in items {
                guard let name = item["name"]?.string, !name.isEmpty else {
                    throw KubeconfigError("\(path):\(item.mark?.line ?? 0): an entry of \(key) has no name")
                }
                let inner = item[String(key.dropLast())] ?? Node.mapping(Node.Mapping([]))
                out.append((name, inner, item.mark?.line))
            }
            return out
        }
        func base64(_ n: Node?, _ what: String, _ line: Int?) throws(KubeconfigError) -> Data? {
            guard let s = n?.string, !s.isEmpty else { return nil }
            guard let d = Data(base64Encoded: s.filter { !$0.isWhitespace }) else {
                throw KubeconfigError("\(path):\(line ?? 0): \(what) is not base64")
            }
            return d
        }
        for (name, c, line) in try named("clusters") {
            config.clusters[name] = Kubeconfig.Cluster(
                server: c["server"]?.string, certificateAuthority: c["certificate-authority"]?.string,
                certificateAuthorityData: try base64(c["certificate-authority-data"], "cluster \(name): certificate-authority-data", line),
                insecureSkipTLSVerify: c["insecure-skip-tls-verify"]?.bool ?? false, tlsServerName: c["tls-server-name"]?.string,
                proxyURL: c["proxy-url"]?.string, origin: path)
        }
        for (name, u, line) in try named("users") {
            var user = Kubeconfig.User(
                clientCertificate: u["client-certificate"]?.string,
                clientCertificateData: try base64(u["client-certificate-data"], "user \(name): client-certificate-data", line),
                clientKey: u["client-key"]?.string, clientKeyData: try base64(u["client-key-data"], "user \(name): client-key-data", line),
                token: u["token"]?.string, tokenFile: u["tokenFile"]?.string ?? u["token-file"]?.string, exec: nil, origin: path)
            if let e = u["exec"], case .mapping = e {
                guard let command = e["command"]?.string, !command.isEmpty else {
                    throw KubeconfigError("\(path):\(e.mark?.line ?? 0): user \(name): exec.command is required")
                }
                guard let apiVersion = e["apiVersion"]?.string,
                      ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"].contains(apiVersion) else {
                    throw KubeconfigError("\(path):\(e.mark?.line ?? 0): user \(name): exec.apiVersion must be client.authentication.k8s.io/v1 or v1beta1")
                }
                var env: [(String, String)] = []
                if let list = e["env"], case .sequence(let items) = list {
                    for item in items { env.append((item["name"]?.string ?? "", item["value"]?.string ?? "")) }
                }
                let mode = e["interactiveMode"]?.string ?? (apiVersion.hasSuffix("v1beta1") ? "IfAvailable" : "")
                if apiVersion.hasSuffix("/v1") && mode.isEmpty {
                    throw KubeconfigError("\(path):\(e.mark?.line ?? 0): user \(name): exec.interactiveMode is required for client.authentication.k8s.io/v1 (Never, IfAvailable or Always)")
                }
                guard ["Never", "IfAvailable", "Always"].contains(mode) else {
                    throw KubeconfigError("\(path):\(e.mark?.line ?? 0): user \(name): exec.interactiveMode \(goQuote(mode)) is not Never, IfAvailable or Always")
                }
                user.exec = Kubeconfig.ExecConfig(apiVersion: apiVersion, command: command, args: (e["args"]?.sequence ?? []).compactMap(\.string),
                                                  env: env, interactiveMode: mode, provideClusterInfo: e["provideClusterInfo"]?.bool ?? false,
                                                  installHint: e["installHint"]?.string)
            }
            config.users[name] = user
        }
        for (name, c, line) in try named("contexts") {
            guard let cluster = c["cluster"]?.string, let user = c["user"]?.string else {
                throw KubeconfigError("\(path):\(line ?? 0): context \(name) needs cluster and user")
            }
            config.contexts[name] = Kubeconfig.Context(cluster: cluster, user: user, namespace: c["namespace"]?.string, origin: path)
        }
        return config
    }
}

extension Kubeconfig {
    /// The context, cluster and user a command uses, paths resolved against their files.
    public struct Resolved: Sendable {
        public let contextName: String
        public let clusterName: String
        public let userName: String
        public let cluster: Cluster
        public let user: User
        public let namespace: String?
    }

    /// A value from the file as an error may show it: without credentials or query, and cut
    /// short, since a broken file can run a token into the next field's value.
    static func shown(_ value: String) -> String {
        // A value that is not a URL may still hold `user:password@`: then only its length.
        let redacted = RedactedURL.text(value)
        guard !redacted.hasPrefix("<") else { return "(a value of \(value.count) characters that is not a URL)" }
        return redacted.count <= 48 ? goQuote(redacted) : goQuote(String(redacted.prefix(40))) + " (\(redacted.count) characters)"
    }

    public func resolve(context explicit: String?) throws(KubeconfigError) -> Resolved {
        guard !files.isEmpty || !contexts.isEmpty else {
            throw KubeconfigError("no kubeconfig: give --kubeconfig, set KUBECONFIG, or create ~/.kube/config")
        }
        guard let name = explicit ?? currentContext else {
            throw KubeconfigError("no context chosen: current-context is not set in \(files.joined(separator: ", ")) (use --context)")
        }
        guard let context = contexts[name] else {
            throw KubeconfigError("context \(goQuote(name)) does not exist in \(files.joined(separator: ", "))")
        }
        guard var cluster = clusters[context.cluster] else {
            throw KubeconfigError("context \(goQuote(name)): cluster \(goQuote(context.cluster)) does not exist in \(files.joined(separator: ", "))")
        }
        guard var user = users[context.user] else {
            throw KubeconfigError("context \(goQuote(name)): user \(goQuote(context.user)) does not exist in \(files.joined(separator: ", "))")
        }
        guard let server = cluster.server, !server.isEmpty else {
            throw KubeconfigError("cluster \(goQuote(context.cluster)) (\(cluster.origin)) has no server")
        }
        guard server.hasPrefix("https://") || server.hasPrefix("http://") else {
            throw KubeconfigError("cluster \(goQuote(context.cluster)): server \(Self.shown(server)) is not an http(s) URL")
        }
        if cluster.insecureSkipTLSVerify && (cluster.certificateAuthority != nil || cluster.certificateAuthorityData != nil) {
            throw KubeconfigError("cluster \(goQuote(context.cluster)): insecure-skip-tls-verify cannot be combined with a certificate authority")
        }
        cluster.certificateAuthority = cluster.certificateAuthority.map { Self.relative($0, to: cluster.origin) }
        user.clientCertificate = user.clientCertificate.map { Self.relative($0, to: user.origin) }
        user.clientKey = user.clientKey.map { Self.relative($0, to: user.origin) }
        user.tokenFile = user.tokenFile.map { Self.relative($0, to: user.origin) }
        if var exec = user.exec, exec.command.contains("/") && !exec.command.hasPrefix("/") {
            exec.command = Self.relative(exec.command, to: user.origin)
            user.exec = exec
        }
        let hasCert = user.clientCertificate != nil || user.clientCertificateData != nil
        let hasKey = user.clientKey != nil || user.clientKeyData != nil
        if hasCert != hasKey {
            throw KubeconfigError("user \(goQuote(context.user)): a client certificate needs a client key, and a key a certificate")
        }
        return Resolved(contextName: name, clusterName: context.cluster, userName: context.user, cluster: cluster, user: user,
                        namespace: context.namespace)
    }

    /// client-go's ResolveLocalPaths: relative to the directory of the file that named it.
    static func relative(_ path: String, to file: String) -> String {
        guard !path.hasPrefix("/"), !path.isEmpty else { return path }
        let dir = (file as NSString).deletingLastPathComponent
        return dir.isEmpty ? path : (dir as NSString).appendingPathComponent(path)
    }
}
