import CLITestSupport
import Foundation
import TestSupport
import Testing

/// What a kubectl user expects in the first hour: option forms, answers on stdout and
/// warnings on stderr, one rule at a time, and no green CI on an empty input.
@Suite("kubectl habits")
struct KubectlHabitsTests {
    @Test("-o json, -ojson and -o=json are the same", arguments: [["-o", "json"], ["-ojson"], ["-o=json"], ["--output=json"]])
    func outputForms(_ flag: [String]) async throws {
        let r = await kubeletAuthz(["map"] + flag + ["GET", "/pods"])
        #expect(r.code == 0, "\(r.err)")
        #expect(try jsonObject(r.out)["path"] as? String == "/pods")
    }

    @Test("findings KA001 shows one rule in full; a name works too; an unknown one is exit 2")
    func oneRule() async throws {
        let r = await kubeletAuthz(["findings", "KA001"])
        #expect(r.code == 0)
        #expect(r.out.hasPrefix("KA001  exec-via-nodes-proxy\n"))
        #expect(r.out.contains("Fix: "))
        #expect(!r.out.contains("KA002"))
        let byName = try JSONSerialization.jsonObject(with: Data(await kubeletAuthz(["findings", "apiserver-kubelet-client-upgrade-gap", "-o", "json"]).out.utf8)) as? [[String: Any]]
        #expect(byName?.map { $0["id"] as? String } == ["KA014"])
        let bad = await kubeletAuthz(["findings", "KA999"])
        #expect(bad.code == 2)
        #expect(bad.err.contains("no finding rule \"KA999\""))
    }

    @Test("who-can prints its warnings on stderr, its answer on stdout")
    func whoCanWarnings() async throws {
        let r = await kubeletAuthz(["who-can", "-f", exampleDir, "POST", "/checkpoint/ns/pod/ctr"])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.err.contains("Warning: ClusterRoleBinding legacy-checkpoint grants nothing"))
        #expect(!r.out.contains("Warning"))
    }

    @Test("scan of an input without RBAC objects is an error unless --allow-empty")
    func emptyInput() async throws {
        let empty = try Fixtures.temporaryFile("empty-\(UUID().uuidString).yaml", "")
        let r = await kubeletAuthz(["scan", "-f", empty, "--fail-on", "high"])
        #expect(r.code == 2)
        #expect(r.err.contains("\(empty): no ClusterRole, ClusterRoleBinding, Role or RoleBinding"))
        #expect(await kubeletAuthz(["scan", "-f", empty, "--allow-empty"]).code == 0)

        let nodesOnly = try Fixtures.temporaryFile("nodes-\(UUID().uuidString).yaml", "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n")
        let n = await kubeletAuthz(["scan", "-f", nodesOnly])
        #expect(n.code == 2)
        #expect(n.err.contains("read 1 other object"))

        // RBAC that grants no kubelet access is a clean pass.
        let harmless = try Fixtures.temporaryFile("harmless-\(UUID().uuidString).yaml", """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: pod-reader}
        rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
        """)
        let h = await kubeletAuthz(["scan", "-f", harmless, "--fail-on", "low"])
        #expect(h.code == 0, "\(h.err)")
    }
}

extension KubectlHabitsTests {
    @Test("explain --exit-code: 0 when the kubelet serves the request, 1 when it would not")
    func explainExitCode() async throws {
        let base = ["explain", "-f", oracleFile, "--as", "system:serviceaccount:oracle:sa-proxy", "--node", "oracle-node", "--exit-code"]
        #expect(await kubeletAuthz(base + ["GET", "/pods"]).code == 0)
        let denied = await kubeletAuthz(base + ["GET", "/statusz"])
        #expect(denied.code == 1)
        #expect(denied.out.contains("DENIED"))
        #expect(await kubeletAuthz(base + ["GET", "/stats"]).code == 1, "a redirect is not an answer")
        // Without the flag a denial is still an answer: exit 0.
        #expect(await kubeletAuthz(Array(base.dropLast()) + ["GET", "/statusz"]).code == 0)
    }

    @Test("a --kube-version newer than the model warns and answers")
    func newerThanModelled() async throws {
        let r = await kubeletAuthz(["map", "--kube-version", "1.40", "GET", "/pods"])
        #expect(r.code == 0)
        #expect(r.err.contains("Warning: Kubernetes 1.40 is newer than the newest release modelled (1.36)"))
    }

    @Test("completion scripts for bash, zsh and fish", arguments: [("bash", "-F _kubelet-authz kubelet-authz"), ("zsh", "#compdef kubelet-authz"), ("fish", "complete -c 'kubelet-authz'")])
    func completion(_ c: (String, String)) async throws {
        let r = await kubeletAuthz(["completion", c.0])
        #expect(r.code == 0)
        #expect(r.out.contains(c.1))
        #expect(r.out.contains("who-can"))
    }
}

extension KubectlHabitsTests {
    @Test("a lower-case method gets a hint, not a silent empty verb; --literal-method sends it as written")
    func lowercaseMethod() async throws {
        let r = await kubeletAuthz(["map", "get", "/pods"])
        #expect(r.code == 2)
        #expect(r.err.contains("did you mean GET /pods, or get nodes/pods?"))
        let literal = try jsonObject(await kubeletAuthz(["map", "-o", "json", "--literal-method", "get", "/pods"]).out)
        #expect(literal["verb"] as? String == "")
    }

    @Test("snapshot writes with --output-dir or --file; -o says what to use instead")
    func snapshotFlags() async throws {
        let o = await kubeletAuthz(["snapshot", "-o", "x.json"])
        #expect(o.code == 2)
        #expect(o.err.contains("--output-dir DIR or --file FILE"))
        let neither = await kubeletAuthz(["snapshot"])
        #expect(neither.code == 2)
        #expect(neither.err.contains("give one of --output-dir DIR or --file FILE"))
    }
}

extension KubectlHabitsTests {
    @Test("every subject table reads KIND, NAMESPACE, NAME in that order")
    func columnOrder() async throws {
        let log = Fixtures.url("audit-kube-apiserver-1.36.jsonl").path
        let outputs = [
            await kubeletAuthz(["scan", "-f", exampleDir]).out,
            await kubeletAuthz(["who-can", "-f", exampleDir, "GET", "/pods"]).out,
            await kubeletAuthz(["evidence", log]).out,
        ]
        for out in outputs {
            let header = try #require(out.split(separator: "\n").first { $0.hasPrefix("KIND ") }, "\(out.prefix(300))")
            let words = header.split(separator: " ").map(String.init)
            #expect(Array(words.prefix(3)) == ["KIND", "NAMESPACE", "NAME"], "\(header)")
        }
    }
}

extension KubectlHabitsTests {
    /// A manifest as `helm template` writes it: namespaced objects without a namespace.
    static let chart = """
    apiVersion: v1
    kind: ServiceAccount
    metadata: {name: agent}
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata: {name: agent}
    rules: [{apiGroups: [""], resources: [nodes/proxy], verbs: [get]}]
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRoleBinding
    metadata: {name: agent}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: agent}
    subjects: [{kind: ServiceAccount, name: agent, namespace: monitoring}, {kind: User, name: alice}, {kind: ServiceAccount, name: other, namespace: team-b}]
    """

    @Test("-n: objects without a namespace get it, only its ServiceAccounts are shown, Users always; -A is every namespace")
    func namespaceFlag() async throws {
        let file = try Fixtures.temporaryFile("chart-\(UUID().uuidString).yaml", Self.chart)
        func subjects(_ args: [String]) async throws -> [String] {
            let r = await kubeletAuthz(["scan", "-f", file, "-o", "json"] + args)
            #expect(r.code == 0, "\(r.err)")
            return (try jsonObject(r.out)["subjects"] as? [[String: Any]] ?? []).map { "\($0["kind"] as? String ?? "") \($0["namespace"] as? String ?? "")/\($0["name"] as? String ?? "")" }
        }
        #expect(try await subjects([]).sorted() == ["ServiceAccount monitoring/agent", "ServiceAccount team-b/other", "User /alice"])
        #expect(try await subjects(["-n", "monitoring"]).sorted() == ["ServiceAccount monitoring/agent", "User /alice"])
        #expect(try await subjects(["-A"]).count == 3)
        // The ServiceAccount without a namespace is read in -n's, and the warning says so.
        let warned = await kubeletAuthz(["scan", "-f", file, "-n", "monitoring"])
        #expect(warned.err.contains("read in namespace monitoring, as kubectl apply -n monitoring would: ServiceAccount agent"))
        let who = await kubeletAuthz(["who-can", "-f", file, "-n", "team-b", "GET", "/pods"])
        #expect(who.out.contains("other") && who.out.contains("alice") && !who.out.contains(" agent "), "\(who.out)")
        #expect(await kubeletAuthz(["scan", "-f", file, "-n", "x", "-A"]).code == 2)
    }
}
