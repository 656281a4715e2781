import CLITestSupport
import Foundation
import History
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
