import ArgumentParser
import Foundation
import Governance
import KubeClient
import KubeletAuthzApp

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
        secrets, and snapshots are made to be shared for review. With --kubelet-configz (and \
        --output-dir) each 1.33+ kubelet's /configz, read directly, is saved as \
        kubelet-config/<node>.json, which `scan -f DIR` judges.
        """ + "\n\n" + HelpExamples.section(examples)
    )

    static let examples = """
        kubelet-authz snapshot --output-dir snapshots/2026-11-27
        kubelet-authz snapshot --context prod --file prod.json
        kubelet-authz scan -f prod.json --register register.yaml
        kubelet-authz snapshot --output-dir snap --kubelet-configz
        """

    @OptionGroup var live: LiveClusterOptions
    @Option(help: ArgumentHelp("Write one file per resource into this directory (created if needed).", valueName: "DIR"))
    var outputDir: String?
    @Option(help: ArgumentHelp("Write everything as one JSON List to this file.", valueName: "FILE"))
    var file: String?
    @OptionGroup var configz: KubeletConfigzOptions
    /// `-o` is the output format everywhere else; here it only says what to use instead.
    @Option(name: .short, help: .hidden) var o: String?

    func run() async throws {
        if o != nil { throw CLIError.badInput("snapshot writes with --output-dir DIR or --file FILE (-o is the output format in other commands)") }
        guard (outputDir == nil) != (file == nil) else {
            throw CLIError.badInput("give one of --output-dir DIR or --file FILE")
        }
        let output = outputDir ?? file!
        let asDirectory = outputDir != nil
        if configz.requested && !asDirectory {
            throw CLIError.badInput("--kubelet-configz writes kubelet-config/<node>.json beside the lists: give --output-dir DIR")
        }
        let trust = configz.requested ? try configz.trust() : nil
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
        if let trust { try await saveKubeletConfigs(result, trust: trust, into: output) }
        let s = result.snapshot
        ConsoleIO.err("Wrote \(output): \(server) (\(result.serverVersion ?? "version unknown")), \(s.nodes.count) nodes, \(s.namespaces.count) namespaces, \(s.serviceAccounts.count) serviceaccounts, \(s.roles.count) roles, \(s.bindings.count) bindings, \(s.workloads.count) pods\n")
    }

    /// Each answer that is a kubelet configuration, as `kubelet-config/<node>.json`; the nodes
    /// without one are named once on stderr (a scan of the snapshot reports them as KA055).
    func saveKubeletConfigs(_ result: LiveClusterReader.Result, trust: KubeletTrust, into output: String) async throws {
        let client = try await live.client()
        let addresses = KubeletAddress.fromNodeList(result.pages.filter { $0.path == "/api/v1/nodes" }.map(\.data))
        let (asked, skipped) = await LiveKubeletConfig.answers(addresses, featureGates: .init(), client: client, trust: trust)
        await client.shutdown()
        let folder = URL(fileURLWithPath: output).appendingPathComponent(KubeletConfigFiles.folderName)
        var missing = skipped.map(\.node)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for a in asked {
                let node = LiveKubeletConfig.outcome(node: a.node, url: a.url, answer: a.answer)
                guard node.configuration != nil, case .body(let data) = a.answer, !a.node.contains("/"),
                      let saved = SavedConfigz.trimmed(data) else {
                    missing.append(a.node)
                    continue
                }
                try saved.write(to: folder.appendingPathComponent(a.node + ".json"))
            }
        } catch {
            throw CLIError.badInput("\(folder.path): cannot write the kubelet configurations: \(error.localizedDescription)")
        }
        if !missing.isEmpty {
            ConsoleIO.err("Note: no kubelet configuration saved for \(missing.count) node\(missing.count == 1 ? "" : "s") (\(missing.sorted().joined(separator: ", "))): scan --kubeconfig … --kubelet-configz says why\n")
        }
    }
}
