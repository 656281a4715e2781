import CLITestSupport
import Foundation
import TestSupport
import Testing

@Suite("kubelet-authz evidence and scan --audit")
struct EvidenceCommandTests {
    static let sampleLines = String(decoding: Fixtures.data("audit-kube-apiserver-1.36.jsonl"), as: UTF8.self).split(separator: "\n").map(String.init)

    func write(_ text: String, _ name: String) throws -> String { try Fixtures.temporaryFile(name, text) }

    @Test("the JSON contract on the real log")
    func contract() async throws {
        let r = await kubeletAuthz(["evidence", "--no-db", "-o", "json", Fixtures.url("audit-kube-apiserver-1.36.jsonl").path])
        #expect(r.code == 0, "\(r.err)")
        let j = try jsonObject(r.out)
        let events = try #require(j["events"] as? [String: Any])
        #expect(events["read"] as? Int == 21)
        #expect(events["kubeletReviews"] as? Int == 12)
        #expect(events["nodeProxy"] as? Int == 3)
        #expect(events["malformed"] as? Int == 0)
        let usage = try #require(j["usage"] as? [[String: Any]])
        let row = try #require(usage.first { ($0["subject"] as? [String: Any])?["name"] as? String == "sa-proxy" && $0["verb"] as? String == "get" && $0["accessPath"] as? String == "kubelet" && $0["subresource"] as? String == "proxy" })
        #expect((row["subject"] as? [String: Any])?["kind"] as? String == "ServiceAccount")
        #expect((row["subject"] as? [String: Any])?["namespace"] as? String == "oracle")
        #expect(row["node"] as? String == "oracle-node")
        #expect(row["subresource"] as? String == "proxy")
        #expect(row["allowed"] as? Int == 1)
        #expect(row["denied"] as? Int == 0)
        #expect(row["onlyViaFallback"] as? Bool == true)
        #expect(row["firstSeen"] as? String == "2026-11-27T07:42:40Z")
        #expect(row["lastSeen"] != nil)
        let anon = try #require(usage.first { ($0["subject"] as? [String: Any])?["name"] as? String == "system:anonymous" })
        #expect(anon["accessPath"] as? String == "apiserverProxy")
        #expect(anon["denied"] as? Int == 1)
        let blind = try #require(j["blindSpots"] as? [[String: Any]])
        #expect(blind.contains { $0["kind"] as? String == "decisionCache" })
    }

    @Test("stdin, --since, and malformed lines that never stop the stream")
    func stdinSinceMalformed() async throws {
        var lines = Self.sampleLines
        lines[7] = String(lines[7].prefix(200))
        let r = await kubeletAuthz(["evidence", "--no-db", "-o", "json", "-"], stdin: lines.joined(separator: "\n"))
        #expect(r.code == 0)
        let j = try jsonObject(r.out)
        #expect((j["events"] as? [String: Any])?["malformed"] as? Int == 1)
        #expect((j["malformed"] as? [[String: Any]])?.first?["line"] as? Int == 8)
        #expect((j["malformed"] as? [[String: Any]])?.first?["file"] as? String == "<stdin>")
        let late = await kubeletAuthz(["evidence", "--no-db", "-o", "json", "--since", "2026-11-27T07:42:50Z", Fixtures.url("audit-kube-apiserver-1.36.jsonl").path])
        let usage = try #require(try jsonObject(late.out)["usage"] as? [[String: Any]])
        #expect(usage.allSatisfy { ($0["firstSeen"] as? String ?? "") >= "2026-11-27T07:42:50Z" })
        #expect(!usage.isEmpty)
        let bad = await kubeletAuthz(["evidence", "--no-db", "--since", "yesterday", "-"])
        #expect(bad.code == 2 && bad.err.contains("--since \"yesterday\""))
        let missing = await kubeletAuthz(["evidence", "--no-db", "/nope/audit.log"])
        #expect(missing.code == 2 && missing.err.contains("/nope/audit.log"))
    }

    @Test("with a database: the same output however often it is ingested")
    func database() async throws {
        let dir = Fixtures.temporaryDirectory()
        let db = dir.appendingPathComponent("e.sqlite").path
        let log = Fixtures.url("audit-kube-apiserver-1.36.jsonl").path
        let first = await kubeletAuthz(["evidence", "--db", db, "-o", "json", log])
        let second = await kubeletAuthz(["evidence", "--db", db, "-o", "json", log])
        #expect(first.code == 0 && second.code == 0)
        #expect(first.out == second.out)
        #expect(second.err.contains("Already ingested, skipped"))
        // The database alone answers later.
        let later = await kubeletAuthz(["evidence", "--db", db, "-o", "json"])
        #expect(try jsonObject(later.out)["usage"] as? [[String: Any]] != nil)
        #expect((try jsonObject(later.out)["usage"] as? [Any])?.count == (try jsonObject(first.out)["usage"] as? [Any])?.count)
    }

    @Test("--audit-policy blind spots appear in the output")
    func policy() async throws {
        let p = try write("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n", "policy.yaml")
        let r = await kubeletAuthz(["evidence", "--no-db", "-o", "json", "--audit-policy", p, Fixtures.url("audit-kube-apiserver-1.36.jsonl").path])
        let blind = try #require(try jsonObject(r.out)["blindSpots"] as? [[String: Any]])
        #expect(blind.contains { $0["kind"] as? String == "policyLevel" && $0["location"] as? String == "\(p):4" })
    }

    /// Times moved so that the evidence spans more than --unused-days.
    func shifted(_ line: String, to day: String) -> String {
        line.replacingOccurrences(of: "2026-11-27T", with: "\(day)T")
    }

    @Test("scan --audit: used, unused, denied; nodes/proxy used only through the fallback")
    func scanJoin() async throws {
        let lines = [shifted(Self.sampleLines[0], to: "2026-11-01"),      // sa-none denied metrics: opens the window
                     shifted(Self.sampleLines[1], to: "2026-12-26"),      // sa-metrics allowed metrics
                     shifted(Self.sampleLines[2], to: "2026-12-26"),      // sa-proxy: pods denied…
                     shifted(Self.sampleLines[3], to: "2026-12-26")]      // …then proxy allowed (fallback)
        let log = try write(lines.joined(separator: "\n") + "\n", "audit.log")
        let r = await kubeletAuthz(["scan", "-o", "json", "-f", Fixtures.url("oracle-cluster.yaml").path, "--audit", log,
                                    "--now", "2026-12-27", "--unused-days", "30"])
        #expect(r.code == 0, "\(r.err)")
        let j = try jsonObject(r.out)
        let subjects = try #require(j["subjects"] as? [[String: Any]])
        func usage(_ name: String) -> [String: [String: Any]]? {
            subjects.first { $0["name"] as? String == name }?["usage"] as? [String: [String: Any]]
        }
        #expect(usage("sa-metrics")?["metrics"]?["status"] as? String == "used")
        #expect(usage("sa-pods")?["pods"]?["status"] as? String == "unused")
        #expect(usage("sa-proxy")?["proxy"]?["status"] as? String == "used")
        let findings = try #require(j["findings"] as? [[String: Any]])
        func has(_ id: String, _ name: String?) -> Bool {
            findings.contains { $0["id"] as? String == id && (name == nil || ($0["subject"] as? [String: Any])?["name"] as? String == name) }
        }
        #expect(has("KA030", "sa-pods"))
        #expect(has("KA030", "sa-proxy-get"))
        #expect(!has("KA030", "sa-metrics"))
        #expect(has("KA032", "sa-proxy"))
        #expect(has("KA031", "sa-none"))
        #expect(!has("KA031", "sa-proxy"))  // its denied pods check passed through the fallback
        #expect(has("KA033", "sa-metrics"))
        let message = findings.first { $0["id"] as? String == "KA032" }?["message"] as? String
        #expect(message?.contains("nodes/pods") == true)

        // A window shorter than --unused-days proves nothing about unused grants.
        let short = await kubeletAuthz(["scan", "-o", "json", "-f", Fixtures.url("oracle-cluster.yaml").path, "--audit", log,
                                        "--now", "2026-12-27", "--unused-days", "90"])
        #expect(!(try jsonObject(short.out)["findings"] as! [[String: Any]]).contains { $0["id"] as? String == "KA030" })
        // Nor does evidence that stopped long before --now …
        let stale = await kubeletAuthz(["scan", "-o", "json", "-f", Fixtures.url("oracle-cluster.yaml").path, "--audit", log,
                                        "--now", "2027-03-01", "--unused-days", "30"])
        let staleJSON = try jsonObject(stale.out)
        #expect(!(staleJSON["findings"] as! [[String: Any]]).contains { $0["id"] as? String == "KA030" })
        #expect(((staleJSON["evidence"] as? [String: Any])?["unusedNotJudged"] as? String)?.contains("ends") == true)
        // … nor a log that hides callers (Metadata level): every grant would look unused.
        let hidden = lines.map { line -> String in
            var e = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            e["level"] = "Metadata"; e["requestObject"] = nil; e["responseObject"] = nil
            return String(decoding: try! JSONSerialization.data(withJSONObject: e), as: UTF8.self)
        }
        let metadataLog = try write(hidden.joined(separator: "\n") + "\n", "metadata.log")
        let blind = await kubeletAuthz(["scan", "-o", "json", "-f", Fixtures.url("oracle-cluster.yaml").path, "--audit", metadataLog,
                                        "--now", "2026-12-27", "--unused-days", "30"])
        let blindFindings = try jsonObject(blind.out)["findings"] as! [[String: Any]]
        #expect(!blindFindings.contains { $0["id"] as? String == "KA030" })
        #expect(blindFindings.contains { $0["id"] as? String == "KA034" })
    }
}
