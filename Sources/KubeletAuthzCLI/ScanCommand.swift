import ArgumentParser
import Cluster
import Foundation
import Evidence
import Governance
import History
import KubeJSON
import KubeletAuthzApp
import KubeletModel
import Reports

enum ScanOutput: String, CaseIterable {
    case table, wide, json, yaml, csv, markdown, sarif, html
}

enum ColorMode: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never
}

struct ScanCommand: AsyncParsableCommand, DocumentedByExamples {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Inventory every subject with kubelet access, reconcile it with the governance register, and report findings.",
        discussion: """
        Every subject that holds a permission a kubelet can use — any verb it sends on nodes/proxy, \
        stats, metrics, log, pods, healthz, configz, checkpoint, statusz or spec, through any rule form \
        — with the bindings and roles that grant it, the kubelet paths it opens, whether it can execute \
        commands, and who owns it. With --audit (or --db) the API server's audit evidence is joined: \
        what each subject used, what it never used, what it was denied, and where nodes/proxy served \
        only paths a fine-grained subresource covers. With kubelet-config/<node>.yaml|json files \
        (beside -f directories, or --kubelet-config DIR) or --kubelet-configz (each live kubelet's \
        /configz, read directly), kubelets that do not delegate to RBAC are reported too. Findings \
        are documented in docs/FINDINGS.md.
        """ + "\n\n" + HelpExamples.section(examples)
    )

    static let examples = """
        kubelet-authz scan --demo
        kubectl get clusterroles,clusterrolebindings,roles,rolebindings,sa,nodes \\
            -A -o yaml > cluster.yaml
        kubelet-authz scan -f cluster.yaml --register register.yaml -o markdown \\
            > review.md
        kubelet-authz scan -f manifests/ -o sarif --fail-on high > ka.sarif
        kubelet-authz scan --demo -o html > kubelet-access.html
        kubelet-authz scan -f cluster.yaml --audit /var/log/kubernetes/audit/ \\
            --unused-days 30
        kubelet-authz scan --demo -o jsonpath='{.findings[*].id}'
        kubelet-authz scan --kubelet-configz --kubelet-ca kubelet-ca.crt
        kubelet-authz scan --demo --ai --tenant-label tenant.example.com/name
        kubelet-authz scan -f cluster.yaml --save --cluster prod-eu
        """

    @OptionGroup var input: ClusterInputOptions
    @Flag(help: "Scan the bundled example AI platform cluster with its register.") var demo = false
    @Option(help: ArgumentHelp("Governance register (kind: KubeletAccessRegister).", valueName: "FILE")) var register: String?
    @Option(help: ArgumentHelp("Date reviews are judged at (default: today, UTC; with --demo, 2026-11-27).", valueName: "YYYY-MM-DD")) var now: String?
    @OptionGroup var kubelet: KubeletOptions
    @OptionGroup var kubeletConfigOptions: KubeletConfigOptions
    @Option(name: .shortAndLong, help: ArgumentHelp("Output: table, wide, json, yaml, csv, markdown, sarif, html (one self-contained page: matrix, binding chains, findings, register, evidence), name (a subject a line: ServiceAccount/NS/NAME, User/NAME, Group/NAME), jsonpath=TEMPLATE, jsonpath-file=FILE.", valueName: "FORMAT"),
            completion: OutputRequest<ScanOutput>.completion(names: true))
    var output = "table"
    @Option(help: ArgumentHelp("Exit 1 when a finding is at or above this severity: info, low, medium, high, critical.", valueName: "SEVERITY"))
    var failOn: String?
    @Option(help: ArgumentHelp("A previous `scan -o json` report: findings already in it (by fingerprint) are neither shown nor failed on, so a gate fails only on what is new.", valueName: "FILE"))
    var baseline: String?
    @Option(help: ArgumentHelp("Accepted findings (rule, subject or fingerprint, reason, expires). Default: \(FindingAcceptance.defaultFile) in the current directory, when present.", valueName: "FILE"))
    var ignoreFile: String?
    @Option(help: ArgumentHelp("Report only findings of these severities (comma separated, as Trivy's --severity); --fail-on then judges only those.", valueName: "SEVERITY,…"))
    var severity: String?
    @Option(help: ArgumentHelp("SARIF: the folder, relative to the repository root, holding the charts that helm's `# Source: CHART/templates/…` comments name (for `helm template charts/CHART | scan -f -`).", valueName: "DIR"))
    var templateRoot: String?
    @Option(help: "Colour in table output: auto (on a terminal), always, never.") var color: ColorMode = .auto
    @Flag(help: "Accept an input without any RBAC object, or audit logs without any audit event (by default errors: a failed `kubectl get > file` must not pass CI).")
    var allowEmpty = false
    @Option(name: .customLong("audit"), help: ArgumentHelp("API server audit logs to join: who used what they hold (files, directories, -). Repeatable.", valueName: "LOG"))
    var audit: [String] = []
    @Option(help: ArgumentHelp("With evidence: report grants unused for this many days.", valueName: "DAYS")) var unusedDays = 30
    @OptionGroup var evidence: EvidenceStoreOptions
    @Option(help: ArgumentHelp("The user the API server calls kubelets as (its --kubelet-client-certificate): kubectl exec, logs and port-forward need its kubelet access. Managed clusters name it differently.",
                               valueName: "USER"))
    var apiserverKubeletClient = APIServerKubeletClient.kubeadmUser
    @Flag(help: "Show only the AI-workload review: AI nodes and why, what each subject sees there, cross-tenant reach, audit retention, escalation paths through exec (table, json, yaml, markdown).")
    var ai = false
    @Option(help: ArgumentHelp("The Namespace label whose value names the tenant (default: each namespace is a tenant).", valueName: "KEY"))
    var tenantLabel: String?
    @Flag(help: "Save the scan (inventory, findings, governance) in the store of saved scans: --store, else $KUBELET_AUTHZ_STORE, else $XDG_DATA_HOME/kubelet-authz/kubelet-authz.sqlite. An unchanged cluster adds one row. See `kubelet-authz history` and `diff`.")
    var save = false
    @Option(name: .customLong("cluster"), help: ArgumentHelp("With --save: the cluster's name in the history; with --store: the cluster its audit evidence is stored under, and the evidence joined limited to it (default: $KUBELET_AUTHZ_CLUSTER, else the kube-system Namespace's UID).", valueName: "NAME"))
    var clusterName: String?

    func run() async throws {
        let output = try OutputRequest<ScanOutput>(self.output, names: true, command: "scan")
        if ai {
            switch output {
            case .format(.table), .format(.json), .format(.yaml), .format(.markdown), .jsonPath: break
            default: throw CLIError.badInput("--ai prints table, json, yaml, markdown or jsonpath, not -o \(self.output)")
            }
        }
        if let tenantLabel, tenantLabel.trimmingCharacters(in: .whitespaces).isEmpty {
            throw CLIError.badInput("--tenant-label \"\": name the Namespace label that holds the tenant")
        }
        let threshold: Severity? = try failOn.map { text throws(CLIError) in
            guard let s = Severity(text.lowercased()) else {
                throw CLIError.badInput("--fail-on \"\(text)\": expected info, low, medium, high or critical")
            }
            return s
        }
        let shown: Set<Severity>? = try severity.map { list throws(CLIError) in
            var out = Set<Severity>()
            // An empty list would hide every finding and pass any gate.
            guard !list.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw CLIError.badInput("--severity \"\": name at least one of info, low, medium, high, critical")
            }
            for part in list.split(separator: ",") {
                guard let s = Severity(part.trimmingCharacters(in: .whitespaces).lowercased()) else {
                    throw CLIError.badInput("--severity \"\(part)\": expected info, low, medium, high or critical (comma separated)")
                }
                out.insert(s)
            }
            return out
        }
        let day = try today()
        var files = input.files
        var registerPath = register
        var auditLogs = audit
        if demo {
            let examples = try DemoData.examplesDirectory()
            files.append(examples + "/ai-cluster")
            if registerPath == nil { registerPath = examples + "/register.yaml" }
            // Saved demo scans join the demo's evidence too, so that they say what `scan --demo` says.
            if auditLogs.isEmpty && (evidence.db == nil || save) { auditLogs = [examples + "/audit"] }
        }
        let version = try kubelet.parsedVersion()
        let gates = try kubelet.gates()
        let registerValue = try registerPath.map(loadRegister)
        let timings = PhaseTimer()
        var source = input
        source.files = files
        let (snapshot, nodePages) = try await source.loadKeepingNodes()
        let kubeletConfig = try await kubeletConfigOptions.input(snapshot: snapshot, files: files, nodePages: nodePages,
                                                                 live: source.live, featureGates: gates)
        timings.mark("read")
        do { try EmptyInputRule.check(snapshot, allowEmpty: allowEmpty) } catch { throw CLIError.badInput(error.message) }
        if clusterName != nil && !save && evidence.db == nil {
            throw CLIError.badInput("--cluster names the cluster a scan is saved, or its audit evidence stored, under: use it with --save or --store")
        }
        let history = try save ? SavedScanTarget.open(store: evidence.store, cluster: clusterName, snapshot: snapshot) : nil
        var evidenceValue: ScanEvidence? = nil
        if auditLogs.isEmpty, evidence.store == nil, let fromEnvironment = evidence.db {
            ConsoleIO.err("Note: joining the evidence in \(EvidenceLoading.StoreChoice.displayName(fromEnvironment)) ($KUBELET_AUTHZ_STORE); --no-db leaves it out\n")
        }
        // A store named only to save into joins no evidence unless it holds some.
        if !auditLogs.isEmpty || (evidence.db != nil && !(history?.holdsNoEvidence(evidence.db!) ?? false)) {
            guard unusedDays > 0 else { throw CLIError.badInput("--unused-days must be a positive number of days") }
            let cluster: String
            do { cluster = try ClusterIdentity.forEvidence(explicit: clusterName, environment: ConsoleIO.current.environment, snapshot: snapshot) } catch {
                throw CLIError.badInput(error.message)
            }
            let (evidenceReport, _) = try evidence.load(logs: auditLogs, allowEmpty: allowEmpty, cluster: cluster)
            evidenceValue = ScanEvidence(report: evidenceReport, unusedDays: unusedDays)
        }
        var options = ScanOptions(kubeVersion: version, featureGates: gates, now: day, register: registerValue, evidence: evidenceValue,
                                  apiServerKubeletClient: apiserverKubeletClient, kubeletConfig: kubeletConfig)
        options.tenantLabel = tenantLabel
        var report = ClusterScanner.scan(snapshot, options: options)
        report = source.scope.limit(report)
        let detected = report.findings
        report.findings = try accept(report.findings, now: day)
        // Saved on the second core while the report is written (the save needs the detected
        // findings, not what acceptances leave of them).
        let saving = history?.start(report, findings: detected)
        if let history {
            report.findings = try history.accept(report.findings, now: day)
        }
        if let shown { report = report.keeping(shown) }
        // The view shows, and --fail-on judges, the review's own findings.
        if ai { report.findings = report.findings.filter { AIReviewText.rules.contains($0.rule) } }
        timings.mark("scan")
        defer { timings.mark("output"); timings.report() }
        for w in report.profile.warnings { ConsoleIO.err("Warning: \(w)\n") }
        // The table's heading says how the release was chosen; other formats go to programs.
        let isTable = switch output { case .format(.table), .format(.wide): true; default: false }
        if !isTable { for note in report.releaseNotes { ConsoleIO.err("Note: \(note)\n") } }

        if ai {
            try writeAIReview(report, output: output)
        } else {
            try write(report, output: output, snapshot: snapshot)
        }
        if let history, let saving { try history.finish(saving) }
        if let threshold, report.failing(at: threshold) {
            let n = report.findings.filter { $0.severity >= threshold }.count
            ConsoleIO.err("\(n) finding\(n == 1 ? "" : "s") at or above \(threshold) (--fail-on \(threshold))\n")
            throw CLIError.silent(1)
        }
    }

    var colour: Bool { color == .always || (color == .auto && ConsoleIO.current.stdoutIsTerminal && ConsoleIO.environment["NO_COLOR"] == nil) }

    /// `--ai`: the review alone, with its findings.
    func writeAIReview(_ report: ScanReport, output: OutputRequest<ScanOutput>) throws {
        let document = StreamedObject([
            .value("schemaVersion", .integer(ScanJSON.schemaVersion)),
            .value("kubeVersion", .string(report.profile.version.description)),
            .value("now", .string(report.now.description)),
            report.aiReview.map { .value("aiReview", AIReviewJSON.review($0)) },
            .value("findings", .array(report.findings.map(ScanJSON.finding))),
        ])
        switch output {
        case .format(.json), .jsonPath:
            try output.writeJSON(document)
        case .format(.yaml):
            do { try YAMLWriter.yaml(document) { ConsoleIO.out($0) } } catch {
                throw CLIError(message: "cannot write YAML: \(error)", exitCode: 2)
            }
        case .format(.markdown):
            ConsoleIO.out(AIReviewMarkdown.render(report))
        default:
            ConsoleIO.out(AIReviewText.render(report, style: .init(color: colour)))
        }
    }

    func write(_ report: ScanReport, output: OutputRequest<ScanOutput>, snapshot: ClusterSnapshot) throws {
        switch output {
        case .format(.table), .format(.wide):
            let wide = if case .format(.wide) = output { true } else { false }
            ConsoleIO.out(ScanText.render(report, wide: wide, style: .init(color: colour)))
            ConsoleIO.err(InputSummary.line(snapshot) + "\n")
        case .format(.json), .jsonPath:
            try output.writeJSON(ScanJSON.document(report, input: InputSummary.json(snapshot)))
        case .name:
            ConsoleIO.out(report.subjects.map { SubjectName.line(kind: $0.key.kind, namespace: $0.key.namespace, name: $0.key.name) + "\n" }.joined())
        case .format(.yaml):
            do { try YAMLWriter.yaml(ScanJSON.document(report, input: InputSummary.json(snapshot))) { ConsoleIO.out($0) } } catch {
                throw CLIError(message: "cannot write YAML: \(error)", exitCode: 2)
            }
        case .format(.csv):
            ScanCSV.render(report) { ConsoleIO.out($0) }
        case .format(.markdown):
            ConsoleIO.out(ScanMarkdown.render(report))
        case .format(.html):
            ConsoleIO.out(ScanHTML.render(report, live: nil, generatedAt: Date()))
        case .format(.sarif):
            JSONWriter.pretty(ScanSARIF.render(report, toolVersion: BuildInfo.version, templateRoot: templateRoot)) {
                ConsoleIO.out(String(decoding: $0, as: UTF8.self))
            }
            ConsoleIO.out("\n")
        }
    }

    /// The demo's evidence ends in late November 2026; its reviews are judged as of then, so
    /// `scan --demo` says the same thing whenever it runs.
    static let demoDay = Day(year: 2026, month: 11, day: 27)

    func today() throws(CLIError) -> Day { try Self.day(now, demo: demo) }

    /// `--now`, else the demo's fixed day, else today in UTC; `guardrail` judges expiry the same way.
    static func day(_ now: String?, demo: Bool) throws(CLIError) -> Day {
        if let now {
            guard let d = Day(now) else { throw .badInput("--now \"\(now)\": expected a date YYYY-MM-DD") }
            return d
        }
        if demo { return demoDay }
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date())
        return Day(year: c.year!, month: c.month!, day: c.day!)
    }

    /// The ignore file's acceptances, then the baseline: what is left is what this scan reports.
    func accept(_ findings: [Finding], now: Day) throws(CLIError) -> [Finding] {
        var kept = findings
        if let ignorePath = IgnoreFile.path(explicit: ignoreFile) {
            let acceptance: FindingAcceptance
            do { acceptance = try IgnoreFile.load(ignorePath) } catch {
                switch error {
                case .unreadable(let path): throw .badInput("--ignore-file: the path \"\(path)\" does not exist or cannot be read")
                case .invalid(let message): throw .badInput(message)
                }
            }
            let outcome = acceptance.apply(to: kept, now: now)
            kept = outcome.kept
            if outcome.accepted > 0 { ConsoleIO.err("\(outcome.accepted) finding\(outcome.accepted == 1 ? "" : "s") accepted in \(ignorePath)\n") }
        }
        if let baseline {
            guard let data = FileManager.default.contents(atPath: baseline) else {
                throw .badInput("--baseline: the path \"\(baseline)\" does not exist or cannot be read")
            }
            let known: FindingBaseline
            do { known = try FindingBaseline.decode(data, source: baseline) } catch { throw .badInput("--baseline \(error.description)") }
            let outcome = known.apply(to: kept)
            kept = outcome.kept
            if outcome.known > 0 { ConsoleIO.err("\(outcome.known) finding\(outcome.known == 1 ? "" : "s") already in the baseline \(baseline), not reported\n") }
        }
        return kept
    }

    func loadRegister(_ path: String) throws(CLIError) -> GovernanceRegister { try Self.readRegister(path) }

    static func readRegister(_ path: String) throws(CLIError) -> GovernanceRegister {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .badInput("--register: the path \"\(path)\" does not exist or cannot be read")
        }
        do { return try GovernanceRegister.decode(data, source: path) } catch { throw .badInput(error.description) }
    }
}
