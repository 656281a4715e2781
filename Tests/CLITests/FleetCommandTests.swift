import CLITestSupport
import Evidence
import Foundation
import History
import Reports
import Store
import TestSupport
import Testing

/// Issue 14's fleet view on the demo saved as two clusters in one real SQLite file: cluster b's
/// copy has the datadog collector moved from nodes/proxy to nodes/metrics and nodes/stats (its
/// ClusterRole keeps those), and `fleet` must show exactly that difference, with each cluster's
/// exec-capable subjects and overdue reviews as that cluster's own `scan -o json` reports them.
@Suite("fleet: one view across saved clusters")
struct FleetCommandTests {
    static let examples = Fixtures.repositoryRoot.appendingPathComponent("examples")
    static let register = examples.appendingPathComponent("register.yaml").path
    static let day = "2026-11-27"
    /// The datadog ClusterRole's rule (examples/ai-cluster/collectors-rbac.yaml).
    static let datadogRule = "  - nodes/metrics\n  - nodes/spec\n  - nodes/proxy\n  - nodes/stats\n"

    static func copyOfDemo(_ dir: URL, _ name: String) throws -> String {
        let cluster = dir.appendingPathComponent(name)
        try FileManager.default.copyItem(at: examples.appendingPathComponent("ai-cluster"), to: cluster)
        return cluster.path
    }

    static func dropDatadogProxy(_ cluster: String) throws {
        let rbac = cluster + "/collectors-rbac.yaml"
        let text = try String(contentsOfFile: rbac, encoding: .utf8)
        try #require(text.components(separatedBy: datadogRule).count == 2)
        try text.replacingOccurrences(of: datadogRule, with: "  - nodes/metrics\n  - nodes/spec\n  - nodes/stats\n")
            .write(toFile: rbac, atomically: true, encoding: .utf8)
    }

    static func name(_ s: Any?) -> String {
        let o = s as? [String: Any] ?? [:]
        let ns = o["namespace"] as? String ?? ""
        return "\(o["kind"] as? String ?? "") \(ns.isEmpty ? "" : ns + "/")\(o["name"] as? String ?? "")"
    }

    /// Subject → subresource (without `nodes/`) → verbs, from `scan -o json`.
    static func access(scan: [String: Any]) -> [String: [String: [String]]] {
        var out: [String: [String: [String]]] = [:]
        for s in scan["subjects"] as? [[String: Any]] ?? [] {
            var held: [String: [String]] = [:]
            for (sub, v) in s["access"] as? [String: Any] ?? [:] {
                let key = sub.hasPrefix("nodes/") ? String(sub.dropFirst(6)) : sub
                held[key] = ((v as? [String: Any])?["verbs"] as? [String] ?? []).sorted()
            }
            out[name(s)] = held
        }
        return out
    }

    static func execCapable(scan: [String: Any]) -> Set<String> {
        Set((scan["subjects"] as? [[String: Any]] ?? []).filter { $0["execCapable"] as? Bool == true }.map(name))
    }

    @Test("two clusters, one collector moved off nodes/proxy: fleet -o json shows that drift and nothing else; counts match each scan")
    func twoClusters() async throws {
        let dir = Fixtures.temporaryDirectory()
        let db = dir.appendingPathComponent("fleet.sqlite").path
        let a = try Self.copyOfDemo(dir, "a"), b = try Self.copyOfDemo(dir, "b")
        try Self.dropDatadogProxy(b)
        var scans: [String: [String: Any]] = [:]
        for (cluster, files) in [("a", a), ("b", b)] {
            let r = await kubeletAuthz(["scan", "-f", files, "--register", Self.register, "--now", Self.day, "--save", "--store", db, "--cluster", cluster, "-o", "json"])
            #expect(r.code == 0, "\(r.err)")
            scans[cluster] = try jsonObject(r.out)
        }
        let (sa, sb) = (try #require(scans["a"]), try #require(scans["b"]))

        let run = await kubeletAuthz(["fleet", "--store", db, "--now", Self.day, "-o", "json"])
        #expect(run.code == 0, "\(run.err)")
        let fleet = try jsonObject(run.out)
        let clusters = fleet["clusters"] as? [[String: Any]] ?? []
        #expect(clusters.map { $0["name"] as? String } == ["a", "b"])
        for c in clusters {
            let scan = try #require(scans[c["name"] as? String ?? ""])
            let exec = Self.execCapable(scan: scan)
            #expect(c["execCapableCount"] as? Int == (scan["summary"] as? [String: Any])?["execCapable"] as? Int)
            #expect(Set((c["execCapable"] as? [Any] ?? []).map(Self.name)) == exec)
            let overdue = Set((scan["findings"] as? [[String: Any]] ?? []).filter { $0["id"] as? String == "KA022" }.map { Self.name($0["subject"]) })
            #expect(Set((c["overdueReviews"] as? [[String: Any]] ?? []).map { Self.name($0["subject"]) }) == overdue)
        }

        // Expected from the scans: subjects on both whose nodes/proxy grant differs.
        let (accessA, accessB) = (Self.access(scan: sa), Self.access(scan: sb))
        let both = Set(accessA.filter { !$0.value.isEmpty }.keys).intersection(accessB.filter { !$0.value.isEmpty }.keys)
        let drift = both.filter { (accessA[$0]?["proxy"] != nil) != (accessB[$0]?["proxy"] != nil) }
        #expect(drift == ["ServiceAccount datadog/datadog"])
        let shared = fleet["shared"] as? [[String: Any]] ?? []
        #expect(Set(shared.map { Self.name($0["subject"]) }) == both)
        for s in shared {
            let subject = Self.name(s["subject"])
            let flagged = s["proxyDrift"] as? Bool == true
            #expect(flagged == drift.contains(subject), "\(subject)")
            if drift.contains(subject) {
                #expect(s["proxyOn"] as? [String] == ["a"] && s["fineGrainedOn"] as? [String] == ["b"], "\(s)")
            }
            // Each cluster's row is that cluster's scan.
            for g in s["clusters"] as? [[String: Any]] ?? [] {
                let scanAccess = g["cluster"] as? String == "a" ? accessA[subject] : accessB[subject]
                var rows: [String: [String]] = [:]
                for x in g["access"] as? [[String: Any]] ?? [] { rows[x["subresource"] as? String ?? ""] = x["verbs"] as? [String] }
                #expect(rows == scanAccess, "\(subject) on \(g["cluster"] ?? "")")
            }
        }

        let table = await kubeletAuthz(["fleet", "--store", db, "--now", Self.day])
        #expect(table.code == 0, "\(table.err)")
        #expect(table.out.contains("CLUSTER") && table.out.contains("nodes/proxy here; fine-grained on b"), "\(table.out)")
        let markdown = await kubeletAuthz(["fleet", "--store", db, "--now", Self.day, "-o", "markdown"])
        #expect(markdown.code == 0 && markdown.out.contains("| ServiceAccount datadog/datadog | b |"), "\(markdown.out)")
        #expect(markdown.out.contains("fine-grained; nodes/proxy still on a"))
        let html = await kubeletAuthz(["fleet", "--store", db, "--now", Self.day, "-o", "html"])
        #expect(html.code == 0 && html.out.hasPrefix("<!DOCTYPE html>") && html.out.contains("nodes/proxy here; fine-grained on b"))
    }

    /// Evidence freshness per cluster from the evidence stored under each name: cluster a has the
    /// demo's audit log (last event 2026-11-26), b the fixture API server log (all on
    /// 2026-11-27), and evidence under no name shows as evidence without a saved scan.
    @Test("evidence freshness per cluster: the latest event and the records of the last day, in every format")
    func evidenceFreshness() async throws {
        let dir = Fixtures.temporaryDirectory()
        let db = dir.appendingPathComponent("fleet.sqlite").path
        for (cluster, files) in [("a", try Self.copyOfDemo(dir, "a")), ("b", try Self.copyOfDemo(dir, "b"))] {
            let r = await kubeletAuthz(["scan", "-f", files, "--register", Self.register, "--now", Self.day, "--save", "--store", db, "--cluster", cluster])
            #expect(r.code == 0, "\(r.err)")
        }
        let before = try jsonObject(await kubeletAuthz(["fleet", "--store", db, "--now", Self.day, "-o", "json"]).out)
        #expect((before["clusters"] as? [[String: Any]] ?? []).allSatisfy { $0["evidence"] is NSNull }, "no evidence stored yet")

        let logs = [("a", Self.examples.appendingPathComponent("audit/audit.log").path), ("b", Fixtures.url("audit-kube-apiserver-1.36.jsonl").path)]
        var alone: [String: [String: Any]] = [:]
        for (cluster, log) in logs {
            let r = await kubeletAuthz(["evidence", "--store", db, "--cluster", cluster, "-o", "json", log])
            #expect(r.code == 0, "\(r.err)")
            alone[cluster] = try jsonObject(r.out)
        }
        #expect(await kubeletAuthz(["evidence", "--store", db, Fixtures.url("audit-kube-apiserver-1.36.jsonl").path]).code == 0)

        let run = await kubeletAuthz(["fleet", "--store", db, "--now", Self.day, "-o", "json"])
        #expect(run.code == 0, "\(run.err)")
        let fleet = try jsonObject(run.out)
        #expect(fleet["evidenceOnly"] as? [String] == [""])
        func latest(_ report: [String: Any]?) throws -> String {
            HistoryTime.text(try #require(AuditTimestamp.seconds((report?["window"] as? [String: Any])?["last"] as? String ?? "")))
        }
        for c in fleet["clusters"] as? [[String: Any]] ?? [] {
            let name = c["name"] as? String ?? ""
            let report = try #require(alone[name])
            let evidence = try #require(c["evidence"] as? [String: Any], "\(name)")
            // The latest event of the cluster's own log (to the second), and its records of 2026-11-27.
            #expect(evidence["latest"] as? String == (try latest(report)), "\(name)")
            let events = report["events"] as? [String: Any] ?? [:]
            let records = (events["uniqueKubeletReviews"] as? Int ?? 0) + (events["uniqueNodeProxy"] as? Int ?? 0)
            #expect(evidence["lastDay"] as? Int == (name == "a" ? 0 : records), "\(name): \(evidence)")
            #expect(records > 0)
        }
        let aLatest = try latest(alone["a"])
        let table = await kubeletAuthz(["fleet", "--store", db, "--now", Self.day])
        #expect(table.out.contains("LATEST EVIDENCE") && table.out.contains("EVIDENCE 24H"), "\(table.out)")
        #expect(table.out.contains("Audit evidence without a saved scan, under: (no cluster name)"), "\(table.out)")
        let markdown = await kubeletAuthz(["fleet", "--store", db, "--now", Self.day, "-o", "markdown"])
        #expect(markdown.out.contains("| Latest evidence | Evidence 24h |") && markdown.out.contains("| \(aLatest) | 0 |"), "\(markdown.out)")
        let html = await kubeletAuthz(["fleet", "--store", db, "--now", Self.day, "-o", "html"])
        #expect(html.out.contains("<th>Latest evidence</th>") && html.out.contains("<td>\(aLatest)</td><td>0</td>"), "\(html.out)")
    }

    @Test("no saved scans: exit 2, saying to run scan --save --cluster NAME")
    func empty() async throws {
        let dir = Fixtures.temporaryDirectory()
        let db = dir.appendingPathComponent("empty.sqlite").path
        let missing = await kubeletAuthz(["fleet", "--store", db])
        #expect(missing.code == 2 && missing.err.contains("scan --save --cluster NAME"), "\(missing.err)")
        _ = try EvidenceStore(path: db)
        let none = await kubeletAuthz(["fleet", "--store", db])
        #expect(none.code == 2 && none.err.contains("no saved scans in \(db)") && none.err.contains("scan --save --cluster NAME"), "\(none.err)")
    }
}

