import ArgumentParser
import KubeJSON
import KubeletModel

/// `kubelet-authz version`, shaped after `kubectl version`: the build, and the Kubernetes
/// releases whose kubelet behaviour is modelled, since an answer is only as good as that range.
struct VersionCommand: AsyncParsableCommand, DocumentedByExamples {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the version, the git commit it was built from and the Kubernetes releases modelled.",
        discussion: HelpExamples.section(examples)
    )

    static let examples = """
        kubelet-authz version
        kubelet-authz version -o json
        """

    @Option(name: .shortAndLong, help: ArgumentHelp("Output: table (plain text), json, jsonpath=TEMPLATE, jsonpath-file=FILE.", valueName: "FORMAT"),
            completion: OutputRequest<OutputFormat>.completion(names: false))
    var output = "table"

    /// The first line of `version`, and what `--version` prints, so the two never disagree.
    static var headline: String {
        "kubelet-authz \(BuildInfo.version) (commit \(BuildInfo.gitCommit.map { String($0.prefix(12)) } ?? "unknown"))"
    }

    static var platform: String {
        #if arch(x86_64)
        "linux/amd64"
        #elseif arch(arm64)
        "linux/arm64"
        #else
        "linux/unknown"
        #endif
    }

    static var modelledReleases: [KubernetesVersion] {
        (KubernetesVersion.oldestModelled.minor...KubernetesVersion.newest.minor).map { KubernetesVersion.v($0) }
    }

    func run() async throws {
        let oldest = KubernetesVersion.oldestModelled, newest = KubernetesVersion.newest
        let output = try OutputRequest<OutputFormat>(self.output, names: false, command: "version")
        switch output {
        case .format(.table):
            let commit: String
            if let sha = BuildInfo.gitCommit {
                commit = BuildInfo.gitTreeState == "dirty" ? "\(sha) (with uncommitted changes)" : sha
            } else {
                commit = "unknown (not built with make)"
            }
            ConsoleIO.out("""
            \(Self.headline)
            commit:     \(commit)
            platform:   \(Self.platform)
            kubernetes: \(oldest)–\(newest) modelled (older releases are answered as \(oldest), newer ones as \(newest), with a warning)

            """)
        case .format(.json), .jsonPath, .name:
            // Field names follow `kubectl version -o json`; an unknown commit is null, not "".
            let value = JSONValue.object([
                ("version", .string(BuildInfo.version)),
                ("gitCommit", BuildInfo.gitCommit.map(JSONValue.string) ?? .null),
                ("gitTreeState", BuildInfo.gitTreeState.map(JSONValue.string) ?? .null),
                ("platform", .string(Self.platform)),
                ("kubernetes", .object([
                    ("oldestModelled", .string(oldest.description)),
                    ("newest", .string(newest.description)),
                    ("releases", .strings(Self.modelledReleases.map(\.description))),
                ])),
            ])
            try output.writeJSON(value)
        }
    }
}
