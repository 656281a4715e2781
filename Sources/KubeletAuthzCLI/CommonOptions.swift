import ArgumentParser
import Cluster
import Foundation
import KubeletAuthzApp
import KubeletAccess
import KubeletModel

struct ClusterInputOptions: ParsableArguments {
    @Option(name: [.customShort("f"), .customLong("filename")],
            help: ArgumentHelp("Cluster objects: a file, a directory (read recursively), or - for stdin. Repeatable. Without -f, the live cluster of the kubeconfig's context is read.",
                               valueName: "FILE|DIR|-"))
    var files: [String] = []

    @OptionGroup var live: LiveClusterOptions

    @Option(name: [.customShort("n"), .customLong("namespace")],
            help: ArgumentHelp("Namespaced objects without a namespace are read in this one (as kubectl apply -n), and only its ServiceAccounts are shown; Users and Groups always are. Default: every namespace.", valueName: "NS"))
    var namespace: String?

    @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "Every namespace (the default; the kubeconfig context's namespace is never a filter).")
    var allNamespaces = false

    init() {}
    init(files: [String]) { self.files = files }

    var scope: NamespaceScope { allNamespaces ? .all : NamespaceScope(namespace: namespace) }

    /// Files when given, else the live cluster, as kubectl picks its cluster.
    func load() async throws(CLIError) -> ClusterSnapshot { try await loadKeepingNodes().snapshot }

    /// The snapshot and, for a live cluster, the raw pages of its node list (where each
    /// kubelet listens, which the snapshot does not keep).
    func loadKeepingNodes() async throws(CLIError) -> (snapshot: ClusterSnapshot, nodePages: [Data]?) {
        if namespace != nil && allNamespaces { throw .badInput("give either -n NAMESPACE or -A, not both") }
        if !files.isEmpty {
            if live.requested { throw .badInput("give either -f or --kubeconfig/--context, not both") }
            let snapshot: ClusterSnapshot
            do { snapshot = try ClusterFileReader.read(files, stdin: ConsoleIO.current.readStdin, defaultNamespace: namespace ?? "default") } catch { throw .badInput(error.message) }
            for warning in snapshot.warnings { ConsoleIO.err("Warning: \(warning)\n") }
            return (snapshot, nil)
        }
        let result = try await live.read()
        for warning in result.snapshot.warnings { ConsoleIO.err("Warning: \(warning)\n") }
        return (result.snapshot, result.pages.filter { $0.path == "/api/v1/nodes" }.map(\.data))
    }
}

struct KubeletOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Kubernetes release of the kubelet (1.18 … 1.36; default: the --node's kubelet, else the oldest kubelet among the Nodes, else the API server's release, else the newest).",
                               valueName: "X.Y"))
    var kubeVersion: String?

    @Option(help: ArgumentHelp("Kubelet feature gates, as the kubelet takes them: KubeletFineGrainedAuthz=true|false, ComponentStatusz, ComponentFlagz, ContainerCheckpoint. Repeatable or comma separated.",
                               valueName: "NAME=BOOL"))
    var featureGates: [String] = []

    func parsedVersion() throws(CLIError) -> KubernetesVersion? {
        guard let kubeVersion else { return nil }
        guard let v = KubernetesVersion(kubeVersion) else {
            throw .badInput("--kube-version \"\(kubeVersion)\": not a Kubernetes version (expected X.Y such as 1.36, or vX.Y.Z)")
        }
        return v
    }

    func gates() throws(CLIError) -> FeatureGateSettings {
        do { return try FeatureGateSettings.parse(featureGates) } catch { throw .badInput("--feature-gates: \(error)") }
    }

    /// The kubelet's release by the rule every command shares (`ReleaseRule`): the flag, the
    /// node's kubelet, the oldest kubelet, the API server, else the newest release. Without a
    /// cluster (`map`) the newest release is simply the default, not worth a note.
    func profile(snapshot: ClusterSnapshot? = nil, node: String? = nil) throws(CLIError) -> KubeletProfile {
        let gates = try gates()
        let choice = ReleaseRule.choose(snapshot ?? ClusterSnapshot(), flag: try parsedVersion(), featureGates: gates, node: node)
        if snapshot != nil { for note in choice.notes { ConsoleIO.err("Note: \(note)\n") } }
        return choice.profile
    }
}

enum OutputFormat: String, CaseIterable {
    case table, json
}

struct RequestArguments: ParsableArguments {
    @Argument(help: ArgumentHelp("HTTP method, exactly as sent (GET, POST, PUT, PATCH, DELETE; others map to the empty verb) — or, in who-can and explain, an RBAC verb (get, create, update, patch, delete) before nodes/SUBRESOURCE.",
                                 valueName: "METHOD|VERB"))
    var method: String

    @Argument(help: ArgumentHelp("Kubelet path, with an optional query: /pods, /exec/ns/pod/ctr?command=id — or, after a verb, nodes/SUBRESOURCE as RBAC writes it (nodes/proxy, nodes/pods, …).",
                                 valueName: "PATH|nodes/SUB"))
    var path: String

    @Flag(help: "Send METHOD exactly as written even when it is a standard method in lower case (the kubelet maps it to the empty verb).")
    var literalMethod = false

    /// kubectl's and RBAC's `VERB nodes/SUB` rather than the request the kubelet sees.
    var isPermissionForm: Bool { path == "nodes" || path.hasPrefix("nodes/") }

    func validatedMethod() throws(CLIError) -> String {
        let tokenChars = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        guard !method.isEmpty, method.allSatisfy({ tokenChars.contains($0) }) else {
            throw .badInput("METHOD \"\(method)\" is not an HTTP method token")
        }
        // HTTP methods are case-sensitive: `get` is not GET, and the kubelet maps it to the
        // empty verb. A lower-case standard method is almost always a typo, or kubectl's verb.
        let standard = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
        if !literalMethod, method != method.uppercased(), standard.contains(method.uppercased()) {
            let decoded = path.hasPrefix("/") ? (try? parsedPath())?.decodedPath : nil
            let sub = decoded.flatMap { KubeletAttributeMapper.subresources(forPath: $0, profile: KubeletProfile()).first }
            let verbForm = sub.map { ", or \(method) nodes/\($0)" } ?? ""
            let note = sub == nil ? "" : " (\(method) nodes/\(sub!) is the permission it needs, a form who-can and explain take.)"
            throw .badInput("METHOD \"\(method)\": HTTP methods are upper case — did you mean \(method.uppercased()) \(path)\(verbForm)?\(note) Pass --literal-method to send it as written")
        }
        return method
    }

    func parsedPath() throws(CLIError) -> KubeletRequestPath {
        do { return try KubeletRequestPath(path) } catch { throw .badInput("PATH: \(error)") }
    }

    /// The request to the given node's kubelet, its release read from the flags or the snapshot.
    func kubeletRequest(node: String?, kubelet: KubeletOptions, snapshot: ClusterSnapshot?) throws(CLIError) -> KubeletRequest {
        if isPermissionForm {
            throw .badInput("\(method) \(path) names a permission, not a request: this command takes the request the kubelet sees (METHOD PATH, such as GET /pods); who-can and explain also take the permission")
        }
        return KubeletRequest(method: try validatedMethod(), path: try parsedPath(), node: node,
                              profile: try kubelet.profile(snapshot: snapshot, node: node))
    }

    /// `METHOD PATH` as a request, or `VERB nodes/SUB` as that one permission.
    func question(node: String?, kubelet: KubeletOptions, snapshot: ClusterSnapshot?) throws(CLIError) -> KubeletQuestion {
        guard isPermissionForm else { return .request(try kubeletRequest(node: node, kubelet: kubelet, snapshot: snapshot)) }
        let profile = try kubelet.profile(snapshot: snapshot, node: node)
        do { return .permission(try KubeletPermission(verb: method, resource: path, node: node, profile: profile)) } catch {
            throw .badInput(error.description)
        }
    }
}
