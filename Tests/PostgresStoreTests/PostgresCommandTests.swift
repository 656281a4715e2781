import CLITestSupport
import Foundation
import PostgresTestSupport
import TestSupport
import Testing

/// `--store postgres://…` (or `$KUBELET_AUTHZ_STORE`) for `evidence`, `scan --audit` and
/// `plan`: the same report as from memory, the records in the database, and a second run
/// resuming from it.
@Suite("PostgreSQL store from the command line", .enabled(if: PostgresTestServer.enabled))
struct PostgresCommandTests {
    @Test("evidence --store URL and $KUBELET_AUTHZ_STORE: the report of the log, kept in the database", arguments: ["flag", "env"])
    func evidence(_ how: String) async throws {
        let server = try PostgresTestServer.require()
        let url = try server.makeDatabase()
        let db = PostgresTestServer.database(of: url)
        let store = how == "flag" ? ["--store", url] : []
        let env = how == "flag" ? [:] : ["KUBELET_AUTHZ_STORE": url]
        let memory = await kubeletAuthz(["evidence", PostgresMaterial.fixture, "--no-db", "-o", "json"])
        let first = await kubeletAuthz(["evidence", PostgresMaterial.fixture, "-o", "json"] + store, environment: env)
        #expect(first.code == 0, "\(first.err)")
        #expect(first.out == memory.out)
        #expect(first.err.contains("Evidence database postgres://postgres:***@127.0.0.1:\(server.port)/\(db): 1 input"), "\(first.err)")
        #expect(!first.err.contains(server.password))
        #expect(try server.count("SELECT COUNT(*) FROM audit_record", database: db) > 0)
        let again = await kubeletAuthz(["evidence", PostgresMaterial.fixture, "-o", "json"] + store, environment: env)
        #expect(again.code == 0, "\(again.err)")
        #expect(again.err.contains("Already ingested, skipped"), "\(again.err)")
        #expect(again.out == memory.out)
    }

    @Test("scan --audit --store URL and plan --store URL: the output of the same evidence in memory")
    func scanAndPlan() async throws {
        let server = try PostgresTestServer.require()
        let root = Fixtures.repositoryRoot.path
        let scan = ["scan", "-o", "json", "-f", Fixtures.url("oracle-cluster.yaml").path, "--audit", PostgresMaterial.fixture, "--now", "2026-12-27"]
        let plan = ["plan", "-o", "json", "-f", root + "/examples/ai-cluster", "--audit", root + "/examples/audit", "--now", "2026-12-27"]
        for command in [scan, plan] {
            let url = try server.makeDatabase()
            let memory = await kubeletAuthz(command + ["--no-db"])
            #expect(memory.code == 0, "\(memory.err)")
            let stored = await kubeletAuthz(command + ["--store", url])
            #expect(stored.code == 0, "\(stored.err)")
            #expect(stored.out == memory.out, "\(command[0])")
            #expect(try server.count("SELECT COUNT(*) FROM ingested_file", database: PostgresTestServer.database(of: url)) > 0)
            // The evidence alone, from the database.
            let fromStore = await kubeletAuthz(Array(command.prefix { $0 != "--audit" }) + ["--now", "2026-12-27", "--store", url])
            #expect(fromStore.code == 0, "\(fromStore.err)")
            #expect(fromStore.out == memory.out, "\(command[0]) from the store alone")
        }
    }
}
