import CLITestSupport
import Foundation
import PostgresStore
import PostgresTestSupport
import TestSupport
import Testing

/// Issue 14's "done when" against a fleet's PostgreSQL: `scan --save` of the demo, a copy with
/// a new ServiceAccount granted nodes/proxy saved again, `diff --fail-on high` exits 1 naming
/// the change, `history` lists both; `accept` records into the same database. The database is
/// named by `--store` and by `$KUBELET_AUTHZ_STORE`, its password never printed.
@Suite("PostgreSQL scan history from the command line", .enabled(if: PostgresTestServer.enabled))
struct PostgresHistoryCommandTests {
    static func scan(_ cluster: String, _ store: [String], _ env: [String: String], cluster name: String? = nil) async -> CommandResult {
        await kubeletAuthz(["scan", "-f", cluster, "--register", DemoClusterEdit.register, "--now", "2026-11-27", "--save", "-o", "json"]
                           + (name.map { ["--cluster", $0] } ?? []) + store, environment: env)
    }

    @Test("scan --save, edit, scan --save; diff --fail-on high exits 1 naming the change; history lists both", arguments: ["flag", "env"])
    func doneWhen(_ how: String) async throws {
        let server = try PostgresTestServer.require()
        let url = try server.makeDatabase()
        let db = PostgresTestServer.database(of: url)
        let shown = "postgres://postgres:***@127.0.0.1:\(server.port)/\(db)"
        let store = how == "flag" ? ["--store", url] : []
        let env = how == "flag" ? [:] : ["KUBELET_AUTHZ_STORE": url]
        let cluster = try DemoClusterEdit.copy().path

        let first = await Self.scan(cluster, store, env)
        #expect(first.code == 0, "\(first.err)")
        #expect(first.err.contains("Saved scan 1 of cluster \(DemoClusterEdit.demoCluster) in \(shown)"), "\(first.err)")
        try DemoClusterEdit.grantProxyToNewServiceAccount(cluster)
        let second = await Self.scan(cluster, store, env)
        #expect(second.code == 0, "\(second.err)")
        #expect(second.err.contains("Saved scan 2 of cluster \(DemoClusterEdit.demoCluster) in \(shown)"), "\(second.err)")
        #expect(try server.count("SELECT COUNT(*) FROM scan", database: db) == 2)
        // Another cluster of the fleet in the same database: not part of this cluster's diff.
        #expect(await Self.scan(cluster, store, env, cluster: "west").code == 0)

        let gate = await kubeletAuthz(["diff", "--cluster", DemoClusterEdit.demoCluster, "--fail-on", "high"] + store, environment: env)
        #expect(gate.code == 1, "\(gate.err)")
        #expect(gate.out.contains("EXEC GAINED (1)") && gate.out.contains(DemoClusterEdit.debugger), "\(gate.out)")
        #expect(gate.err.contains("at or above high since scan 1 (--fail-on high)"), "\(gate.err)")
        let json = try jsonObject(await kubeletAuthz(["diff", "--cluster", DemoClusterEdit.demoCluster, "-o", "json"] + store, environment: env).out)
        let grants = json["grantsAdded"] as? [[String: Any]] ?? []
        #expect(grants.map { "\($0["binding"] as? String ?? "") → \($0["role"] as? String ?? "")" } == ["ClusterRoleBinding/netdata → ClusterRole/netdata"])

        let history = await kubeletAuthz(["history", "--cluster", DemoClusterEdit.demoCluster] + store, environment: env)
        #expect(history.code == 0, "\(history.err)")
        let lines = history.out.split(separator: "\n")
        #expect(lines.count == 3, "\(history.out)")
        #expect(lines.dropFirst().allSatisfy { $0.contains(DemoClusterEdit.demoCluster) })
        let all = try jsonObject(await kubeletAuthz(["history", "-o", "json"] + store, environment: env).out)
        let scans = all["scans"] as? [[String: Any]] ?? []
        #expect(scans.map { $0["cluster"] as? String } == [DemoClusterEdit.demoCluster, DemoClusterEdit.demoCluster, "west"])
        #expect(scans.map { $0["execCapable"] as? Int } == [9, 10, 10])

        // accept records into the same database; the diff's gate then holds the accepted findings back.
        let new = ((json["findings"] as? [String: Any])?["new"] as? [[String: Any]] ?? [])
            .filter { $0["id"] as? String != "KA060" }.compactMap { $0["fingerprint"] as? String }  // KA060 is the change's, not a scan's
        #expect(!new.isEmpty)
        let accept = await kubeletAuthz(["accept", new[0], "--cluster", DemoClusterEdit.demoCluster, "--reason", "debug access, INC-2231",
                                         "--until", "2026-12-31", "--now", "2026-11-27"] + store, environment: env)
        #expect(accept.code == 0, "\(accept.err)")
        #expect(try server.count("SELECT COUNT(*) FROM finding_acceptance", database: db) == 1)

        // fleet reads the same database: the latest scan of each cluster.
        let fleet = await kubeletAuthz(["fleet", "-o", "json", "--now", "2026-11-27"] + store, environment: env)
        #expect(fleet.code == 0, "\(fleet.err)")
        let clusters = (try jsonObject(fleet.out)["clusters"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(Set(clusters) == [DemoClusterEdit.demoCluster, "west"], "\(fleet.out)")

        for r in [first, second, gate, history, accept, fleet] { #expect(!(r.out + r.err).contains(server.password)) }
    }

    @Test("unreachable database: history, diff, accept, scan --save and serve exit 2 naming host, port and user, never the password")
    func unreachable() async throws {
        _ = try PostgresTestServer.require()
        let secret = "Sup3r-Secret-Pw"
        let port = try PostgresTestServer.freePort()  // nothing listens on it
        let url = "postgres://alice:\(secret)@127.0.0.1:\(port)/fleet"
        let cluster = try DemoClusterEdit.copy().path
        let commands: [[String]] = [
            ["history", "--store", url], ["diff", "--store", url], ["fleet", "--store", url],
            ["accept", "v1:0123456789abcdef", "--reason", "r", "--until", "2027-01-01", "--store", url],
            ["scan", "-f", cluster, "--save", "--store", url],
            ["serve", "-f", cluster, "--insecure-http", "--address", "127.0.0.1:0", "--store", url],
        ]
        for arguments in commands {
            let r = await kubeletAuthz(arguments)
            #expect(r.code == 2, "\(arguments[0]): \(r.err)")
            #expect(r.err.contains("host 127.0.0.1, port \(port), user alice"), "\(arguments[0]): \(r.err)")
            #expect(!(r.out + r.err).contains(secret), "\(arguments[0])")
        }
        // The password from $PGPASSWORD with the URL in $KUBELET_AUTHZ_STORE.
        let r = await kubeletAuthz(["history"], environment: ["KUBELET_AUTHZ_STORE": "postgres://alice@127.0.0.1:\(port)/fleet", "PGPASSWORD": secret])
        #expect(r.code == 2 && r.err.contains("user alice"), "\(r.err)")
        #expect(!(r.out + r.err).contains(secret))
    }
}
