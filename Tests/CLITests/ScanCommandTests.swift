import CLITestSupport
import Foundation
import KubeJSON
import TestSupport
import Testing
import Yams

@Suite("kubelet-authz scan")
struct ScanCommandTests {
    let fixed = ["--now", "2026-11-27"]

    func scanJSON(_ args: [String]) async throws -> [String: Any] {
        let r = await kubeletAuthz(["scan", "-o", "json"] + fixed + args)
        #expect(r.code == 0, "\(r.err)")
        return try jsonObject(r.out)
    }

    @Test("--demo: the JSON contract")
    func demoJSON() async throws {
        let j = try await scanJSON(["--demo"])
        #expect(j["kubeVersion"] as? String == "1.35")
        let subjects = try #require(j["subjects"] as? [[String: Any]])
        let netdata = try #require(subjects.first { $0["name"] as? String == "netdata" })
        #expect(netdata["kind"] as? String == "ServiceAccount")
        #expect(netdata["namespace"] as? String == "monitoring")
        #expect(netdata["execCapable"] as? Bool == true)
        let access = try #require(netdata["access"] as? [String: [String: Any]])
        #expect(Set(access.keys) == ["proxy", "metrics"])
        #expect(access["proxy"]?["verbs"] as? [String] == ["get"])
        #expect(access["proxy"]?["nodes"] as? String == "*")
        // Schema version 2: the chain is said once in `grants`, and `via` holds its index.
        #expect(j["schemaVersion"] as? Int == 2)
        let grants = try #require(netdata["grants"] as? [[String: Any]])
        let index = try #require((access["proxy"]?["via"] as? [Int])?.first)
        let via = grants[index]
        #expect(via["bindingKind"] as? String == "ClusterRoleBinding")
        #expect(via["binding"] as? String == "netdata")
        #expect(via["roleKind"] as? String == "ClusterRole")
        #expect(via["role"] as? String == "netdata")
        let gov = try #require(netdata["governance"] as? [String: Any])
        #expect(gov["owner"] as? String == "team-observability@example.com")
        #expect(gov.keys.contains("purpose") && gov.keys.contains("reviewed") && gov.keys.contains("nextReview"))
        let findings = try #require(j["findings"] as? [[String: Any]])
        let f = try #require(findings.first { $0["id"] as? String == "KA001" })
        #expect(f["severity"] as? String == "high")
        #expect((f["subject"] as? [String: Any])?["kind"] != nil)
        #expect((f["message"] as? String)?.isEmpty == false)
        let pinned = try #require(subjects.first { $0["name"] as? String == "gpu-log-reader" })
        #expect((pinned["access"] as? [String: [String: Any]])?["log"]?["nodes"] as? [String] == ["gpu-node-1"])
    }

    @Test("YAML is the same tree as JSON")
    func yaml() async throws {
        let j = await kubeletAuthz(["scan", "--demo", "-o", "json"] + fixed)
        let y = await kubeletAuthz(["scan", "--demo", "-o", "yaml"] + fixed)
        #expect(y.code == 0)
        let fromYAML = try #require(try Yams.load(yaml: y.out) as? [String: Any])
        let fromJSON = try jsonObject(j.out)
        #expect(NSDictionary(dictionary: fromYAML).isEqual(to: fromJSON))
    }

    @Test("CSV: a row per subject × subresource with governance columns")
    func csv() async throws {
        let r = await kubeletAuthz(["scan", "--demo", "-o", "csv"] + fixed)
        let rows = r.out.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(rows[0] == "kind,namespace,name,subresource,verbs,nodes,bindings,roles,execCapable,owner,purpose,reviewed,nextReview,ticket,governanceSource")
        let j = try await scanJSON(["--demo"])
        let expected = (j["subjects"] as! [[String: Any]]).reduce(0) { $0 + (($1["access"] as! [String: Any]).count) }
        #expect(rows.count - 1 == expected)
        #expect(rows.contains { $0.hasPrefix("ServiceAccount,monitoring,netdata,proxy,get,*,netdata,netdata,true,team-observability@example.com,") })
    }

    @Test("SARIF 2.1.0: the catalogue as rules, findings with file and line")
    func sarif() async throws {
        let r = await kubeletAuthz(["scan", "--demo", "-o", "sarif"] + fixed)
        let j = try jsonObject(r.out)
        #expect(j["version"] as? String == "2.1.0")
        let run = try #require((j["runs"] as? [[String: Any]])?.first)
        let rules = try #require(((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        let catalogue = try jsonObject("{\"x\":" + (await kubeletAuthz(["findings", "-o", "json"])).out + "}")["x"] as! [[String: Any]]
        #expect(rules.map { $0["id"] as! String } == catalogue.map { $0["id"] as! String })
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(!results.isEmpty)
        for result in results {
            let index = try #require(result["ruleIndex"] as? Int)
            #expect(rules[index]["id"] as? String == result["ruleId"] as? String)
            #expect(["error", "warning", "note"].contains(result["level"] as? String))
        }
        let exec = try #require(results.first { $0["ruleId"] as? String == "KA001" })
        let loc = try #require((exec["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
        #expect(((loc["artifactLocation"] as? [String: Any])?["uri"] as? String)?.hasSuffix(".yaml") == true)
        #expect(((loc["region"] as? [String: Any])?["startLine"] as? Int ?? 0) > 0)
    }

    /// What `helm template agent ./agent` writes: each document under a `# Source:` comment.
    static let helmStream = """
    ---
    # Source: agent/templates/serviceaccount.yaml
    apiVersion: v1
    kind: ServiceAccount
    metadata:
      name: agent
      namespace: monitoring
    ---
    # Source: agent/templates/rbac.yaml
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata:
      name: agent
    rules:
    - apiGroups: [""]
      resources: [nodes/proxy]
      verbs: [get]
    ---
    # Source: agent/templates/rbac.yaml
    # The agent reads /pods through the kubelet.
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRoleBinding
    metadata:
      name: agent
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: agent}
    subjects:
    - {kind: ServiceAccount, name: agent, namespace: monitoring}

    """

    static func sarifLocations(_ out: String) throws -> [(ruleId: String, uri: String, line: Int)] {
        let run = try #require((try jsonObject(out)["runs"] as? [[String: Any]])?.first)
        return (run["results"] as? [[String: Any]] ?? []).flatMap { result in
            ((result["locations"] as? [[String: Any]]) ?? []).compactMap { l in
                guard let p = l["physicalLocation"] as? [String: Any],
                      let uri = (p["artifactLocation"] as? [String: Any])?["uri"] as? String,
                      let line = (p["region"] as? [String: Any])?["startLine"] as? Int else { return nil }
                return (result["ruleId"] as? String ?? "", uri, line)
            }
        }
    }

    @Test("helm template on stdin: SARIF points at the chart's templates through helm's # Source: comments")
    func sarifHelmSources() async throws {
        let r = await kubeletAuthz(["scan", "-f", "-", "-o", "sarif"] + fixed, stdin: Self.helmStream)
        #expect(r.code == 0, "\(r.err)")
        let locations = try Self.sarifLocations(r.out)
        let exec = locations.filter { $0.ruleId == "KA001" }
        #expect(!exec.isEmpty)
        // The binding is on line 21 of the stream, two lines below its `# Source:` comment.
        #expect(exec.contains { $0.uri == "agent/templates/rbac.yaml" && $0.line == 2 }, "\(exec)")
        #expect(!locations.contains { $0.uri.contains("stdin") }, "\(locations)")
        // A chart kept in charts/agent: --template-root says where its folder is.
        let rooted = await kubeletAuthz(["scan", "-f", "-", "-o", "sarif", "--template-root", "charts"] + fixed, stdin: Self.helmStream)
        #expect(try Self.sarifLocations(rooted.out).contains { $0.ruleId == "KA001" && $0.uri == "charts/agent/templates/rbac.yaml" && $0.line == 2 })
        // The other reports keep the true place in the stream, and name the template beside it.
        let json = await kubeletAuthz(["scan", "-f", "-", "-o", "json"] + fixed, stdin: Self.helmStream)
        let sources = (try jsonObject(json.out)["findings"] as? [[String: Any]] ?? [])
            .flatMap { ($0["locations"] as? [[String: Any]]) ?? [] }
        #expect(sources.contains { $0["file"] as? String == "<stdin>" && $0["line"] as? Int == 21 })
        let text = await kubeletAuthz(["scan", "-f", "-"] + fixed, stdin: Self.helmStream)
        #expect(text.out.contains("<stdin>:21 (from agent/templates/rbac.yaml)"), "\(text.out)")
    }

    @Test("helm template without # Source: comments, or a comment cut off by ---: the stream's own lines")
    func sarifWithoutHelmSources() async throws {
        let cut = Self.helmStream.replacingOccurrences(of: "# The agent reads /pods through the kubelet.\n", with: "---\n")
        let r = await kubeletAuthz(["scan", "-f", "-", "-o", "sarif"] + fixed, stdin: cut)
        let exec = try Self.sarifLocations(r.out).filter { $0.ruleId == "KA001" }
        #expect(exec.contains { $0.uri == "%3Cstdin%3E" || $0.uri.hasPrefix("kubernetes/") }, "\(exec)")
        #expect(!exec.contains { $0.uri == "agent/templates/rbac.yaml" && $0.line > 1 }, "\(exec)")
    }

    @Test("a real chart's helm output (splunk-otel-collector): every location is one of its templates",
          .enabled(if: FileManager.default.fileExists(atPath: Self.splunk)))
    func sarifRealHelmChart() async throws {
        let stream = try String(contentsOfFile: Self.splunk, encoding: .utf8)
        let r = await kubeletAuthz(["scan", "-f", "-", "-o", "sarif"] + fixed, stdin: stream)
        #expect(r.code == 0, "\(r.err)")
        let locations = try Self.sarifLocations(r.out)
        #expect(!locations.isEmpty)
        #expect(locations.allSatisfy { $0.uri.hasPrefix("splunk-otel-collector/templates/") }, "\(locations)")
        #expect(locations.contains { $0.uri == "splunk-otel-collector/templates/clusterRoleBinding.yaml" })
    }

    static let splunk = Fixtures.repositoryRoot.appendingPathComponent("../shared/realworld/manifests/16-splunk-otel-default.yaml").standardized.path

    @Test("markdown: a review document")
    func markdown() async {
        let r = await kubeletAuthz(["scan", "--demo", "-o", "markdown"] + fixed)
        #expect(r.out.hasPrefix("# Kubelet access review\n"))
        for heading in ["## Subjects", "## Findings", "### High", "## Sign-off"] { #expect(r.out.contains(heading)) }
        #expect(r.out.contains("| ServiceAccount monitoring/netdata |"))
    }

    @Test("table: grouped per subject, the seven subresources as columns, no colour off a terminal")
    func table() async {
        let r = await kubeletAuthz(["scan", "--demo"] + fixed)
        #expect(r.code == 0)
        #expect(r.out.contains("KIND             NAMESPACE     NAME                            METRICS   STATS   LOG      PODS   HEALTHZ   CONFIGZ   PROXY"))
        #expect(!r.out.contains("\u{1B}["))
        let wide = await kubeletAuthz(["scan", "--demo", "-o", "wide"] + fixed)
        #expect(wide.out.contains("CHECKPOINT") && wide.out.contains("WORKLOADS"))
        let coloured = await kubeletAuthz(["scan", "--demo", "--color", "always"] + fixed)
        #expect(coloured.out.contains("\u{1B}[31m"))
    }

    @Test("--fail-on: exit 1 at or above the threshold, 0 below")
    func failOn() async {
        let high = await kubeletAuthz(["scan", "--demo", "-o", "json", "--fail-on", "high"] + fixed)
        #expect(high.code == 1)
        #expect(high.err.contains("at or above high"))
        #expect(!high.out.isEmpty)
        let clean = await kubeletAuthz(["scan", "-f", Fixtures.url("oracle-cluster.yaml").path, "--kube-version", "1.36", "--fail-on", "critical"] + fixed)
        #expect(clean.code == 0, "\(clean.out)")
        let bad = await kubeletAuthz(["scan", "--demo", "--fail-on", "urgent"])
        #expect(bad.code == 2)
        #expect(bad.err.contains("--fail-on \"urgent\""))
    }

    @Test("bad register or date: exit 2 naming file and line")
    func badRegister() async throws {
        let url = Fixtures.temporaryDirectory().appendingPathComponent("reg.yaml")
        try "kind: KubeletAccessRegister\nentries:\n- subject: {kind: Group, name: g}\n  owner: me\n  nextreview: 2026-01-01\n".write(to: url, atomically: true, encoding: .utf8)
        let r = await kubeletAuthz(["scan", "--demo", "--register", url.path])
        #expect(r.code == 2)
        #expect(r.err.contains("\(url.path):5: entries[0]: unknown key \"nextreview\""))
        let d = await kubeletAuthz(["scan", "--demo", "--now", "tomorrow"])
        #expect(d.code == 2)
        let missing = await kubeletAuthz(["scan", "--demo", "--register", "/nope.yaml"])
        #expect(missing.code == 2 && missing.err.contains("/nope.yaml"))
    }

    @Test("JSON input: findings carry the item's line")
    func jsonLines() async throws {
        let items = """
        {
            "apiVersion": "v1",
            "items": [
                {
                    "apiVersion": "rbac.authorization.k8s.io/v1",
                    "kind": "ClusterRole",
                    "metadata": {"name": "proxy", "annotations": {"x": "a \\"quoted\\" [value] {with} brackets"}},
                    "rules": [{"apiGroups": [""], "resources": ["nodes/proxy"], "verbs": ["get"]}]
                },
                {
                    "apiVersion": "rbac.authorization.k8s.io/v1",
                    "kind": "ClusterRoleBinding",
                    "metadata": {"name": "agent"},
                    "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "proxy"},
                    "subjects": [{"kind": "ServiceAccount", "name": "agent", "namespace": "mon"}]
                }
            ],
            "kind": "List",
            "metadata": {"resourceVersion": ""}
        }
        """
        let url = Fixtures.temporaryDirectory().appendingPathComponent("cluster.json")
        try items.write(to: url, atomically: true, encoding: .utf8)
        let j = try await scanJSON(["-f", url.path])
        let f = try #require((j["findings"] as? [[String: Any]])?.first { $0["id"] as? String == "KA001" })
        let lines = (f["locations"] as? [[String: Any]])?.compactMap { $0["line"] as? Int }
        #expect(lines == [10, 4])
    }

    @Test("the findings page is the catalogue")
    func findingsDoc() async throws {
        let doc = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("docs/FINDINGS.md"), encoding: .utf8)
        #expect(doc == (await kubeletAuthz(["findings", "-o", "markdown"])).out, "regenerate: kubelet-authz findings -o markdown > docs/FINDINGS.md")
    }

    @Test("without Node kubelet versions, a snapshot's recorded API server version decides the release")
    func serverVersionFromSnapshot() async throws {
        let url = Fixtures.temporaryDirectory().appendingPathComponent("snap.json")
        try #"""
        {"apiVersion":"v1","kind":"List","items":[
          {"apiVersion":"kubelet-authz.io/v1alpha1","kind":"ClusterSnapshotInfo","metadata":{"name":"snapshot"},"serverVersion":"v1.33.4"},
          {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"pods-reader"},"rules":[{"apiGroups":[""],"resources":["nodes/pods"],"verbs":["get"]}]},
          {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"agent"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"pods-reader"},"subjects":[{"kind":"ServiceAccount","name":"agent","namespace":"mon"}]}
        ]}
        """#.write(to: url, atomically: true, encoding: .utf8)
        let r = await kubeletAuthz(["scan", "-f", url.path, "-o", "json"])
        #expect(r.code == 0, "\(r.err)")
        let json = try jsonObject(r.out)
        #expect(json["kubeVersion"] as? String == "1.33")
        #expect(json["kubeVersionSource"] as? String == "apiServer")
        // The info document is read, not counted as a skipped kind.
        #expect(!r.err.contains("ClusterSnapshotInfo"))
        let text = await kubeletAuthz(["scan", "-f", url.path])
        #expect(text.out.contains("Kubelet access on Kubernetes 1.33 (the API server's release"))
    }
}
