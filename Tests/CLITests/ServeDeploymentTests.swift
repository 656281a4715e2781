import Evidence
import Foundation
import KubeClient
import KubeJSON
import KubeletAuthzApp
import KubeletModel
import TestSupport
import Testing
import Yams

/// `serve --print-config`'s artefacts, held to what reads them: every Kubernetes object to a
/// schema written from the Kubernetes types (Tests/Fixtures/serve-schemas, each citing its
/// source), the match conditions to a real CEL implementation evaluating them as the API
/// server does, the audit rules to the project's audit policy model, the certificate recipe to
/// openssl, and deploy/serve/ to the renderer.
@Suite("serve deployment artefacts")
struct ServeDeploymentTests {
    static let enforceClusterIP = ServeDeploymentOptions(mode: .enforce, shape: .clusterIP(serviceIP: "10.96.0.100"))
    static let variants: [(String, ServeDeploymentOptions)] = [
        ("observe", ServeDeploymentOptions()),
        ("enforce", ServeDeploymentOptions(mode: .enforce)),
        ("enforce-clusterIP", enforceClusterIP),
        ("ipv6-wildcard", ServeDeploymentOptions(address: "[::]:9443", namespace: "authz", apiServerKubeletClient: "apiserver-kubelet")),
        ("dns-name", ServeDeploymentOptions(address: "kubelet-authz.internal:8443")),
    ]

    // MARK: Reading the YAML back

    /// The documents of a YAML text, as JSON values (Yams as the YAML reader).
    static func documents(_ text: String) throws -> [JSONValue] {
        var nodes = try Yams.compose_all(yaml: text)
        var out: [JSONValue] = []
        while let node = nodes.next() { out.append(try YAMLDecoder().decode(JSONValue.self, from: node)) }
        if let error = nodes.error { throw error }
        return out
    }

    static func artefact(_ artefacts: [ServeArtefact], _ name: String) throws -> ServeArtefact {
        try #require(artefacts.first { $0.fileName == name }, "no artefact \(name) in \(artefacts.map(\.fileName))")
    }

    static func schema(for document: JSONValue) throws -> SchemaValidator {
        let apiVersion = try #require(document["apiVersion"]?.stringValue), kind = try #require(document["kind"]?.stringValue)
        let url = Fixtures.url("serve-schemas/\(apiVersion.replacingOccurrences(of: "/", with: "_")).\(kind).schema.json")
        let data = try #require(FileManager.default.contents(atPath: url.path), "no schema for \(apiVersion) \(kind) at \(url.path)")
        return SchemaValidator(root: try JSONDecoder().decode(JSONValue.self, from: data))
    }

    static func webhook(_ artefacts: [ServeArtefact]) throws -> JSONValue {
        let config = try #require(try documents(try artefact(artefacts, ServeAuthorizationConfig.fileName).body).first)
        guard case .array(let authorizers)? = config["authorizers"] else { Issue.record("no authorizers"); return .null }
        return try #require(authorizers.first { $0["type"]?.stringValue == "Webhook" }?["webhook"])
    }

    // MARK: Schemas

    @Test("every Kubernetes object of every variant validates against its schema", arguments: variants.map(\.0))
    func objectsValidate(variant: String) throws {
        let options = try #require(Self.variants.first { $0.0 == variant }?.1)
        let artefacts = try ServeDeploymentRenderer.render(options)
        var kinds: [String] = []
        for a in artefacts where a.format == .yaml {
            for document in try Self.documents(a.body) {
                let errors = try Self.schema(for: document).validate(document)
                #expect(errors.isEmpty, "\(a.fileName) \(document["kind"]?.stringValue ?? "?"): \(errors)")
                kinds.append(document["kind"]?.stringValue ?? "")
            }
        }
        let workload = options.shape == .hostNetwork ? ["DaemonSet"] : ["Deployment", "Service"]
        #expect(kinds == ["AuthorizationConfiguration", "Config", "Policy", "Config", "Namespace", "ServiceAccount",
                          "ClusterRole", "ClusterRoleBinding"] + workload)
    }

    /// The check can fail: each schema refuses a document broken the way a typo would break it.
    @Test("the schemas refuse a wrong enum, a missing required field and an unknown field")
    func schemasRefuse() throws {
        let artefacts = try ServeDeploymentRenderer.render(ServeDeploymentOptions())
        let config = try #require(try Self.documents(try Self.artefact(artefacts, ServeAuthorizationConfig.fileName).body).first)
        let text = try Self.artefact(artefacts, ServeAuthorizationConfig.fileName).body
        let broken = [
            text.replacingOccurrences(of: "failurePolicy: NoOpinion", with: "failurePolicy: Allow"),
            text.replacingOccurrences(of: "    subjectAccessReviewVersion: v1\n", with: ""),
            text.replacingOccurrences(of: "cacheAuthorizedRequests:", with: "cacheAuthorisedRequests:"),
            text.replacingOccurrences(of: "type: KubeConfigFile", with: "type: KubeConfig"),
        ]
        let validator = try Self.schema(for: config)
        #expect(validator.validate(config).isEmpty)
        for (i, b) in broken.enumerated() {
            #expect(b != text, "mutation \(i) changed nothing")
            let document = try #require(try Self.documents(b).first)
            #expect(!validator.validate(document).isEmpty, "mutation \(i) passed the schema")
        }
        let workload = try Self.artefact(artefacts, ServeWorkload.fileName).body
        let daemonSet = try #require(try Self.documents(workload.replacingOccurrences(of: "operator: Exists", with: "operator: Exist")).last)
        #expect(!(try Self.schema(for: daemonSet).validate(daemonSet)).isEmpty)
    }

    // MARK: The authorization configuration

    @Test("observe has failurePolicy NoOpinion, enforce Deny; Node, the webhook, then RBAC; v1 reviews")
    func modes() throws {
        for (mode, policy) in [(ServeDeploymentOptions.Mode.observe, "NoOpinion"), (.enforce, "Deny")] {
            let artefacts = try ServeDeploymentRenderer.render(ServeDeploymentOptions(mode: mode))
            let webhook = try Self.webhook(artefacts)
            #expect(webhook["failurePolicy"]?.stringValue == policy)
            #expect(webhook["subjectAccessReviewVersion"]?.stringValue == "v1")
            #expect(webhook["matchConditionSubjectAccessReviewVersion"]?.stringValue == "v1")
            #expect(webhook["timeout"]?.stringValue == "3s")
            #expect(webhook["unauthorizedTTL"]?.stringValue == "30s" && webhook["authorizedTTL"]?.stringValue == "5m0s")
            #expect(webhook["cacheAuthorizedRequests"] == .bool(true) && webhook["cacheUnauthorizedRequests"] == .bool(true))
            let config = try #require(try Self.documents(try Self.artefact(artefacts, ServeAuthorizationConfig.fileName).body).first)
            guard case .array(let authorizers)? = config["authorizers"] else { Issue.record("no authorizers"); continue }
            #expect(authorizers.map { $0["type"]?.stringValue ?? "" } == ["Node", "Webhook", "RBAC"])
            // The container runs in the mode the API server's configuration assumes.
            #expect(try Self.artefact(artefacts, ServeWorkload.fileName).body.contains("- --mode=\(mode.rawValue)\n"))
        }
        let tuned = try ServeDeploymentRenderer.render(ServeDeploymentOptions(timeout: .seconds(1), unauthorizedTTL: .zero, cacheUnauthorizedRequests: false))
        let webhook = try Self.webhook(tuned)
        #expect(webhook["timeout"]?.stringValue == "1s" && webhook["unauthorizedTTL"]?.stringValue == "0s")
        #expect(webhook["cacheUnauthorizedRequests"] == .bool(false))
    }

    @Test("the kubeconfigs name the webhook URLs, the recipe's CA and the API server's client certificate")
    func kubeconfigs() throws {
        for (name, options) in Self.variants {
            let artefacts = try ServeDeploymentRenderer.render(options)
            let webhook = try Self.webhook(artefacts)
            let path = try #require(webhook["connectionInfo"]?["kubeConfigFile"]?.stringValue)
            #expect(path == options.hostDirectory + "/" + ServeKubeconfigs.authorizationFileName)
            for (file, endpoint) in [(ServeKubeconfigs.authorizationFileName, "/authorize"), (ServeKubeconfigs.auditFileName, "/audit")] {
                let config = try #require(try Self.documents(try Self.artefact(artefacts, file).body).first)
                let server = try #require(config["clusters"]?[0]?["cluster"]?["server"]?.stringValue)
                #expect(server.hasSuffix(endpoint), "\(name) \(file): \(server)")
                #expect(config["users"]?[0]?["user"]?["client-key"]?.stringValue == options.hostDirectory + "/pki/apiserver-client.key")
                #expect(config["clusters"]?[0]?["cluster"]?["certificate-authority"]?.stringValue == options.hostDirectory + "/pki/ca.crt")
            }
        }
        func server(_ o: ServeDeploymentOptions) throws -> String? {
            try Self.documents(try Self.artefact(try ServeDeploymentRenderer.render(o), ServeKubeconfigs.authorizationFileName).body)
                .first?["clusters"]?[0]?["cluster"]?["server"]?.stringValue
        }
        #expect(try server(ServeDeploymentOptions()) == "https://127.0.0.1:8443/authorize")
        #expect(try server(ServeDeploymentOptions(address: "0.0.0.0:9443")) == "https://127.0.0.1:9443/authorize")
        #expect(try server(ServeDeploymentOptions(address: "[::]:9443")) == "https://[::1]:9443/authorize")
        #expect(try server(Self.enforceClusterIP) == "https://10.96.0.100:8443/authorize")
    }

    @Test("options the API server or a manifest could not take are refused, naming the option")
    func invalidOptions() {
        let bad: [(ServeDeploymentOptions, String)] = [
            (ServeDeploymentOptions(address: "127.0.0.1"), "address"),
            (ServeDeploymentOptions(address: "127.0.0.1:0"), "address"),
            (ServeDeploymentOptions(address: "[::1:8443"), "address"),
            (ServeDeploymentOptions(address: "bad host:8443"), "address"),
            (ServeDeploymentOptions(namespace: "Kubelet_Authz"), "namespace"),
            (ServeDeploymentOptions(image: "img\nkind: Secret"), "image"),
            (ServeDeploymentOptions(apiServerKubeletClient: "x' || true || '"), "apiserver-kubelet-client"),
            (ServeDeploymentOptions(timeout: .seconds(31)), "timeout"),
            (ServeDeploymentOptions(timeout: .zero), "timeout"),
            (ServeDeploymentOptions(unauthorizedTTL: .seconds(-1)), "unauthorizedTTL"),
            (ServeDeploymentOptions(shape: .clusterIP(serviceIP: "kubelet-authz.kubelet-authz.svc")), "serviceIP"),
            (ServeDeploymentOptions(hostDirectory: "etc/kubelet-authz"), "host-directory"),
        ]
        for (options, field) in bad {
            do {
                _ = try ServeDeploymentRenderer.render(options)
                Issue.record("\(field): accepted")
            } catch { #expect(error.field == field, "\(error)") }
        }
    }

    // MARK: The match conditions, evaluated

    struct Case { let id: String; let request: JSONValue; let expected: Bool }
    struct Outcome: Decodable { let id: String; let matched: Bool; let error: String? }
    struct Evaluation: Decodable { let compiled: [String?]; let results: [Outcome] }

    static let client = APIServerKubeletClient.kubeadmUser

    /// The review's spec as the API server hands it to CEL in v1.36
    /// (staging/src/k8s.io/apiserver/pkg/authorization/cel/compile.go,
    /// convertObjectToUnstructured): user, groups, uid and extra always; every string field of
    /// the attributes, empty or not. `omitEmpty` gives the older shape (matcher.go's
    /// DefaultUnstructuredConverter), where empty fields were absent.
    static func spec(user: String?, groups: [String], resource: [(String, String)]?, nonResource: (path: String, verb: String)?, omitEmpty: Bool = false) -> JSONValue {
        func field(_ key: String, _ value: String?) -> (String, JSONValue)? {
            guard let value, !(omitEmpty && value.isEmpty) else { return nil }
            return (key, .string(value))
        }
        var members: [(String, JSONValue)] = []
        if let f = field("user", user ?? "") { members.append(f) }
        if !(omitEmpty && groups.isEmpty) { members.append(("groups", .strings(groups))) }
        if !omitEmpty { members += [("uid", .string("")), ("extra", .object([]))] }
        if let resource { members.append(("resourceAttributes", .object(resource.compactMap { field($0.0, $0.1) }))) }
        if let nonResource { members.append(("nonResourceAttributes", .object([("path", .string(nonResource.path)), ("verb", .string(nonResource.verb))]))) }
        return .object(members)
    }

    /// A kubelet's check (vectors.json conventions.kubeletAttributeTemplate: core group, v1,
    /// resource nodes, cluster-scoped, the node's name).
    static func kubeletCheck(verb: String, subresource: String, user: String, omitEmpty: Bool = false) -> JSONValue {
        spec(user: user, groups: ["system:authenticated"], resource: [("namespace", ""), ("verb", verb), ("group", ""), ("version", "v1"),
                                                                       ("resource", "nodes"), ("subresource", subresource), ("name", "node-1")],
             nonResource: nil, omitEmpty: omitEmpty)
    }

    /// Every check of every kubelet vector (all should reach the webhook, except the API
    /// server's own kubelet client's), and every request of the RBAC authorizer vectors
    /// (non-resource requests and other resources: none should).
    static func cases() -> [Case] {
        var out: [Case] = []
        let vocabulary = Set(ServeAuthorizationConfig.kubeletSubresources.map(\.rawValue))
        for v in Fixtures.vectors.kubeletMapping {
            for (i, check) in v.expected.enumerated() {
                for omitEmpty in [false, true] {
                    let tag = "\(v.id)-\(i)\(omitEmpty ? "-omitempty" : "")"
                    out.append(Case(id: "\(tag)-caller", request: kubeletCheck(verb: check.verb, subresource: check.subresource,
                                                                               user: "system:serviceaccount:monitoring:prom", omitEmpty: omitEmpty),
                                    expected: vocabulary.contains(check.subresource)))
                    out.append(Case(id: "\(tag)-apiserver", request: kubeletCheck(verb: check.verb, subresource: check.subresource, user: client, omitEmpty: omitEmpty),
                                    expected: false))
                }
            }
        }
        for v in Fixtures.vectors.rbacAuthorizer {
            let r = v.request
            for omitEmpty in [false, true] {
                let request = r.resourceRequest
                    ? spec(user: r.user, groups: r.groups ?? [], resource: [("namespace", r.namespace ?? ""), ("verb", r.verb), ("group", r.apiGroup ?? ""),
                                                                            ("version", "v1"), ("resource", r.resource ?? ""), ("subresource", r.subresource ?? ""),
                                                                            ("name", r.name ?? "")], nonResource: nil, omitEmpty: omitEmpty)
                    : spec(user: r.user, groups: r.groups ?? [], resource: nil, nonResource: (r.path ?? "", r.verb), omitEmpty: omitEmpty)
                let expected = r.resourceRequest && r.resource == "nodes" && vocabulary.contains(r.subresource ?? "") && r.user != client
                out.append(Case(id: "\(v.id)\(omitEmpty ? "-omitempty" : "")", request: request, expected: expected))
            }
        }
        // The kubelet's own status updates and a review naming only groups.
        out.append(Case(id: "node-status", request: spec(user: "system:node:node-1", groups: ["system:nodes"],
                                                         resource: [("verb", "patch"), ("resource", "nodes"), ("subresource", "status"), ("name", "node-1")], nonResource: nil),
                        expected: false))
        out.append(Case(id: "groups-only", request: spec(user: nil, groups: ["sre"], resource: [("verb", "get"), ("resource", "nodes"), ("subresource", "proxy")],
                                                         nonResource: nil, omitEmpty: true), expected: true))
        return out
    }

    struct EvaluatorFailed: Error, CustomStringConvertible { let message: String; var description: String { message } }

    static func evaluate(_ conditions: [String], _ cases: [Case]) throws -> Evaluation {
        let document = JSONValue.object([("conditions", .strings(conditions)),
                                         ("cases", .array(cases.map { .object([("id", .string($0.id)), ("request", $0.request)]) }))])
        let r = ChildProcess.run(["python3", Fixtures.url("authz_cel_eval.py").path], stdin: Data(JSONWriter.compact(document).utf8))
        guard r.status == 0 else { throw EvaluatorFailed(message: "authz_cel_eval.py exited \(r.status): \(r.stderr)") }
        return try JSONDecoder().decode(Evaluation.self, from: r.stdout)
    }

    @Test("the match conditions: every kubelet check of the vectors matches, the API server's client, other resources and non-resource requests do not, and nothing errors")
    func matchConditions() throws {
        guard PythonCEL.evaluatorOrSkip("the webhook's match conditions") else { return }
        let conditions = ServeAuthorizationConfig.matchConditions(apiServerKubeletClient: Self.client)
        // The configuration carries exactly these, in this order.
        let written = try Self.webhook(try ServeDeploymentRenderer.render(ServeDeploymentOptions()))["matchConditions"]
        #expect(written == .array(conditions.map { .object([("expression", .string($0))]) }))
        #expect(conditions.first == "has(request.resourceAttributes)")
        let cases = Self.cases()
        let evaluation = try Self.evaluate(conditions, cases)
        #expect(evaluation.compiled.allSatisfy { $0 == nil }, "\(evaluation.compiled)")
        let outcomes = Dictionary(uniqueKeysWithValues: evaluation.results.map { ($0.id, $0) })
        for c in cases {
            let o = try #require(outcomes[c.id])
            #expect(o.error == nil, "\(c.id): \(o.error ?? "")")
            #expect(o.matched == c.expected, "\(c.id): matched \(o.matched), want \(c.expected)")
        }
        // Both answers in quantity, and each kind of request the issue names is present.
        #expect(cases.filter(\.expected).count > 100 && cases.filter { !$0.expected }.count > 100)
        #expect(cases.contains { !$0.expected && $0.request["nonResourceAttributes"] != nil })
        // Every subresource a kubelet vector checks is in the vocabulary the conditions name.
        let checked = Set(Fixtures.vectors.kubeletMapping.flatMap { $0.expected.map(\.subresource) })
        #expect(checked.isSubset(of: Set(ServeAuthorizationConfig.kubeletSubresources.map(\.rawValue))), "\(checked)")
        // docs/COMMANDS.md quotes them as written.
        let commands = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("docs/COMMANDS.md"), encoding: .utf8)
        for condition in conditions { #expect(commands.contains("\n" + condition + "\n"), "docs/COMMANDS.md lacks: \(condition)") }
    }

    /// cel-python answers false for `has()` over a missing parent where cel-go errors, so the
    /// unguarded form is shown with a plain field read, which errors in both.
    @Test("a condition reading resourceAttributes without the guard errors on non-resource requests, into the failure policy")
    func guardIsNeeded() throws {
        guard PythonCEL.evaluatorOrSkip("the webhook's match conditions") else { return }
        let nonResource = Self.cases().filter { $0.request["nonResourceAttributes"] != nil }
        #expect(!nonResource.isEmpty)
        let unguarded = try Self.evaluate(["request.resourceAttributes.resource == 'nodes'"], nonResource)
        #expect(unguarded.results.count == nonResource.count)
        #expect(unguarded.results.allSatisfy { !$0.matched && $0.error != nil }, "\(unguarded.results.prefix(3))")
        let guarded = try Self.evaluate(ServeAuthorizationConfig.matchConditions(apiServerKubeletClient: Self.client), nonResource)
        #expect(guarded.results.allSatisfy { !$0.matched && $0.error == nil }, "\(guarded.results.prefix(3))")
    }

    @Test("a syntax error in a condition is reported by the evaluator, so a clean compile means something")
    func syntaxErrorsAreSeen() throws {
        guard PythonCEL.evaluatorOrSkip("the webhook's match conditions") else { return }
        let evaluation = try Self.evaluate(["has(request.resourceAttributes", "request.user != 'x'"], [])
        #expect(evaluation.compiled.first.flatMap { $0 } != nil && evaluation.compiled.last.flatMap { $0 } == nil)
    }

    // MARK: The audit policy rules

    @Test("the audit rules log the kubelets' reviews at RequestResponse and the node proxy, with no blind spot, even above a catch-all")
    func auditRules() throws {
        let text = try Self.artefact(try ServeDeploymentRenderer.render(ServeDeploymentOptions()), ServeAuditPolicyRules.fileName).body
        let policy = try AuditPolicy.decode(Data(text.utf8), source: ServeAuditPolicyRules.fileName)
        let kinds = BlindSpotAnalyzer.fromPolicy(policy).map(\.kind)
        #expect(kinds.isEmpty, "\(BlindSpotAnalyzer.fromPolicy(policy).map(\.message))")
        // At the top of a cluster's policy that logs everything else at Metadata, then nothing.
        let merged = try AuditPolicy.decode(Data((text + "- level: Metadata\n  omitStages: [\"RequestReceived\"]\n- level: None\n").utf8), source: "merged.yaml")
        #expect(merged.rules.count == policy.rules.count + 2)
        #expect(BlindSpotAnalyzer.fromPolicy(merged).isEmpty)
        // The same catch-all above them hides the callers and verdicts: the order is what matters.
        let below = try AuditPolicy.decode(Data(text.replacingOccurrences(of: "rules:\n", with: "rules:\n- level: Metadata\n").utf8), source: "below.yaml")
        #expect(below.rules.count == policy.rules.count + 1)
        #expect(BlindSpotAnalyzer.fromPolicy(below).map(\.kind).contains(.policyLevel))
        let review = AuditPolicy.Request(user: "system:node:node-1", groups: ["system:nodes", "system:authenticated"], verb: "create",
                                         isResourceRequest: true, apiGroup: "authorization.k8s.io", resource: "subjectaccessreviews")
        #expect(policy.level(review) == .requestResponse)
        let proxy = AuditPolicy.Request(user: "alice", groups: [], verb: "get", isResourceRequest: true, resource: "nodes", subresource: "proxy", name: "node-1")
        #expect(policy.level(proxy) >= .metadata)
        // Nothing else: a pod read is not logged by these rules.
        #expect(policy.level(AuditPolicy.Request(user: "alice", groups: [], verb: "get", isResourceRequest: true, resource: "pods", name: "p")) == .none)
    }

    @Test("the API server flags turn truncation on and name the files the other artefacts are installed as")
    func apiServerFlags() throws {
        let artefacts = try ServeDeploymentRenderer.render(ServeDeploymentOptions())
        let flags = try Self.artefact(artefacts, ServeAPIServerFlags.fileName).body.split(separator: "\n").map(String.init)
        let dir = ServeDeploymentOptions().hostDirectory
        #expect(flags == [
            "--authorization-config=\(dir)/\(ServeAuthorizationConfig.fileName)",
            "--audit-policy-file=\(dir)/\(ServeAuditPolicyRules.fileName)",
            "--audit-webhook-config-file=\(dir)/\(ServeKubeconfigs.auditFileName)",
            "--audit-webhook-mode=batch",
            "--audit-webhook-batch-max-size=400",
            "--audit-webhook-truncate-enabled=true",
        ])
        #expect(ServeAPIServerFlags.auditTruncateMaxBatchBytes == 10_485_760 && ServeAPIServerFlags.auditTruncateMaxEventBytes == 102_400)
        #expect(!flags.contains { $0.hasPrefix("--authorization-mode") })
    }

    // MARK: Streams and files

    @Test("the stdout stream is YAML: one document per artefact, scripts and flags as comments")
    func stream() throws {
        let artefacts = try ServeDeploymentRenderer.render(ServeDeploymentOptions())
        let text = ServeDeploymentRenderer.stream(artefacts)
        let documents = try Self.documents(text)
        let objects = try artefacts.filter { $0.format == .yaml }.flatMap { try Self.documents($0.body) }
        #expect(documents.filter { $0 != .null } == objects)
        for a in artefacts { #expect(text.contains("---\n# \(a.fileName)\n"), "\(a.fileName)") }
        #expect(text.contains("#   openssl genpkey") && text.contains("#   --audit-webhook-truncate-enabled=true"))
    }

    @Test("the certificate recipe makes a CA, a server certificate for the URL's host and a client certificate that openssl verifies")
    func certificates() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") else {
            print("skipped: the certificate recipe is not run: /usr/bin/openssl is missing")
            return
        }
        for (options, san) in [(ServeDeploymentOptions(), "IP Address:127.0.0.1"), (Self.enforceClusterIP, "IP Address:10.96.0.100"),
                                (ServeDeploymentOptions(address: "kubelet-authz.internal:8443"), "DNS:kubelet-authz.internal")] {
            let root = Fixtures.temporaryDirectory()
            let script = root.appendingPathComponent(ServeCertificateRecipe.fileName)
            let recipe = try Self.artefact(try ServeDeploymentRenderer.render(options), ServeCertificateRecipe.fileName)
            try recipe.fileText.write(to: script, atomically: true, encoding: .utf8)
            let dir = root.appendingPathComponent("etc").path, work = root.appendingPathComponent("work").path
            let run = ChildProcess.run(["env", "DIR=\(dir)", "WORK=\(work)", "STORE=\(root.appendingPathComponent("store").path)", "sh", script.path], stdin: Data())
            #expect(run.status == 0, "\(run.stderr)")
            for file in ["pki/ca.crt", "pki/apiserver-client.crt", "pki/apiserver-client.key", "serve/ca.crt", "serve/server.crt", "serve/server.key"] {
                #expect(FileManager.default.fileExists(atPath: dir + "/" + file), "\(file)")
            }
            #expect(!FileManager.default.fileExists(atPath: dir + "/pki/ca.key") && !FileManager.default.fileExists(atPath: dir + "/serve/ca.key"))
            let ext = ChildProcess.run(["openssl", "x509", "-noout", "-ext", "subjectAltName,extendedKeyUsage", "-in", dir + "/serve/server.crt"], stdin: Data())
            let text = String(decoding: ext.stdout, as: UTF8.self)
            #expect(text.contains(san) && text.contains("TLS Web Server Authentication"), "\(text)")
            let verify = ChildProcess.run(["openssl", "verify", "-CAfile", dir + "/pki/ca.crt", "-purpose", "sslclient", dir + "/pki/apiserver-client.crt"], stdin: Data())
            #expect(verify.status == 0, "\(verify.stderr)")
            // The server certificate does not pass as a client one: the purposes are distinct.
            let wrong = ChildProcess.run(["openssl", "verify", "-CAfile", dir + "/pki/ca.crt", "-purpose", "sslclient", dir + "/serve/server.crt"], stdin: Data())
            #expect(wrong.status != 0)
        }
    }

    /// In the cluster serve runs without -f: it lists and watches what the live scan reads, and
    /// a list the role misses is a 403 that stops it before its first policy.
    @Test("the workload's ClusterRole grants list and watch on every list serve reads from a live cluster")
    func clusterRoleCoversTheLiveReads() throws {
        let artefacts = try ServeDeploymentRenderer.render(ServeDeploymentOptions())
        let role = try #require(try artefacts.flatMap { a in a.format == .yaml ? try Self.documents(a.body) : [] }
            .first { $0["kind"]?.stringValue == "ClusterRole" })
        guard case .array(let rules)? = role["rules"] else { Issue.record("no rules"); return }
        func strings(_ value: JSONValue?) -> [String] {
            guard case .array(let items)? = value else { return [] }
            return items.compactMap(\.stringValue)
        }
        for path in LiveClusterReader.allPaths {
            // /api/v1/R is the core group; /apis/G/V/R names its group.
            let parts = path.split(separator: "/").map(String.init)
            let (group, resource) = parts[0] == "api" ? ("", parts[2]) : (parts[1], parts[3])
            let granted = rules.contains { rule in
                strings(rule["apiGroups"]).contains(group) && strings(rule["resources"]).contains(resource)
                    && Set(["list", "watch"]).isSubset(of: strings(rule["verbs"]))
            }
            #expect(granted, "the serve ClusterRole does not grant list and watch on \(resource) in group \"\(group)\" (\(path))")
        }
    }

    @Test("deploy/serve holds exactly the renderer's output for the default options")
    func deployFilesMatch() throws {
        let directory = Fixtures.repositoryRoot.appendingPathComponent("deploy/serve")
        let artefacts = try ServeDeploymentRenderer.render(ServeDeploymentOptions())
        let present = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(present == artefacts.map(\.fileName).sorted(), "regenerate with: swift test --filter ServeDeploymentTests (DEPLOY_REGENERATE=1)")
        let regenerate = ProcessInfo.processInfo.environment["DEPLOY_REGENERATE"] == "1"
        for a in artefacts {
            let url = directory.appendingPathComponent(a.fileName)
            if regenerate { try a.fileText.write(to: url, atomically: true, encoding: .utf8) }
            let committed = FileManager.default.contents(atPath: url.path).map { String(decoding: $0, as: UTF8.self) }
            #expect(committed == a.fileText, "deploy/serve/\(a.fileName) differs from the renderer's output; regenerate with DEPLOY_REGENERATE=1 swift test --filter ServeDeploymentTests/deployFilesMatch")
        }
    }
}

extension JSONValue {
    /// The item at `index` of an array, for reading documents back.
    fileprivate subscript(index: Int) -> JSONValue? {
        guard case .array(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }
}
