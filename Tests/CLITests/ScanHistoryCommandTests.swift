import CLITestSupport
import Foundation
import History
import Store
import TestSupport
import Testing

/// Issue 14's "done when" on the demo: save a scan, grant nodes/proxy to a new ServiceAccount in
/// a copy of the demo, save again; `diff` names that change and the new exec capability and
/// fails `--fail-on high`; `history` lists the scans; an unchanged re-save adds no content rows;
/// `accept` holds a finding back from `--fail-on` until `--until`, and after that it fails again
/// beside a KA072. All against a real SQLite file.
@Suite("Scan history: save, history, diff, accept")
struct ScanHistoryCommandTests {
    static let register = DemoClusterEdit.register
    static let demoCluster = DemoClusterEdit.demoCluster
    static let debugger = DemoClusterEdit.debugger

    /// A copy of the demo cluster, and a database beside it.
    static func workspace() throws -> (cluster: String, db: String) {
        let cluster = try DemoClusterEdit.copy()
        return (cluster.path, cluster.deletingLastPathComponent().appendingPathComponent("history.sqlite").path)
    }

    static func grantProxyToNewServiceAccount(_ cluster: String) throws {
        try DemoClusterEdit.grantProxyToNewServiceAccount(cluster)
    }

    static func scan(_ cluster: String, _ db: String, _ extra: [String] = []) async -> CommandResult {
        await kubeletAuthz(["scan", "-f", cluster, "--register", register, "--now", "2026-11-27", "--save", "--store", db, "-o", "json"] + extra)
    }

    static func subjects(_ list: Any?) -> Set<String> {
        Set((list as? [[String: Any]] ?? []).map { item in
            let s = (item["subject"] as? [String: Any]) ?? item
            let ns = s["namespace"] as? String ?? ""
            return "\(s["kind"] as? String ?? "") \(ns.isEmpty ? "" : ns + "/")\(s["name"] as? String ?? "")"
        })
    }

    @Test("scan --save twice around a binding edit: diff names the change and the new exec, fails --fail-on high; history lists the scans")
    func doneWhen() async throws {
        let (cluster, db) = try Self.workspace()
        let first = await Self.scan(cluster, db)
        #expect(first.code == 0, "\(first.err)")
        #expect(first.err.contains("Saved scan 1 of cluster \(Self.demoCluster) in \(db)"), "\(first.err)")
        let rows = try EvidenceStore(path: db).contentRowCount()
        #expect(rows > 3)

        // Unchanged input: a scan row, and no content row.
        let again = await Self.scan(cluster, db)
        #expect(again.code == 0, "\(again.err)")
        #expect(again.err.contains("Saved scan 2 of cluster \(Self.demoCluster) in \(db) (unchanged since scan 1: no new content)"), "\(again.err)")
        #expect(try EvidenceStore(path: db).contentRowCount() == rows)
        #expect(try EvidenceStore(path: db).scans(cluster: nil, since: nil).count == 2)

        try Self.grantProxyToNewServiceAccount(cluster)
        let third = await Self.scan(cluster, db)
        #expect(third.code == 0, "\(third.err)")
        #expect(!third.err.contains("unchanged"), "\(third.err)")

        let diff = await kubeletAuthz(["diff", "--store", db, "-o", "json"])
        #expect(diff.code == 0, "\(diff.err)")
        let d = try jsonObject(diff.out)
        #expect((d["from"] as? [String: Any])?["id"] as? Int == 2 && (d["to"] as? [String: Any])?["id"] as? Int == 3)
        #expect(Self.subjects(d["accessGained"]) == [Self.debugger])
        let gained = Set((d["accessGained"] as? [[String: Any]] ?? []).map { "\($0["verb"] as? String ?? "") nodes/\($0["subresource"] as? String ?? "")" })
        #expect(gained == ["get nodes/proxy", "get nodes/metrics"])
        #expect((d["accessLost"] as? [Any])?.isEmpty == true)
        #expect(Self.subjects(d["execGained"]) == [Self.debugger])
        #expect((d["execLost"] as? [Any])?.isEmpty == true)
        let grants = d["grantsAdded"] as? [[String: Any]] ?? []
        #expect(grants.map { "\($0["binding"] as? String ?? "") → \($0["role"] as? String ?? "")" } == ["ClusterRoleBinding/netdata → ClusterRole/netdata"])
        #expect((d["grantsRemoved"] as? [Any])?.isEmpty == true)
        #expect((d["registerChanges"] as? [Any])?.isEmpty == true)
        let findings = try #require(d["findings"] as? [String: Any])
        let new = findings["new"] as? [[String: Any]] ?? []
        #expect(Self.subjects(new) == [Self.debugger], "every new finding is about the new subject")
        let rules = Set(new.compactMap { $0["id"] as? String })
        #expect(rules.isSuperset(of: ["KA060", "KA001"]), "\(rules)")
        #expect(new.first { $0["id"] as? String == "KA060" }?["severity"] as? String == "high")
        #expect((findings["fixed"] as? [Any])?.isEmpty == true)

        let gate = await kubeletAuthz(["diff", "--store", db, "--fail-on", "high"])
        #expect(gate.code == 1)
        #expect(gate.out.contains("EXEC GAINED (1)") && gate.out.contains(Self.debugger))
        #expect(gate.err.contains("at or above high since scan 2 (--fail-on high)"), "\(gate.err)")
        // The scans before the edit are the same: nothing to fail on.
        let none = await kubeletAuthz(["diff", "1", "2", "--store", db, "--fail-on", "info", "-o", "json"])
        #expect(none.code == 0, "\(none.out)")

        let markdown = await kubeletAuthz(["diff", "--store", db, "-o", "markdown"])
        #expect(markdown.out.contains("### Command execution gained\n\n- **\(Self.debugger)**"), "\(markdown.out)")
        let sarif = try jsonObject(await kubeletAuthz(["diff", "--store", db, "-o", "sarif"]).out)
        let results = ((sarif["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]]) ?? []
        #expect(results.count == new.count)

        let history = await kubeletAuthz(["history", "--store", db])
        #expect(history.code == 0, "\(history.err)")
        let lines = history.out.split(separator: "\n")
        #expect(lines.count == 4, "\(history.out)")
        #expect(lines.dropFirst().allSatisfy { $0.contains(Self.demoCluster) })
        #expect(lines[2].hasSuffix("unchanged") && lines[3].hasSuffix("changed"))
        let json = try jsonObject(await kubeletAuthz(["history", "--store", db, "-o", "json"]).out)
        let scans = json["scans"] as? [[String: Any]] ?? []
        #expect(scans.map { $0["execCapable"] as? Int } == [9, 9, 10])
        #expect(scans.map { $0["subjects"] as? Int } == [15, 15, 16])
    }

    @Test("accept: a finding stops failing --fail-on until --until; after that it fails again, beside a KA072")
    func acceptance() async throws {
        let (cluster, db) = try Self.workspace()
        #expect(await Self.scan(cluster, db).code == 0)
        try Self.grantProxyToNewServiceAccount(cluster)
        #expect(await Self.scan(cluster, db).code == 0)
        // A later unchanged scan: the change to accept from is no longer the latest.
        #expect(await Self.scan(cluster, db).code == 0)
        let d = try jsonObject(await kubeletAuthz(["diff", "1", "2", "--store", db, "-o", "json"]).out)
        let high = ((d["findings"] as? [String: Any])?["new"] as? [[String: Any]] ?? []).filter { ["high", "critical"].contains($0["severity"] as? String) }
        let fingerprints = high.compactMap { $0["fingerprint"] as? String }
        try #require(!fingerprints.isEmpty)
        for fp in fingerprints {
            let r = await kubeletAuthz(["accept", fp, "--reason", "debug access, INC-2231", "--until", "2026-12-31", "--now", "2026-11-27", "--store", db])
            #expect(r.code == 0, "\(r.err)")
            #expect(r.err.contains("until 2026-12-31 on every cluster: debug access, INC-2231"), "\(r.err)")
        }
        let held = await kubeletAuthz(["diff", "1", "2", "--store", db, "--fail-on", "high", "--now", "2026-12-31", "-o", "json"])
        #expect(held.code == 0, "\(held.err)")
        #expect(held.err.contains("\(fingerprints.count) new finding\(fingerprints.count == 1 ? "" : "s") accepted"), "\(held.err)")
        let states = await kubeletAuthz(["history", "--findings", "--store", db, "--now", "2026-12-31", "-o", "json"])
        let accepted = ((try jsonObject(states.out))["findings"] as? [[String: Any]] ?? []).filter { $0["state"] as? String == "accepted" }
        // KA060 is the change's, not a scan's: every other accepted finding is listed as accepted.
        let saved = high.filter { $0["id"] as? String != "KA060" }.compactMap { $0["fingerprint"] as? String }
        #expect(saved.count == fingerprints.count - 1)
        #expect(Set(accepted.compactMap { $0["fingerprint"] as? String }) == Set(saved))

        let lapsed = await kubeletAuthz(["diff", "1", "2", "--store", db, "--fail-on", "high", "--now", "2027-01-01", "-o", "json"])
        #expect(lapsed.code == 1)
        let back = ((try jsonObject(lapsed.out))["findings"] as? [String: Any])?["new"] as? [[String: Any]] ?? []
        #expect(Set(back.compactMap { $0["fingerprint"] as? String }).isSuperset(of: fingerprints))
        let expired = back.filter { $0["id"] as? String == "KA072" }
        #expect(expired.count == fingerprints.count, "one KA072 per lapsed acceptance")
        #expect((expired.first?["message"] as? String)?.contains("expired on 2026-12-31 (debug access, INC-2231)") == true)

        // The scan's own gate honours the same acceptances: KA060 is diff's, the rest are the scan's.
        let scanHeld = await Self.scan(cluster, db, ["--now", "2026-12-31"])
        #expect(scanHeld.err.contains("accepted in \(db) (kubelet-authz accept)"), "\(scanHeld.err)")
        let scanLapsed = await Self.scan(cluster, db, ["--now", "2027-01-01"])
        let scanFindings = (try jsonObject(scanLapsed.out))["findings"] as? [[String: Any]] ?? []
        #expect(scanFindings.contains { $0["id"] as? String == "KA072" && ($0["message"] as? String)?.contains("expired on 2026-12-31") == true })
    }

    @Test("bad input: exit 2 with a message that says what is wrong")
    func badInput() async throws {
        let (cluster, db) = try Self.workspace()
        let missing = await kubeletAuthz(["diff", "--store", db])
        #expect(missing.code == 2 && missing.err.contains("no saved scans: \(db) does not exist"), "\(missing.err)")
        #expect(!FileManager.default.fileExists(atPath: db), "reading commands create no database")
        #expect(await kubeletAuthz(["history", "--store", db]).code == 2)

        #expect(await Self.scan(cluster, db).code == 0)
        let one = await kubeletAuthz(["diff", "--store", db])
        #expect(one.code == 2 && one.err.contains("has 1 saved scan in \(db): diff needs two"), "\(one.err)")
        let unknown = await kubeletAuthz(["diff", "1", "99", "--store", db])
        #expect(unknown.code == 2 && unknown.err.contains("no saved scan 99 in \(db)"), "\(unknown.err)")
        let word = await kubeletAuthz(["diff", "latest", "--store", db])
        #expect(word.code == 2 && word.err.contains("SCAN \"latest\": expected a scan id"), "\(word.err)")
        let otherCluster = await kubeletAuthz(["diff", "--cluster", "prod", "--store", db])
        #expect(otherCluster.code == 2 && otherCluster.err.contains("no saved scan of cluster prod"), "\(otherCluster.err)")
        let since = await kubeletAuthz(["history", "--since", "last tuesday", "--store", db])
        #expect(since.code == 2 && since.err.contains("--since \"last tuesday\": expected RFC 3339 time"), "\(since.err)")
        let future = await kubeletAuthz(["history", "--since", "2099-01-01", "--store", db])
        #expect(future.code == 2 && future.err.contains("no saved scans in \(db) since 2099-01-01"), "\(future.err)")

        let fp = "v1:0123456789abcdef"
        let date = await kubeletAuthz(["accept", fp, "--reason", "r", "--until", "2026-13-40", "--store", db])
        #expect(date.code == 2 && date.err.contains("--until \"2026-13-40\": expected a date YYYY-MM-DD"), "\(date.err)")
        let now = await kubeletAuthz(["accept", fp, "--reason", "r", "--until", "2027-01-01", "--now", "soon", "--store", db])
        #expect(now.code == 2 && now.err.contains("--now \"soon\""), "\(now.err)")
        let past = await kubeletAuthz(["accept", fp, "--reason", "r", "--until", "2026-01-01", "--now", "2026-11-27", "--store", db])
        #expect(past.code == 2 && past.err.contains("--until 2026-01-01 has passed"), "\(past.err)")
        let nobody = await kubeletAuthz(["accept", fp, "--reason", "r", "--until", "2027-01-01", "--now", "2026-11-27", "--store", db])
        #expect(nobody.code == 2 && nobody.err.contains("no saved finding has the fingerprint \(fp)"), "\(nobody.err)")
        let shape = await kubeletAuthz(["accept", "KA001", "--reason", "r", "--until", "2027-01-01", "--store", db])
        #expect(shape.code == 2 && shape.err.contains("expected a finding's fingerprint"), "\(shape.err)")
        let reason = await kubeletAuthz(["accept", fp, "--reason", " ", "--until", "2027-01-01", "--store", db])
        #expect(reason.code == 2 && reason.err.contains("--reason"), "\(reason.err)")
    }

    @Test("the cluster's identity: --cluster, else kube-system's UID, else an error asking for --cluster")
    func identity() async throws {
        let dir = Fixtures.temporaryDirectory()
        let db = dir.appendingPathComponent("h.sqlite").path
        let rbac = try Fixtures.temporaryFile("rbac-\(UUID().uuidString).yaml", """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: reader}
            rules: [{apiGroups: [""], resources: [nodes/metrics], verbs: [get]}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: reader}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
            subjects: [{kind: ServiceAccount, name: reader, namespace: monitoring}]
            """)
        let anonymous = await kubeletAuthz(["scan", "-f", rbac, "--save", "--store", db])
        #expect(anonymous.code == 2)
        #expect(anonymous.err.contains("no kube-system Namespace with a metadata.uid") && anonymous.err.contains("--cluster NAME"), "\(anonymous.err)")
        #expect(anonymous.out.isEmpty, "no report before the error")
        let named = await kubeletAuthz(["scan", "-f", rbac, "--save", "--store", db, "--cluster", "lab"])
        #expect(named.code == 0 && named.err.contains("Saved scan 1 of cluster lab"), "\(named.err)")
        let withoutSave = await kubeletAuthz(["scan", "-f", rbac, "--cluster", "lab"])
        #expect(withoutSave.code == 2 && withoutSave.err.contains("use it with --save"), "\(withoutSave.err)")
        // Without --store the default file is under XDG_DATA_HOME.
        let data = dir.appendingPathComponent("data").path
        let byDefault = await kubeletAuthz(["scan", "-f", rbac, "--save", "--cluster", "lab"], environment: ["XDG_DATA_HOME": data])
        #expect(byDefault.code == 0, "\(byDefault.err)")
        #expect(FileManager.default.fileExists(atPath: data + "/kubelet-authz/kubelet-authz.sqlite"))
        let listed = await kubeletAuthz(["history", "-o", "json"], environment: ["XDG_DATA_HOME": data])
        #expect(((try jsonObject(listed.out))["scans"] as? [Any])?.count == 1)
    }
}
