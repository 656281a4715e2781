import CLITestSupport
import Foundation
import TestSupport
import Testing

/// One fingerprint per finding, shared by SARIF, `--baseline` and the ignore file: it survives
/// moved lines and reordered files, and tells different findings apart.
@Suite("Fingerprints, baselines and accepted findings")
struct BaselineAndIgnoreTests {
    static let cluster = Fixtures.url("kubeadm-cluster.yaml").path
    static let day = ["--now", "2026-12-01"]

    static let rogue = CIGateTests.rogue

    func findings(_ args: [String]) async throws -> [[String: Any]] {
        let r = await kubeletAuthz(["scan", "-o", "json"] + Self.day + args)
        return try #require(try jsonObject(r.out)["findings"] as? [[String: Any]], "\(r.err)")
    }

    @Test("fingerprints ignore lines and file order, and differ between findings")
    func stable() async throws {
        let text = try String(contentsOfFile: Self.cluster, encoding: .utf8)
        let shifted = try Fixtures.temporaryFile("shifted-\(UUID().uuidString).yaml", "# moved down\n\n\n" + text)
        let a = try await findings(["-f", Self.cluster]).compactMap { $0["fingerprint"] as? String }
        let b = try await findings(["-f", shifted]).compactMap { $0["fingerprint"] as? String }
        #expect(a.count > 3)
        #expect(Set(a) == Set(b))
        #expect(Set(a).count == a.count, "two findings share a fingerprint")
        #expect(a.allSatisfy { $0.hasPrefix("v1:") && $0.count == 19 })
    }

    @Test("--baseline: only what is new fails the gate")
    func baseline() async throws {
        let dir = Fixtures.temporaryDirectory()
        let base = dir.appendingPathComponent("baseline.json").path
        let r = await kubeletAuthz(["scan", "-f", Self.cluster, "-o", "json"] + Self.day)
        try r.out.write(toFile: base, atomically: true, encoding: .utf8)
        // Everything known: even --fail-on info passes, and nothing is shown.
        let same = await kubeletAuthz(["scan", "-f", Self.cluster, "--baseline", base, "--fail-on", "info", "-o", "json"] + Self.day)
        #expect(same.code == 0, "\(same.err)")
        #expect((try jsonObject(same.out)["findings"] as? [Any])?.isEmpty == true)
        #expect(same.err.contains("already in the baseline"))
        // A new subject with nodes/proxy is new: it alone fails the gate.
        let rogue = try Fixtures.temporaryFile("rogue-\(UUID().uuidString).yaml", Self.rogue)
        let new = await kubeletAuthz(["scan", "-f", Self.cluster, "-f", rogue, "--baseline", base, "--fail-on", "high", "-o", "json"] + Self.day)
        #expect(new.code == 1)
        let ids = (try jsonObject(new.out)["findings"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(ids.contains("KA001"))
        #expect(!ids.contains("KA070"))
        // A baseline that is not a report is an error.
        let bad = try Fixtures.temporaryFile("bad-\(UUID().uuidString).json", "{}")
        #expect(await kubeletAuthz(["scan", "-f", Self.cluster, "--baseline", bad]).code == 2)
        // Nor is one that is not JSON: named by line and column.
        let broken = try Fixtures.temporaryFile("broken-\(UUID().uuidString).json", "{\n  \"findings\": [\n    {\"fingerprint\": tru}\n  ]\n}\n")
        let b = await kubeletAuthz(["scan", "-f", Self.cluster, "--baseline", broken])
        #expect(b.code == 2)
        #expect(b.err.contains("\(broken):3: invalid JSON at column "), "\(b.err)")
    }

    @Test("--baseline reads schema version 1 and 2 reports; a newer version is refused by file and field")
    func baselineVersions() async throws {
        // scan-report-v1.json was written by the last release without schemaVersion; v2 by the first that had it.
        for name in ["scan-report-v1.json", "scan-report-v2.json"] {
            let old = Fixtures.url(name).path
            let r = await kubeletAuthz(["scan", "-f", Self.cluster, "--baseline", old, "--fail-on", "info", "-o", "json"] + Self.day)
            #expect(r.code == 0, "\(name): \(r.err)")
            #expect((try jsonObject(r.out)["findings"] as? [Any])?.isEmpty == true, "\(name)")
            #expect(r.err.contains("already in the baseline \(old)"), "\(name): \(r.err)")
        }
        let v2 = try String(contentsOf: Fixtures.url("scan-report-v2.json"), encoding: .utf8)
        for (version, expected) in [("3", "schemaVersion 3 is newer than this kubelet-authz reads (1 to 2)"),
                                    ("\"2\"", "schemaVersion is not an integer"),
                                    ("true", "schemaVersion is not an integer"),
                                    ("2.5", "schemaVersion is not an integer"),
                                    ("0", "schemaVersion 0 is not a report schema version")] {
            let text = v2.replacingOccurrences(of: "\"schemaVersion\": 2,", with: "\"schemaVersion\": \(version),")
            #expect(text != v2)
            let file = try Fixtures.temporaryFile("newer-\(UUID().uuidString).json", text)
            let r = await kubeletAuthz(["scan", "-f", Self.cluster, "--baseline", file] + Self.day)
            #expect(r.code == 2)
            #expect(r.err.contains("--baseline \(file): \(expected)"), "\(r.err)")
        }
        // A version 1 report may also say so: JSONSerialization reads `1` as it reads `true`.
        let v1 = try Fixtures.temporaryFile("v1-\(UUID().uuidString).json", v2.replacingOccurrences(of: "\"schemaVersion\": 2,", with: "\"schemaVersion\": 1,"))
        let explicit = await kubeletAuthz(["scan", "-f", Self.cluster, "--baseline", v1, "--fail-on", "info", "-o", "json"] + Self.day)
        #expect(explicit.code == 0, "\(explicit.err)")
    }

    @Test("the v2 fixture says what the v1 fixture says: each via index names the chain v1 repeated")
    func v1ToV2() throws {
        let v1 = try jsonObject(String(contentsOf: Fixtures.url("scan-report-v1.json"), encoding: .utf8))
        let v2 = try jsonObject(String(contentsOf: Fixtures.url("scan-report-v2.json"), encoding: .utf8))
        #expect(v1["schemaVersion"] == nil)
        #expect(v2["schemaVersion"] as? Int == 2)
        let old = try #require(v1["subjects"] as? [[String: Any]]), new = try #require(v2["subjects"] as? [[String: Any]])
        #expect(old.count == new.count && old.count > 2)
        var chains = 0
        for (a, b) in zip(old, new) {
            let grants = try #require(b["grants"] as? [NSDictionary])
            let accessA = try #require(a["access"] as? [String: [String: Any]]), accessB = try #require(b["access"] as? [String: [String: Any]])
            #expect(accessA.keys.sorted() == accessB.keys.sorted())
            for (sub, x) in accessA {
                let y = try #require(accessB[sub])
                let repeated = try #require(x["via"] as? [NSDictionary])
                let indices = try #require(y["via"] as? [Int])
                #expect(indices.map { grants[$0] } == repeated, "\(a["name"] ?? "") \(sub)")
                #expect(NSDictionary(dictionary: x.filter { $0.key != "via" }).isEqual(to: y.filter { $0.key != "via" }))
                chains += repeated.count
            }
            let rest = { (s: [String: Any]) in NSDictionary(dictionary: s.filter { $0.key != "access" && $0.key != "grants" }) }
            #expect(rest(a) == rest(b))
        }
        #expect(chains > new.reduce(0) { $0 + (($1["grants"] as? [Any])?.count ?? 0) }, "no chain is shared: the fixture proves nothing")
        #expect(NSArray(array: v1["findings"] as! [Any]).isEqual(to: v2["findings"] as! [Any]))
    }

    @Test("the ignore file accepts findings until they expire; then they return with KA072")
    func ignoreFile() async throws {
        func entry(_ expires: String) throws -> String {
            try Fixtures.temporaryFile("ignore-\(UUID().uuidString).yaml", """
            apiVersion: kubelet-authz.io/v1alpha1
            kind: KubeletAuthzIgnore
            ignore:
            - rule: ungoverned-kubelet-access
              subject: ServiceAccount kube-system/metrics-server
              reason: metrics-server is governed by the platform team's own process
              expires: \(expires)
            """)
        }
        let open = try await findings(["-f", Self.cluster])
        #expect(open.contains { $0["id"] as? String == "KA020" })
        let accepted = try await findings(["-f", Self.cluster, "--ignore-file", try entry("2027-01-01")])
        #expect(!accepted.contains { $0["id"] as? String == "KA020" })
        let expired = try await findings(["-f", Self.cluster, "--ignore-file", try entry("2026-11-01")])
        #expect(expired.contains { $0["id"] as? String == "KA020" })
        let lapse = try #require(expired.first { $0["id"] as? String == "KA072" })
        #expect((lapse["message"] as? String)?.contains("expired on 2026-11-01") == true)
        // An entry without a reason is refused, with its file and line.
        let noReason = try Fixtures.temporaryFile("noreason-\(UUID().uuidString).yaml", "ignore:\n- rule: KA020\n")
        let r = await kubeletAuthz(["scan", "-f", Self.cluster, "--ignore-file", noReason])
        #expect(r.code == 2)
        #expect(r.err.contains("\(noReason):2: ignore[0]: reason is required"))
    }

    @Test("SARIF: every result has a physical location and a fingerprint; the tool has a real information URI")
    func sarif() async throws {
        let r = await kubeletAuthz(["scan", "--demo", "-o", "sarif"])
        let root = try jsonObject(r.out)
        let run = try #require((root["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["informationUri"] as? String == "https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/")
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count > 20)
        for result in results {
            let locations = try #require(result["locations"] as? [[String: Any]], "\(result["ruleId"] ?? "")")
            #expect(!locations.isEmpty)
            for l in locations {
                let physical = try #require(l["physicalLocation"] as? [String: Any])
                let uri = try #require((physical["artifactLocation"] as? [String: Any])?["uri"] as? String)
                #expect(!uri.isEmpty && !uri.contains("://"))
                #expect(((physical["region"] as? [String: Any])?["startLine"] as? Int ?? 0) >= 1)
            }
            #expect((result["partialFingerprints"] as? [String: String])?["kubeletAuthz/v1"]?.hasPrefix("v1:") == true)
        }
        // Cluster-wide findings (KA013) point at the input they came from.
        let mixed = try #require(results.first { $0["ruleId"] as? String == "KA013" })
        let uri = ((mixed["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]).flatMap { ($0["artifactLocation"] as? [String: Any])?["uri"] as? String }
        #expect(uri?.hasPrefix("examples/ai-cluster/") == true || uri?.contains("/examples/ai-cluster/") == true, "\(uri ?? "")")
    }
}

extension BaselineAndIgnoreTests {
    @Test("an ignore file with a misspelt key or broken YAML is an error at its line, never a silent acceptance", arguments: [
        ("ignore:\n- rule: KA020\n  reason: r\n  expire: 2027-01-01\n", ":2: ignore[0]: unknown key expire"),
        ("ignore:\n- rule: KA020\n  reason: [a, b]\n", ":2: ignore[0]: reason must be a single value"),
        ("ignore:\n- rule: KA020\n  reason: \"open\n", ":4: invalid YAML: found unexpected end of stream"),
    ])
    func strictIgnoreFile(_ c: (String, String)) async throws {
        let file = try Fixtures.temporaryFile("ignore-\(UUID().uuidString).yaml", c.0)
        let r = await kubeletAuthz(["scan", "-f", Self.cluster, "--ignore-file", file])
        #expect(r.code == 2)
        #expect(r.err.contains(file + c.1), "\(r.err)")
    }

    @Test("SARIF names the tool's version, not the --version headline; --severity '' is refused; findings KA001 -o markdown is Markdown")
    func smallContracts() async throws {
        let sarif = try jsonObject(await kubeletAuthz(["scan", "-f", Self.cluster, "-o", "sarif"] + Self.day).out)
        let driver = ((sarif["runs"] as? [[String: Any]])?.first?["tool"] as? [String: Any])?["driver"] as? [String: Any]
        let version = try #require(driver?["version"] as? String)
        #expect(version.split(separator: ".").count == 3 && version.allSatisfy { $0.isNumber || $0 == "." }, "\(version)")
        #expect(await kubeletAuthz(["scan", "-f", Self.cluster, "--severity", ""]).code == 2)
        let md = await kubeletAuthz(["findings", "KA001", "-o", "markdown"]).out
        #expect(md.hasPrefix("\n## KA001\n\n**"))
    }
}
