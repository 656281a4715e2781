import RBAC

/// What one input's decoding noticed beside its objects, said once per input rather than once
/// per object: documents that are not Kubernetes objects (a Helm `values.yaml` in a manifest
/// directory), and namespaced objects that did not say their namespace.
struct DecodingContext {
    /// The namespace `kubectl apply` would give an object without one: `-n`, else `default`.
    /// Never empty, so every namespaced object has a namespace.
    let defaultNamespace: String
    /// For objects read from an API server: they are cited as `PREFIX/Kind/namespace/name`
    /// (PREFIX naming the context or server), not by a line of a list page nobody sees.
    var objectPrefix: String? = nil
    /// The `# Source:` comments of `helm template` output, when the input has them.
    var helmSources: HelmSourceComments? = nil
    /// `Kind name` of each namespaced object that got `defaultNamespace`.
    var defaulted: [String] = []
    /// Documents with neither apiVersion nor kind, or that are not mappings at all.
    var skippedDocuments = 0

    static let notKubernetes = "(not a Kubernetes object)"

    /// An empty `-n ""` is no `-n` to kubectl (clientcmd's `Namespace()` takes the override only
    /// when it is not empty), so it is `default` here too.
    init(defaultNamespace: String, objectPrefix: String? = nil) {
        self.defaultNamespace = defaultNamespace.isEmpty ? "default" : defaultNamespace
        self.objectPrefix = objectPrefix
    }

    /// The warnings for this input, and the skipped documents counted among skipped kinds.
    func finish(source: String, into snapshot: inout ClusterSnapshot) {
        if skippedDocuments > 0 {
            snapshot.skippedKinds[Self.notKubernetes, default: 0] += skippedDocuments
            snapshot.warnings.append(InputWarning(location: SourceLocation(file: source),
                message: "\(skippedDocuments) document\(skippedDocuments == 1 ? "" : "s") without apiVersion and kind skipped: not Kubernetes objects (a Helm values file, a docker-compose file…)"))
        }
        if !defaulted.isEmpty {
            let shown = defaulted.prefix(5).joined(separator: ", ") + (defaulted.count > 5 ? " and \(defaulted.count - 5) more" : "")
            snapshot.warnings.append(InputWarning(location: SourceLocation(file: source),
                message: "\(defaulted.count) namespaced object\(defaulted.count == 1 ? " has" : "s have") no metadata.namespace and \(defaulted.count == 1 ? "is" : "are") read in namespace \(defaultNamespace), as kubectl apply\(defaultNamespace == "default" ? "" : " -n \(defaultNamespace)") would: \(shown)"))
        }
    }
}
