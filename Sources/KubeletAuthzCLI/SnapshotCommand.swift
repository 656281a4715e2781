import ArgumentParser
import Foundation
import KubeClient

struct SnapshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Save everything kubelet-authz reads from a live cluster to files that -f reads back.",
        discussion: """
        Reads Nodes, Namespaces, ServiceAccounts, ClusterRoles, ClusterRoleBindings, Roles, \
        RoleBindings and Pods, and the API server's /version, with the kubeconfig's credentials. \
        A directory gets one List per resource and cluster-snapshot-info.json (server, version, \
        time); any other path gets one JSON List holding it all. managedFields are dropped, and \
        Pods keep only their names, owners, ServiceAccount, node and images: a Pod spec can hold \
        secrets, and snapshots are made to be shared for review.

        Examples:
          kubelet-authz snapshot -o snapshots/2026-11-27/
          kubelet-authz snapshot --context prod -o prod.json
          kubelet-authz scan -f prod.json --register register.yaml
        """
    )

    @OptionGroup var live: LiveClusterOptions
    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write: a directory (existing, or ending in /) or a file.", valueName: "DIR|FILE"))
    var output: String

    func run() async throws {
        let result = try await live.read()
        let server = result.server
        var isDir: ObjCBool = false
        let asDirectory = output.hasSuffix("/") || (FileManager.default.fileExists(atPath: output, isDirectory: &isDir) && isDir.boolValue)
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
