import ArgumentParser
import Foundation
import Governance
import KubeJSON
import KubeletAuthzApp
import KubeletModel
import RBAC
import Reports

enum PlanFormat: String, CaseIterable { case yaml, json, markdown }

/// `plan`: per subject, the narrowest kubelet grant that keeps it working, as RBAC to apply,
/// with the replay that proves it.
struct PlanCommand: AsyncParsableCommand, DocumentedByExamples {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Plan the narrowest kubelet grant per subject, as RBAC to apply, proven by replaying its evidence.",
        discussion: """
        For every subject with kubelet access (or those named with --subject): what it holds, what \
        the audit evidence shows it used (and which uses passed only through the nodes/proxy \
        fallback), what its agent needs by the collector catalogue, and the narrowest grant that \
        keeps all of it working on the cluster's oldest kubelet release: fine-grained subresources \
        in place of nodes/proxy where the release checks them, get only where create was never \
        used, and with --pin-nodes only the nodes it was seen on. Every observed request and every \
        catalogue path is replayed through the kubelet mapper and the RBAC engine before and after \
        the change; the plan fails if one would break (unless --allow-breaking). A reduction needs \
        evidence covering --min-evidence-days; calls through the API server's node proxy keep \
        nodes/proxy (a collector configuration change, not RBAC). The YAML holds complete objects \
        only (new, or replacing one of the same kind, namespace and name), never a deletion: \
        kubectl apply -f it, or read it after the cluster's files (-f cluster/ -f plan.yaml) to \
        see the cluster as it will be.
        """ + "\n\n" + HelpExamples.section(examples)
    )

    static let examples = """
        kubelet-authz plan --demo > plan.yaml
        kubelet-authz plan -f cluster.yaml --audit /var/log/kubernetes/audit/ \\
            -o markdown > change-request.md
        kubelet-authz plan -f cluster.yaml --store evidence.db \\
            --subject serviceaccount/monitoring/netdata --pin-nodes
        kubelet-authz scan -f cluster.yaml -f plan.yaml
        """

    @OptionGroup var input: ClusterInputOptions
    @Flag(help: "Plan for the bundled example AI platform cluster, with its audit log and register, as of 2026-11-27.") var demo = false
    @Option(help: ArgumentHelp("Governance register (kind: KubeletAccessRegister): each subject's owner, and approvals the plan would remove.", valueName: "FILE"))
    var register: String?
    @Option(name: .customLong("audit"), help: ArgumentHelp("API server audit logs: what each subject used (files, directories, -). Repeatable.", valueName: "LOG"))
    var audit: [String] = []
    @OptionGroup var evidence: EvidenceStoreOptions
    @OptionGroup var kubelet: KubeletOptions
    @Option(help: ArgumentHelp("Plan only this subject: serviceaccount/NS/NAME, user/NAME or group/NAME. Repeatable.", valueName: "KIND/NAME"))
    var subject: [String] = []
    @Option(help: ArgumentHelp("A reduction (dropping a subresource or a verb) needs evidence covering this many days (0: any window).", valueName: "DAYS"))
    var minEvidenceDays = 30
    @Flag(help: "Pin planned grants to the nodes each subject was seen on (resourceNames); new nodes then need the plan re-run.")
    var pinNodes = false
    @Flag(help: "Print the plan even when its proof finds requests that would break (exit 0).") var allowBreaking = false
    @Flag(help: "Exit 1 when some reduction could not be proven (too little evidence, calls through the API server's node proxy, wildcard rules).")
    var failOnUnprovable = false
    @Option(help: ArgumentHelp("Date the evidence must reach (default: today, UTC; with --demo, 2026-11-27).", valueName: "YYYY-MM-DD")) var now: String?
    @Option(help: ArgumentHelp("The user the API server calls kubelets as: its access is never planned away.", valueName: "USER"))
    var apiserverKubeletClient = APIServerKubeletClient.kubeadmUser
    @Flag(help: "Accept an input without any RBAC object, or audit logs without any audit event.") var allowEmpty = false
    @Option(name: .shortAndLong, help: ArgumentHelp("Output: yaml (RBAC to apply), json (the plan and its proof), markdown (a change request), jsonpath=TEMPLATE, jsonpath-file=FILE.", valueName: "FORMAT"),
            completion: OutputRequest<PlanFormat>.completion(names: false))
    var output = "yaml"

    func run() async throws {
        let output = try OutputRequest<PlanFormat>(self.output, names: false, command: "plan")
        guard minEvidenceDays >= 0 else { throw CLIError.badInput("--min-evidence-days must be 0 or a positive number of days") }
        let subjects = try subject.map(Self.parseSubject)
        let day: Day
        if let now {
            guard let d = Day(now) else { throw CLIError.badInput("--now \"\(now)\": expected a date YYYY-MM-DD") }
            day = d
        } else if demo {
            day = ScanCommand.demoDay
        } else {
            let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date())
            day = Day(year: c.year!, month: c.month!, day: c.day!)
        }
        var source = input
        var auditLogs = audit
        var registerPath = register
        if demo {
            let examples = try DemoData.examplesDirectory()
            source.files.append(examples + "/ai-cluster")
            if auditLogs.isEmpty && evidence.db == nil { auditLogs = [examples + "/audit"] }
            if registerPath == nil { registerPath = examples + "/register.yaml" }
        }
        let registerValue = try registerPath.map(ScanCommand.readRegister)
        let version = try kubelet.parsedVersion()
        let gates = try kubelet.gates()
        let timings = PhaseTimer()
        let snapshot = try await source.load()
        timings.mark("read")
        do { try EmptyInputRule.check(snapshot, allowEmpty: allowEmpty) } catch { throw CLIError.badInput(error.message) }
        var evidenceValue: ScanEvidence? = nil
        if !auditLogs.isEmpty || evidence.db != nil {
            // The evidence of this cluster, as `scan` joins it (`ClusterIdentity.forEvidence`).
            let cluster: String
            do { cluster = try ClusterIdentity.forEvidence(explicit: nil, environment: ConsoleIO.current.environment, snapshot: snapshot) } catch {
                throw CLIError.badInput(error.message)
            }
            let (report, _) = try evidence.load(logs: auditLogs, allowEmpty: allowEmpty, cluster: cluster, timings: timings)
            evidenceValue = ScanEvidence(report: report, unusedDays: minEvidenceDays)
        }
        let plan: KubeletPlan
        var options = PlanOptions(now: day, subjects: subjects.isEmpty ? nil : subjects, minEvidenceDays: minEvidenceDays, pinNodes: pinNodes,
                                  kubeVersion: version, featureGates: gates, apiServerKubeletClient: apiserverKubeletClient)
        options.register = registerValue
        do {
            plan = try KubeletPlanner.plan(snapshot, evidence: evidenceValue, options: options)
        } catch { throw CLIError.badInput(error.description) }
        timings.mark("plan")
        defer { timings.mark("output"); timings.report() }
        for w in plan.profile.warnings { ConsoleIO.err("Warning: \(w)\n") }
        for note in plan.releaseNotes { ConsoleIO.err("Note: \(note)\n") }

        // RBAC that breaks or widens access is not printed without --allow-breaking: piped into
        // `kubectl apply`, it would be applied whatever the exit code. The other forms describe
        // the proof, so they are printed to show what failed.
        let proof = plan.proof
        let blocked = !proof.holds && !allowBreaking
        switch output {
        case .format(.yaml): if !blocked { ConsoleIO.out(PlanYAML.render(plan)) }
        case .format(.markdown): ConsoleIO.out(PlanMarkdown.render(plan))
        case .format(.json), .jsonPath, .name: try output.writeJSON(PlanJSON.document(plan))
        }
        ConsoleIO.err("Plan for Kubernetes \(plan.profile.version): \(plan.changing.count) of \(plan.subjects.count) subjects narrowed; "
                      + "exec-capable subjects \(proof.execCapableBefore) → \(proof.execCapableAfter); proof: \(proof.breakingCount) breaking request\(proof.breakingCount == 1 ? "" : "s")"
                      + (proof.othersChanged.isEmpty ? "" : "; other subjects changed: " + proof.othersChanged.map(\.description).joined(separator: ", ")) + "\n")
        if blocked {
            ConsoleIO.err("The proof does not hold: the change would break or widen access (see -o markdown); no RBAC printed — --allow-breaking prints it anyway\n")
            throw CLIError.silent(1)
        }
        if failOnUnprovable && plan.unprovable {
            let n = plan.subjects.filter { !$0.unprovable.isEmpty }.count
            ConsoleIO.err("\(n) subject\(n == 1 ? " has" : "s have") unprovable parts (--fail-on-unprovable)\n")
            throw CLIError.silent(1)
        }
    }

    /// `serviceaccount/NS/NAME`, `user/NAME`, `group/NAME` (kinds in any case, as `-o name` prints them).
    static func parseSubject(_ text: String) throws(CLIError) -> SubjectKey {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let usage = "--subject \"\(text)\": expected serviceaccount/NAMESPACE/NAME, user/NAME or group/NAME"
        guard parts.count == 2, !parts[1].isEmpty else { throw .badInput(usage) }
        switch parts[0].lowercased() {
        case "serviceaccount", "sa":
            let rest = parts[1].split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard rest.count == 2, !rest[0].isEmpty, !rest[1].isEmpty else { throw .badInput(usage) }
            return SubjectKey(kind: Subject.serviceAccountKind, name: rest[1], namespace: rest[0])
        case "user": return SubjectKey(kind: Subject.userKind, name: parts[1])
        case "group": return SubjectKey(kind: Subject.groupKind, name: parts[1])
        default: throw .badInput(usage)
        }
    }
}
