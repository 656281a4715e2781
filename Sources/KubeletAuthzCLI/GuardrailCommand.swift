import ArgumentParser
import Cluster
import Foundation
import Governance
import KubeJSON
import KubeletAuthzApp
import KubeletModel
import Reports

enum GuardrailFormat: String, CaseIterable { case yaml, json }

/// `guardrail`: ValidatingAdmissionPolicies that keep nodes/proxy from coming back, written
/// from the cluster's RBAC and the register as they are now.
struct GuardrailCommand: AsyncParsableCommand, DocumentedByExamples {
    static let configuration = CommandConfiguration(
        commandName: "guardrail",
        abstract: "Write ValidatingAdmissionPolicies that keep nodes/proxy from coming back.",
        discussion: """
        Two policies and their bindings (admissionregistration.k8s.io/v1, Kubernetes 1.30+). One \
        refuses ClusterRoles whose rules grant get or create on nodes/proxy — through nodes/proxy, \
        */proxy, * or apiGroup * — or whose labels or aggregationRule would carry such rules into \
        another role. The other refuses ClusterRoleBindings that bind a ClusterRole known, now, to \
        grant nodes/proxy to a subject the register does not approve for it. Exceptions come from \
        the register (roles: by name, entries: by subject); expired ones are left out and the \
        earliest expiry is stamped on the policies, since admission CEL has no clock: scan reports \
        an installed policy past that date (KA048). The API server (system:apiserver), the \
        clusterrole-aggregation-controller and bootstrap objects (kubernetes.io/bootstrapping: \
        rbac-defaults) are never judged. Admission cannot see what aggregation computes later, nor \
        remove bindings that already exist: scan finds those.
        """ + "\n\n" + HelpExamples.section(examples)
    )

    static let examples = """
        kubelet-authz guardrail --demo
        kubelet-authz guardrail -f cluster.yaml --register register.yaml \\
            | kubectl apply -f -
        kubelet-authz guardrail --register register.yaml --action Warn
        """

    @OptionGroup var input: ClusterInputOptions
    @Flag(help: "Use the bundled example AI platform cluster and its register.") var demo = false
    @Option(help: ArgumentHelp("Governance register (kind: KubeletAccessRegister): roles: and entries: approved for nodes/proxy are the exceptions.", valueName: "FILE"))
    var register: String?
    @Option(help: ArgumentHelp("Exceptions expired before this date are left out (default: today, UTC; with --demo, 2026-11-27).", valueName: "YYYY-MM-DD"))
    var now: String?
    @Option(help: ArgumentHelp("validationActions of the bindings: Deny (refuse), Audit (audit annotation) or Warn (warning to the client).", valueName: "ACTION"),
            completion: .list(GuardrailAction.allCases.map(\.rawValue)))
    var action = GuardrailAction.deny.rawValue
    @Option(name: .shortAndLong, help: ArgumentHelp("Output: yaml (documents for kubectl apply -f -), json (a List), jsonpath=TEMPLATE, jsonpath-file=FILE.", valueName: "FORMAT"),
            completion: OutputRequest<GuardrailFormat>.completion(names: false))
    var output = "yaml"
    @Option(help: ArgumentHelp("The user the API server calls kubelets as: bindings of it to roles granting nodes/proxy are always allowed.", valueName: "USER"))
    var apiserverKubeletClient = APIServerKubeletClient.kubeadmUser
    @Flag(help: "Accept an input without any RBAC object.") var allowEmpty = false

    func run() async throws {
        let output = try OutputRequest<GuardrailFormat>(self.output, names: false, command: "guardrail")
        guard let action = GuardrailAction(rawValue: action) else {
            throw CLIError.badInput("--action \"\(action)\": expected Deny, Audit or Warn")
        }
        let day = try ScanCommand.day(now, demo: demo)
        var files = input.files
        var registerPath = register
        if demo {
            let examples = try DemoData.examplesDirectory()
            files.append(examples + "/ai-cluster")
            if registerPath == nil { registerPath = examples + "/register.yaml" }
        }
        let registerValue = try registerPath.map(ScanCommand.readRegister)
        var source = input
        source.files = files
        let snapshot = try await source.load()
        do { try EmptyInputRule.check(snapshot, allowEmpty: allowEmpty) } catch { throw CLIError.badInput(error.message) }

        // admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy is served from 1.30.
        if let server = snapshot.serverVersion, let v = KubernetesVersion(server), v < KubernetesVersion(major: 1, minor: 30) {
            ConsoleIO.err("Warning: the API server is \(server); ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1) needs Kubernetes 1.30 or later\n")
        }
        let guardrail = NodesProxyGuardrail.build(snapshot: snapshot, register: registerValue, now: day, action: action,
                                                  apiServerKubeletClient: apiserverKubeletClient)
        for lapsed in guardrail.expired { ConsoleIO.err("Note: left out \(lapsed): renew it in the register to let it through\n") }
        let objects = GuardrailManifest.objects(guardrail)
        switch output {
        case .format(.json), .jsonPath, .name:
            try output.writeJSON(JSONValue.object([("apiVersion", .string("v1")), ("kind", .string("List")), ("items", .array(objects))]))
        case .format(.yaml):
            var text = Self.header(guardrail)
            for object in objects {
                do { text += "---\n" + (try YAMLWriter.yaml(object)) } catch { throw CLIError(message: "cannot write YAML: \(error)", exitCode: 2) }
            }
            ConsoleIO.out(text)
        }
    }

    /// What a reviewer of the YAML must know before applying it, as comments.
    static func header(_ g: NodesProxyGuardrail) -> String {
        var lines = ["# kubelet-authz guardrail, generated \(g.now): keeps nodes/proxy (command execution in every pod) from coming back."]
        lines.append("# ClusterRoles known to grant nodes/proxy: \(g.reachingClusterRoles.joined(separator: ", "))")
        lines.append("# Approved roles: \(g.approvedRoles.isEmpty ? "none" : g.approvedRoles.joined(separator: ", "))")
        lines.append("# Approved subjects: \(g.approvedSubjects.joined(separator: ", "))")
        if let e = g.earliestExpiry { lines.append("# Exceptions expire from \(e): regenerate before then (scan reports KA048 after).") }
        for lapsed in g.expired { lines.append("# Left out, expired: \(lapsed)") }
        lines.append("# validationActions: \(g.action.rawValue). Needs Kubernetes 1.30+.")
        return lines.joined(separator: "\n") + "\n"
    }
}
