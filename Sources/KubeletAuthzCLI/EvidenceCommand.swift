import ArgumentParser
import Evidence
import Foundation
import KubeJSON
import KubeletAuthzApp
import Reports

enum EvidenceFormat: String, CaseIterable { case table, json, csv }

struct EvidenceCommand: AsyncParsableCommand, DocumentedByExamples {
    static let configuration = CommandConfiguration(
        commandName: "evidence",
        abstract: "Read API server audit logs: who used which kubelet permission, allowed or denied, and what the log cannot show.",
        discussion: """
        Direct kubelet use appears in the API server's audit log only as the kubelet's own \
        SubjectAccessReview (created by system:node:<node>): at Request level its body names the \
        caller, the subresource and the node; at RequestResponse the response holds the verdict. \
        API-server node-proxy requests appear as nodes/proxy events. Both are extracted; failed \
        checks are kept. JSON lines, gzip (rotated sets included), directories, stdin (-) and \
        EventList documents are read; malformed lines are counted with file and line.

        Without --store (or $KUBELET_AUTHZ_STORE) the report covers the given logs only and nothing \
        is written. With a store, records go to that evidence database keyed by request (auditID, time received, \
        node, access path): ingesting the same files again, or after an interrupted run, never \
        counts twice. Each cluster's evidence is kept apart in a shared store: --cluster NAME \
        (else $KUBELET_AUTHZ_CLUSTER) names the cluster the logs come from; checkpoints are per \
        cluster and file, and the report covers that cluster's evidence only. Without a name \
        the evidence is stored under none and the report covers every cluster in the store.
        """ + "\n\n" + HelpExamples.section(examples)
    )

    static let examples = """
        kubelet-authz evidence /var/log/kubernetes/audit/
        kubelet-authz evidence audit.log audit-2026-11-20T10-00-00.000.log.gz \\
            --audit-policy policy.yaml -o json
        kubelet-authz evidence audit.log --cluster prod-eu \\
            --store postgres://ka@db:5432/fleet
        kubectl logs -n kube-system kube-apiserver-cp-1 \\
            | kubelet-authz evidence --no-db -
        """

    @Argument(help: ArgumentHelp("Audit logs: files, directories, or - for stdin.", valueName: "LOG")) var logs: [String] = []
    @OptionGroup var store: EvidenceStoreOptions
    @Option(help: ArgumentHelp("The cluster the logs come from: stored under this name, resumed per cluster and file, and the report limited to it. Default: $KUBELET_AUTHZ_CLUSTER, else none (the report covers every cluster in the store).", valueName: "NAME"))
    var cluster: String?
    @Flag(help: "Accept logs in which no line is an audit event (by default an error: the wrong file must not pass as \"no use\").")
    var allowEmpty = false
    @Option(name: .shortAndLong, help: ArgumentHelp("Output: table, json, csv, jsonpath=TEMPLATE, jsonpath-file=FILE.", valueName: "FORMAT"),
            completion: OutputRequest<EvidenceFormat>.completion(names: false))
    var output = "table"

    func run() async throws {
        let output = try OutputRequest<EvidenceFormat>(self.output, names: false, command: "evidence")
        let timings = PhaseTimer()
        let name: String
        do { name = try ClusterIdentity.forEvidence(explicit: cluster, environment: ConsoleIO.current.environment, snapshot: nil) } catch {
            throw CLIError.badInput(error.message)
        }
        let (report, files) = try store.load(logs: logs, allowEmpty: allowEmpty, cluster: name, timings: timings)
        switch output {
        case .format(.table): EvidenceTableWriter.write(report) { ConsoleIO.out(bytes: $0) }
        case .format(.json):
            EvidenceJSONWriter.write(report, files: files) { ConsoleIO.out(bytes: $0) }
            ConsoleIO.out("\n")
        case .jsonPath, .name: try output.writeJSON(EvidenceOutput.json(report, files: files))
        case .format(.csv): ConsoleIO.out(EvidenceOutput.csv(report))
        }
        timings.mark("output")
        timings.report()
        let c = report.counts
        ConsoleIO.err("Summary: \(c.events) events, \(c.kubeletReviews) kubelet reviews, \(c.nodeProxy) node-proxy requests, \(c.malformed) malformed lines, \(report.usage.count) usage rows\n")
        BackgroundRelease.discard(consume report)
    }
}
