import ArgumentParser
import Evidence
import Foundation
import Governance
import KubeletAuthzApp
import KubeletAuthzServer
import KubeletModel
import Store

extension ServerConfiguration.Mode: ExpressibleByArgument {}

struct ServeCommand: AsyncParsableCommand, DocumentedByExamples {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the authorization webhook (enforce the governance register on kubelet checks) and the audit webhook (record evidence as it happens).",
        discussion: """
        POST /authorize answers the API server's SubjectAccessReviews (authorization.k8s.io/v1). \
        In observe mode (the default) every answer is "no opinion" and the decision the register \
        implies is recorded. In enforce mode a kubelet check (nodes/<subresource>) by a subject the \
        register does not approve for that verb and subresource, or whose approval lapsed, is \
        denied; everything else gets no opinion, so RBAC still decides. POST /audit takes the API \
        server's audit webhook batches (EventList) into the evidence store, acknowledged once \
        committed. GET /metrics, /healthz and /readyz report on the server. SIGHUP reloads the \
        cluster and the register; SIGTERM stops after answering the requests in flight.

        Never denied: the API server's kubelet client (--apiserver-kubelet-client), the groups \
        system:nodes and system:masters (the API server allows system:masters before any webhook \
        is asked, so it never reaches this one), and every --never-deny entry.
        """ + "\n\n" + HelpExamples.section(examples)
    )

    static let examples = """
        kubelet-authz serve -f cluster/ --register register.yaml \\
            --tls-cert-file tls.crt --tls-private-key-file tls.key \\
            --client-ca-file apiserver-client-ca.crt
        kubelet-authz serve -f cluster/ --register register.yaml --mode enforce \\
            --store /var/lib/kubelet-authz/evidence.db --insecure-http
        """

    @OptionGroup var input: ClusterInputOptions
    @Option(help: ArgumentHelp("Governance register (kind: KubeletAccessRegister), read again on SIGHUP.", valueName: "FILE")) var register: String?
    @Option(help: "observe (never decide; record what would be decided) or enforce (deny unapproved kubelet checks).") var mode: ServerConfiguration.Mode = .observe
    @Option(help: ArgumentHelp("Where the webhooks listen.", valueName: "HOST:PORT")) var address = "127.0.0.1:8443"
    @Option(help: ArgumentHelp("Serving certificate (PEM), reloaded when the file changes.", valueName: "FILE")) var tlsCertFile: String?
    @Option(help: ArgumentHelp("Its private key (PEM), reloaded with it.", valueName: "FILE")) var tlsPrivateKeyFile: String?
    @Option(help: ArgumentHelp("Require client certificates signed by this CA (the client certificate of the API server's webhook kubeconfig).", valueName: "FILE"))
    var clientCaFile: String?
    @Flag(help: "Serve plain HTTP, without TLS (for tests only: the webhooks carry who may reach which kubelet).") var insecureHttp = false
    @Option(help: ArgumentHelp("Evidence database for audit batches and aggregated decisions: an SQLite file, or a fleet's PostgreSQL database as postgres://USER@HOST:PORT/DB (password from $PGPASSWORD or ~/.pgpass), which every replica may share. Default: $KUBELET_AUTHZ_STORE (or $KUBELET_AUTHZ_DB), else memory only.", valueName: "PATH|URL"))
    var store: String?
    @Option(help: ArgumentHelp("With a store: the cluster audit batches and decisions are stored under. Default: $KUBELET_AUTHZ_CLUSTER, else the kube-system Namespace's UID of the cluster served.", valueName: "NAME"))
    var cluster: String?
    @Option(help: ArgumentHelp("Serve the dashboard on its own listener: plain HTTP on a loopback address only (it shows who can exec where), unless --dashboard-client-ca-file is given. Default: no dashboard.", valueName: "HOST:PORT"))
    var dashboardAddress: String?
    @Option(help: ArgumentHelp("Serve the dashboard over HTTPS with the --tls-cert-file certificate, and require client certificates signed by this CA; then --dashboard-address may be any address.", valueName: "FILE"))
    var dashboardClientCaFile: String?
    @Option(help: ArgumentHelp("Serve only /healthz, /readyz and /metrics, over plain HTTP, on this listener too: for the kubelet's probes and Prometheus, which present no client certificate. Default: none.", valueName: "HOST:PORT"))
    var healthAddress: String?
    @Flag(help: "Keep each event-loop thread on a CPU of its own (Linux), for CPUs given to the webhook alone (a Guaranteed pod with whole CPUs under the static CPU manager). On CPUs shared with busy processes, leave it off: a pinned loop cannot move away from them.")
    var pinEventLoops = false
    @Flag(help: "Print, without serving, every file a deployer needs for --address and --mode (AuthorizationConfiguration, webhook kubeconfigs, audit policy rules, kube-apiserver flags, workload, certificate recipe) as one YAML stream.")
    var printConfig = false
    @Option(help: ArgumentHelp("With --print-config: write one file per artefact into this directory instead of stdout.", valueName: "DIR"))
    var printConfigDir: String?
    @Option(help: ArgumentHelp("Never deny this subject, besides the API server's kubelet client, system:nodes and system:masters. Repeatable.", valueName: "user/NAME|group/NAME"))
    var neverDeny: [String] = []
    @Option(help: ArgumentHelp("The user the API server calls kubelets as (its --kubelet-client-certificate); never denied.", valueName: "USER"))
    var apiserverKubeletClient = APIServerKubeletClient.kubeadmUser
    @OptionGroup var kubelet: KubeletOptions

    func configuration() throws(CLIError) -> ServerConfiguration {
        let tls: ServerConfiguration.TLSFiles?
        switch (tlsCertFile, tlsPrivateKeyFile, insecureHttp) {
        case (let cert?, let key?, false):
            tls = ServerConfiguration.TLSFiles(certificate: cert, privateKey: key, clientCA: clientCaFile)
        case (nil, nil, true):
            if clientCaFile != nil { throw .badInput("--client-ca-file needs TLS: give --tls-cert-file and --tls-private-key-file, not --insecure-http") }
            tls = nil
        case (_, _, true):
            throw .badInput("give either --tls-cert-file with --tls-private-key-file, or --insecure-http, not both")
        case (nil, nil, false):
            throw .badInput("serve needs TLS: give --tls-cert-file and --tls-private-key-file (or --insecure-http, for tests only)")
        default:
            throw .badInput("give both --tls-cert-file and --tls-private-key-file")
        }
        var config: ServerConfiguration
        do {
            config = ServerConfiguration(mode: mode, address: try ListenAddress(address, option: "--address"), tls: tls)
            config.dashboardAddress = try dashboardAddress.map { text throws(ListenAddress.ParseError) in try ListenAddress(text, option: "--dashboard-address") }
            config.healthAddress = try healthAddress.map { text throws(ListenAddress.ParseError) in try ListenAddress(text, option: "--health-address") }
            config.dashboardClientCA = dashboardClientCaFile
            config.pinEventLoops = pinEventLoops
        } catch {
            throw .badInput(error.description)
        }
        do { _ = try DashboardAccess.decide(config) } catch { throw .badInput(error.description) }
        return config
    }

    func source() throws(CLIError) -> EnforcementPolicySource {
        var list = NeverDenyList.defaults(apiServerKubeletClient: apiserverKubeletClient)
        for entry in neverDeny {
            do { try list.add(entry) } catch { throw .badInput(error.description) }
        }
        if !input.files.isEmpty && input.live.requested { throw .badInput("give either -f or --kubeconfig/--context, not both") }
        return EnforcementPolicySource(files: input.files, live: input.files.isEmpty ? try input.live.live() : nil, register: register,
                                       neverDeny: list, kubeVersion: try kubelet.parsedVersion(), featureGates: try kubelet.gates(),
                                       apiServerKubeletClient: apiserverKubeletClient)
    }

    /// The store (`--store`, else `$KUBELET_AUTHZ_STORE`, as every command reads it), and the
    /// cluster its rows are stored under.
    func stores(_ source: EnforcementPolicySource) async throws -> StoreAccess {
        guard let store = store ?? EvidenceStoreOptions.fromEnvironment() else {
            return StoreAccess(evidence: MemoryEvidenceStore(), decisions: MemoryDecisionStore())
        }
        let environment = ConsoleIO.current.environment
        do {
            let name = try await source.storeCluster(explicit: cluster, environment: environment)
            let db = try EvidenceLoading.StoreChoice.openDatabase(store, environment: environment)
            ConsoleIO.err("Storing audit batches and decisions in \(EvidenceLoading.StoreChoice.displayName(store)) " +
                          (name.isEmpty ? "under no cluster name (give --cluster NAME to keep clusters apart)\n" : "under cluster \(name)\n"))
            return StoreAccess(evidence: db, decisions: db, cluster: name)
        } catch let error as InputError {
            throw CLIError.badInput(error.message)
        }
    }

    func run() async throws {
        if printConfig || printConfigDir != nil { return try printDeployment() }
        let config = try configuration()
        let source = try source()
        let stores = try await stores(source)
        let mode = config.mode
        let server: KubeletAuthzServer
        do {
            server = try KubeletAuthzServer(configuration: config, store: stores, load: { day in try await source.load(today: day) },
                                            watch: source.live.map { PolicyWatch(source: source, cluster: LiveClusterWatch(live: $0)) },
                                            dashboard: { view in ServeDashboard.page(view, mode: mode, now: Date()) })
        } catch {
            throw CLIError.badInput(error.description)
        }
        do {
            try await server.run { listener, port in
                let (what, host) = switch listener {
                case .webhook: ("webhooks on \(config.tls == nil ? "http" : "https")", config.address.host)
                case .dashboard: ("dashboard on \(config.dashboardClientCA == nil ? "http" : "https")", config.dashboardAddress?.host ?? "")
                case .health: ("health and metrics on http", config.healthAddress?.host ?? "")
                }
                ConsoleIO.err("Serving \(what)://\(ListenAddress(host: host, port: port)) (mode \(config.mode.rawValue))\n")
            }
        } catch let error as InputError {
            throw CLIError.badInput(error.message)
        }
    }

    /// `--print-config`: the deployer's files for the address and mode given, from the same
    /// renderer that wrote deploy/serve/.
    func printDeployment() throws(CLIError) {
        var options = ServeDeploymentOptions(address: address, mode: mode == .enforce ? .enforce : .observe,
                                             apiServerKubeletClient: apiserverKubeletClient)
        if let healthAddress {
            do { options.healthPort = try ListenAddress(healthAddress, option: "--health-address").port } catch { throw .badInput(error.description) }
        }
        let artefacts: [ServeArtefact]
        do { artefacts = try ServeDeploymentRenderer.render(options) } catch { throw .badInput(error.description) }
        guard let dir = printConfigDir else {
            ConsoleIO.out(ServeDeploymentRenderer.stream(artefacts))
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            for a in artefacts {
                try Data(a.fileText.utf8).write(to: URL(fileURLWithPath: dir).appendingPathComponent(a.fileName))
            }
        } catch {
            throw .badInput("--print-config-dir \(dir): \(error.localizedDescription)")
        }
        ConsoleIO.err("Wrote \(artefacts.count) files to \(dir): \(artefacts.map(\.fileName).joined(separator: ", "))\n")
    }
}
