import CLITestSupport
import Foundation
import Store
import TestSupport
import Testing

let exampleDir = Fixtures.repositoryRoot.appendingPathComponent("examples/ai-cluster").path
let oracleFile = Fixtures.url("oracle-cluster.yaml").path

@Suite("kubelet-authz explain")
struct ExplainCommandTests {
    func explain(_ args: [String]) async throws -> [String: Any] {
        let r = await kubeletAuthz(["explain", "-o", "json"] + args)
        #expect(r.code == 0, "\(r.err)")
        return try jsonObject(r.out)
    }

    /// Audit lines 3–4 of the real log: `GET /pods` by a ServiceAccount holding only
    /// nodes/proxy — `pods` denied, then the `proxy` fallback allowed.
    @Test("the fallback, as the real kubelet made it")
    func fallback() async throws {
        let j = try await explain(["-f", oracleFile, "--as", "system:serviceaccount:oracle:sa-proxy", "--node", "oracle-node", "GET", "/pods"])
        #expect(j["allowed"] as? Bool == true)
        #expect(j["status"] as? Int == 200)
        #expect(j["usedFallback"] as? Bool == true)
        let checks = try #require(j["checks"] as? [[String: Any]])
        #expect(checks.map { $0["subresource"] as? String } == ["pods", "proxy"])
        #expect(checks.map { $0["allowed"] as? Bool } == [false, true])
        #expect(checks[1]["reason"] as? String == #"RBAC: allowed by ClusterRoleBinding "oracle-sa-proxy" of ClusterRole "oracle-nodes-proxy" to ServiceAccount "sa-proxy/oracle""#)
        #expect((j["user"] as? [String: Any])?["groups"] as? [String] == ["system:serviceaccounts", "system:serviceaccounts:oracle", "system:authenticated"])
    }

    @Test("get on nodes/proxy opens WebSocket exec; POST needs create (audit line 7)")
    func execVerbs() async throws {
        let ws = try await explain(["-f", oracleFile, "--as", "system:serviceaccount:oracle:sa-proxy-get", "--node", "oracle-node", "GET", "/exec/ns/pod/ctr?command=id"])
        #expect(ws["allowed"] as? Bool == true)
        #expect((ws["endpoint"] as? [String: Any])?["canExecuteCommands"] as? Bool == true)
        let spdy = try await explain(["-f", oracleFile, "--as", "system:serviceaccount:oracle:sa-proxy-get", "--node", "oracle-node", "POST", "/exec/ns/pod/ctr"])
        #expect(spdy["allowed"] as? Bool == false)
        #expect(spdy["status"] as? Int == 403)
        #expect(spdy["body"] as? String == "Forbidden (user=system:serviceaccount:oracle:sa-proxy-get, verb=create, resource=nodes, subresource(s)=[proxy])\n")
    }

    @Test("the 1.36 statusz has no proxy fallback; 1.35 had one")
    func statusz() async throws {
        let now = try await explain(["-f", oracleFile, "--as", "system:serviceaccount:oracle:sa-proxy", "--node", "oracle-node", "GET", "/statusz"])
        #expect(now["status"] as? Int == 403)
        #expect(now["body"] as? String == "Forbidden (user=system:serviceaccount:oracle:sa-proxy, verb=get, resource=nodes, subresource(s)=[statusz])\n")
        let before = try await explain(["-f", oracleFile, "--as", "system:serviceaccount:oracle:sa-proxy", "--node", "oracle-node",
                                        "--kube-version", "1.35", "--feature-gates", "ComponentStatusz=true", "GET", "/statusz"])
        #expect(before["allowed"] as? Bool == true)
        #expect(before["usedFallback"] as? Bool == true)
    }

    @Test("the router answers first: 404 and redirects are not authorized")
    func routing() async throws {
        let nf = try await explain(["-f", oracleFile, "--as", "system:serviceaccount:oracle:sa-proxy", "--kube-version", "1.35", "GET", "/flagz"])
        #expect(nf["status"] as? Int == 404)
        #expect(nf["body"] as? String == "404 page not found\n")
        #expect(nf["allowed"] as? Bool == false)
        let rd = try await explain(["-f", oracleFile, "--as", "system:serviceaccount:oracle:sa-proxy", "GET", "/stats"])
        #expect(rd["status"] as? Int == 307)
        #expect(rd["location"] as? String == "/stats/")
    }

    @Test("HEAD maps to the empty verb, which only * satisfies")
    func head() async throws {
        let j = try await explain(["-f", oracleFile, "--as", "system:serviceaccount:oracle:sa-metrics", "--node", "oracle-node", "HEAD", "/metrics"])
        #expect(j["allowed"] as? Bool == false)
        #expect(j["status"] as? Int == 403)
        #expect(j["body"] as? String == "")  // a HEAD response has no body (measured)
        let options = try await explain(["-f", oracleFile, "--as", "system:serviceaccount:oracle:sa-metrics", "--node", "oracle-node", "OPTIONS", "/metrics"])
        #expect(options["body"] as? String == "Forbidden (user=system:serviceaccount:oracle:sa-metrics, verb=, resource=nodes, subresource(s)=[metrics])\n")
    }

    @Test("the exampleDir cluster: aggregation, pinned nodes, RoleBindings that grant nothing, broad groups")
    func exampleCluster() async throws {
        let inspector = try await explain(["-f", exampleDir, "--as", "system:serviceaccount:ml-platform:node-inspector", "--node", "gpu-node-1", "GET", "/pods"])
        #expect(inspector["allowed"] as? Bool == true)
        #expect(inspector["usedFallback"] as? Bool == false)

        let pinnedYes = try await explain(["-f", exampleDir, "--as", "system:serviceaccount:ml-platform:gpu-log-reader", "--node", "gpu-node-1", "GET", "/logs/syslog"])
        #expect(pinnedYes["allowed"] as? Bool == true)
        let pinnedNo = try await explain(["-f", exampleDir, "--as", "system:serviceaccount:ml-platform:gpu-log-reader", "--node", "cpu-node-1", "GET", "/logs/syslog"])
        #expect(pinnedNo["allowed"] as? Bool == false)

        let tenant = try await explain(["-f", exampleDir, "--as", "system:serviceaccount:tenant-a-inference:default", "--node", "gpu-node-1", "GET", "/exec/tenant-b-inference/llm-0/vllm"])
        #expect(tenant["allowed"] as? Bool == false)
        // …but every authenticated caller reads node metrics through the over-broad binding.
        let metrics = try await explain(["-f", exampleDir, "--as", "system:serviceaccount:tenant-a-inference:default", "--node", "gpu-node-1", "GET", "/metrics/cadvisor"])
        #expect(metrics["allowed"] as? Bool == true)
        let reason = (metrics["checks"] as? [[String: Any]])?.first?["reason"] as? String
        #expect(reason == #"RBAC: allowed by ClusterRoleBinding "all-authenticated-node-metrics" of ClusterRole "node-metrics-reader" to Group "system:authenticated""#)
    }

    @Test("the node's own kubelet version is used when --kube-version is absent")
    func nodeVersion() async throws {
        let j = try await explain(["-f", exampleDir, "--as", "kube-apiserver-kubelet-client", "--node", "gpu-node-2", "GET", "/statusz"])
        #expect(j["kubeVersion"] as? String == "1.35")
    }

    @Test("--as is required")
    func missingAs() async {
        let r = await kubeletAuthz(["explain", "-f", oracleFile, "GET", "/pods"])
        #expect(r.code == 2)
        #expect(r.err.contains("--as"))
    }
}

@Suite("kubelet-authz who-can")
struct WhoCanCommandTests {
    func whoCan(_ args: [String]) async throws -> [[String: Any]] {
        let r = await kubeletAuthz(["who-can", "-o", "json"] + args)
        #expect(r.code == 0, "\(r.err)")
        return try #require(try jsonObject(r.out)["subjects"] as? [[String: Any]])
    }

    func names(_ subjects: [[String: Any]]) -> Set<String> {
        Set(subjects.map { "\($0["kind"]!)/\(($0["namespace"] as? String).map { $0.isEmpty ? "" : $0 + "/" } ?? "")\($0["name"]!)" })
    }

    @Test("who can exec, and who only through the fallback")
    func oracleCluster() async throws {
        let exec = try await whoCan(["-f", oracleFile, "GET", "/exec/a/b/c"])
        #expect(names(exec) == ["Group/system:masters", "ServiceAccount/oracle/sa-proxy", "ServiceAccount/oracle/sa-proxy-get"])
        let create = try await whoCan(["-f", oracleFile, "POST", "/exec/a/b/c"])
        #expect(names(create) == ["Group/system:masters", "ServiceAccount/oracle/sa-proxy"])

        let pods = try await whoCan(["-f", oracleFile, "GET", "/pods"])
        let byName = Dictionary(uniqueKeysWithValues: pods.map { ($0["name"] as! String, $0) })
        #expect(byName["sa-pods"]?["onlyViaFallback"] as? Bool == false)
        #expect(byName["sa-proxy"]?["onlyViaFallback"] as? Bool == true)
        let via = try #require((byName["sa-pods"]?["via"] as? [[String: Any]])?.first)
        #expect(via["bindingKind"] as? String == "ClusterRoleBinding")
        #expect(via["binding"] as? String == "oracle-sa-pods")
        #expect(via["roleKind"] as? String == "ClusterRole")
        #expect(via["role"] as? String == "oracle-nodes-pods")
        #expect(via["subresource"] as? String == "pods")
    }

    @Test("pinned grants appear for their node only")
    func pinned() async throws {
        let any = try await whoCan(["-f", exampleDir, "GET", "/logs/syslog"])
        #expect(names(any).contains("ServiceAccount/ml-platform/gpu-log-reader"))
        let other = try await whoCan(["-f", exampleDir, "--node", "cpu-node-1", "GET", "/logs/syslog"])
        #expect(!names(other).contains("ServiceAccount/ml-platform/gpu-log-reader"))
        let mine = try await whoCan(["-f", exampleDir, "--node", "gpu-node-1", "GET", "/logs/syslog"])
        #expect(names(mine).contains("ServiceAccount/ml-platform/gpu-log-reader"))
    }

    @Test("who-can agrees with explain for every subject it lists and every ServiceAccount in the example")
    func agreesWithExplain() async throws {
        for (method, path) in [("GET", "/exec/x/y/z"), ("POST", "/exec/x/y/z"), ("GET", "/pods"), ("GET", "/metrics"), ("GET", "/healthz")] {
            let listed = names(try await whoCan(["-f", exampleDir, "--node", "gpu-node-1", "--kube-version", "1.36", method, path]))
            for sa in ["datadog/datadog", "monitoring/prometheus-server", "monitoring/netdata", "ml-platform/node-inspector",
                       "logging/log-shipper", "tenant-a-inference/default", "kube-system/metrics-server"] {
                let parts = sa.split(separator: "/")
                let r = await kubeletAuthz(["explain", "-o", "json", "-f", exampleDir, "--node", "gpu-node-1", "--kube-version", "1.36",
                                            "--as", "system:serviceaccount:\(parts[0]):\(parts[1])", method, path])
                let allowed = try jsonObject(r.out)["allowed"] as? Bool
                // Listed directly, or through a group the ServiceAccount's token carries.
                let viaGroup = listed.contains("Group/system:authenticated") || listed.contains("Group/system:serviceaccounts")
                #expect(allowed == (listed.contains("ServiceAccount/\(sa)") || viaGroup), "\(method) \(path) \(sa)")
            }
        }
    }
}

@Suite("Bad cluster input")
struct BadClusterInputTests {
    func write(_ name: String, _ text: String) throws -> String { try Fixtures.temporaryFile(name, text) }

    @Test("malformed YAML names file and line, exit 2")
    func malformedYAML() async throws {
        let f = try write("bad.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: [oops\n")
        let r = await kubeletAuthz(["who-can", "-f", f, "GET", "/pods"])
        #expect(r.code == 2)
        #expect(r.err.hasPrefix("error: \(f):"))
        #expect(r.err.contains("invalid YAML"))
        #expect(r.out.isEmpty)
    }

    @Test("a missing file, exit 2")
    func missingFile() async {
        let r = await kubeletAuthz(["who-can", "-f", "/nonexistent/cluster.yaml", "GET", "/pods"])
        #expect(r.code == 2)
        #expect(r.err == "error: the path \"/nonexistent/cluster.yaml\" does not exist\n")
    }

    @Test("no -f at all, exit 2")
    func noInput() async {
        let r = await kubeletAuthz(["who-can", "GET", "/pods"])
        #expect(r.code == 2)
        #expect(r.err.contains("no cluster input"))
    }

    @Test("stdin as a cluster")
    func stdinCluster() async throws {
        let yaml = String(decoding: try Data(contentsOf: URL(fileURLWithPath: oracleFile)), as: UTF8.self)
        let r = await kubeletAuthz(["who-can", "-o", "json", "-f", "-", "GET", "/stats/summary"], stdin: yaml)
        #expect(r.code == 0)
        #expect(try (jsonObject(r.out)["subjects"] as? [Any])?.count == 1)  // system:masters only
    }

    @Test("kinds not needed are counted in the output, not silently dropped")
    func skippedKinds() async throws {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: b}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: a, namespace: b}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: b}\n"
        let r = await kubeletAuthz(["who-can", "-o", "json", "-f", "-", "GET", "/pods"], stdin: text)
        let input = try #require(try jsonObject(r.out)["input"] as? [String: Any])
        #expect(input["skippedKinds"] as? [String: Int] == ["ConfigMap": 2, "Secret": 1])
        #expect(input["objects"] as? Int == 0)
        let table = await kubeletAuthz(["who-can", "-f", "-", "GET", "/pods"], stdin: text)
        #expect(table.err.contains("skipped kinds not needed: ConfigMap×2, Secret×1"))
    }

    @Test("warnings for objects the API server would reject go to stderr with their line")
    func warnings() async throws {
        let f = try write("crb.yaml", "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: b}\nroleRef: {kind: ClusterRole, name: r}\nsubjects: [{kind: ServiceAccount, name: sa}]\n")
        let r = await kubeletAuthz(["who-can", "-f", f, "GET", "/pods"])
        #expect(r.code == 0)
        #expect(r.err.contains("Warning: \(f):1: ClusterRoleBinding b: subjects[0].namespace: Required value"))
    }
}

@Suite("The built executable")
struct ExecutableTests {
    func run(_ args: [String]) throws -> (Int32, String, String) {
        let p = Process()
        p.executableURL = try BuiltExecutable.required()
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    @Test("exit codes of the real process")
    func exitCodes() throws {
        let ok = try run(["map", "GET", "/pods"])
        #expect(ok.0 == 0 && ok.1.contains("pods"))
        let bad = try run(["map", "-o", "xml", "GET", "/pods"])
        #expect(bad.0 == 2 && bad.2.contains("xml"))
        let missing = try run(["explain", "-f", "/nope", "--as", "u", "GET", "/pods"])
        #expect(missing.0 == 2 && missing.2.contains("/nope"))
    }

    /// The store is closed before the process exits: SQLite folds its write-ahead log back into
    /// the file, so the `.db` file alone (copied elsewhere, kept as a CI artifact) holds every
    /// record. Released on a background thread and not waited for, it once left the records in
    /// `evidence.sqlite-wal` and a `.db` file that looked empty.
    @Test("after evidence --store exits, the database file alone holds the evidence")
    func databaseFileAloneIsWhole() throws {
        let dir = Fixtures.temporaryDirectory()
        let db = dir.appendingPathComponent("evidence.sqlite").path
        let r = try run(["evidence", Fixtures.url("audit-kube-apiserver-1.36.jsonl").path, "--store", db, "-o", "json"])
        #expect(r.0 == 0, "\(r.2)")
        #expect(!FileManager.default.fileExists(atPath: db + "-wal"))
        // The `.db` file alone, copied first; then the store as SQLite opens it, with a `-wal`
        // file if one was left behind.
        let copy = dir.appendingPathComponent("copy.sqlite").path
        try FileManager.default.copyItem(atPath: db, toPath: copy)
        let fromCopy = try EvidenceStore(path: copy).records(since: nil)
        let fromStore = try EvidenceStore(path: db).records(since: nil)
        #expect(fromStore.count > 5)
        #expect(fromCopy == fromStore)
        // A new database's first load is written in place; a second load into it goes through
        // the write-ahead log, which the close folds back in.
        let log = dir.appendingPathComponent("more.log")
        try Data(RepeatedAuditLog.withOddGroups().utf8).write(to: log)
        let second = try run(["evidence", log.path, "--store", db, "-o", "json"])
        #expect(second.0 == 0, "\(second.2)")
        #expect(!FileManager.default.fileExists(atPath: db + "-wal"))
        let secondCopy = dir.appendingPathComponent("copy2.sqlite").path
        try FileManager.default.copyItem(atPath: db, toPath: secondCopy)
        let both = try EvidenceStore(path: db).records(since: nil)
        #expect(both.count > fromStore.count)
        #expect(try EvidenceStore(path: secondCopy).records(since: nil) == both)
    }
}
