import ArgumentParser
import Foundation
import KubeClient

struct SnapshotCommand: AsyncParsableCommand, DocumentedByExamples {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Save everything kubelet-authz reads from a live cluster to files that -f reads back.",
        discussion: """
        Reads Nodes, Namespaces, ServiceAccounts, ClusterRoles, ClusterRoleBindings, Roles, \
        RoleBindings and Pods, and the API server's /version, with the kubeconfig's credentials. \
        --output-dir gets one List per resource and cluster-snapshot-info.json (server, version, \
        time); --file gets one JSON List holding it all. managedFields are dropped, and \
        Pods keep only their names, owners, ServiceAccount, node and images: a Pod spec can hold \
        secrets, and snapshots are made to be shared for review.
        """ + "\n\n" + HelpExamples.section(examples)
    )

    static let examples = """
        kubelet-authz snapshot --output-dir snapshots/2026-11-27
        kubelet-authz snapshot --context prod --file prod.json
        kubelet-authz scan -f prod.json --register register.yaml
        """

    @OptionGroup var live: LiveClusterOptions
    @Option(help: ArgumentHelp("Write one file per resource into this directory (created if needed).", valueName: "DIR"))
    var outputDir: String?
    @Option(help: ArgumentHelp("Write everything as one JSON List to this file.", valueName: "FILE"))
    var file: String?
    /// `-o` is the output format everywhere else; here it only says what to use instead.
    @Option(name: .short, help: .hidden) var o: String?

    func run() async throws {
        if o != nil { throw CLIError.badInput("snapshot writes with --output-dir DIR or --file FILE (-o is the output format in other commands)") }
        guard (outputDir == nil) != (file == nil) else {
            throw CLIError.badInput("give one of --output-dir DIR or --file FILE")
        }
        let output = outputDir ?? file!
        let asDirectory = outputDir != nil
        let result = try await live.read()
        let server = result.server
        do {
            if asDirectory {
                try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
                for doc in try SnapshotWriter.documents(result, server: server, capturedAt: Date()) {
                    try doc.data.write(to: URL(fileURLWithPath: output).appendingPathComponent(doc.name))
                }
            } else {
                try SnapshotWriter.single(result, server: server, capturedAt: Date()).write(to: URL(fileURLWithPath: output))
            }
        } catch let error as KubeAPIError {
            throw CLIError.badInput(error.description)
        } catch {
            throw CLIError.badInput("\(output): cannot write the snapshot: \(error.localizedDescription)")
        }
        let s = result.snapshot
        ConsoleIO.err("Wrote \(output): \(server) (\(result.serverVersion ?? "version unknown")), \(s.nodes.count) nodes, \(s.namespaces.count) namespaces, \(s.serviceAccounts.count) serviceaccounts, \(s.roles.count) roles, \(s.bindings.count) bindings, \(s.workloads.count) pods\n")
    }
}
