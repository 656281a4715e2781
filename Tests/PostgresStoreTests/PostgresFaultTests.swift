import AuditInput
import CLITestSupport
import Evidence
import Foundation
@testable import PostgresStore
import PostgresTestSupport
import Testing

/// What goes wrong with a shared database, and what the store does then: a server it cannot
/// reach or that refuses the user is exit 2 naming host and user (never the password); a
/// schema from a newer release is refused; a connection lost in the middle of a batch leaves
/// nothing of the batch, which is tried again or reported; a writer killed mid-ingest is
/// resumed with nothing lost or doubled.
@Suite("PostgreSQL store: faults", .enabled(if: PostgresTestServer.enabled))
struct PostgresFaultTests {
    static let secret = "Sup3r-Secret-Pw"

    @Test("unreachable server: exit 2 naming host, port and user, never the password")
    func unreachable() async throws {
        _ = try PostgresTestServer.require()
        let port = try PostgresTestServer.freePort()  // nothing listens on it
        let url = "postgres://alice:\(Self.secret)@127.0.0.1:\(port)/evidence"
        for (arguments, environment) in [(["evidence", PostgresMaterial.fixture, "--store", url], [String: String]()),
                                          (["evidence", PostgresMaterial.fixture], ["KUBELET_AUTHZ_STORE": "postgres://alice@127.0.0.1:\(port)/evidence",
                                                                                    "PGPASSWORD": Self.secret])] {
            let r = await kubeletAuthz(arguments, environment: environment)
            #expect(r.code == 2)
            #expect(r.err.contains("127.0.0.1") && r.err.contains("\(port)") && r.err.contains("alice"), "\(r.err)")
            #expect(!(r.out + r.err).contains(Self.secret))
        }
    }

    @Test("wrong password: exit 2 naming host and user, never the password (URL, PGPASSWORD, ~/.pgpass)")
    func wrongPassword() async throws {
        let server = try PostgresTestServer.require()
        let db = PostgresTestServer.database(of: try server.makeDatabase())
        try server.sql("CREATE ROLE alice LOGIN PASSWORD 'right-one'", database: db)
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("pgpass-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let pgpass = home.appendingPathComponent(".pgpass")
        try Data("127.0.0.1:\(server.port):\(db):alice:\(Self.secret)\n".utf8).write(to: pgpass)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: pgpass.path)
        let plain = "postgres://alice@127.0.0.1:\(server.port)/\(db)"
        let cases: [([String], [String: String])] = [
            (["--store", "postgres://alice:\(Self.secret)@127.0.0.1:\(server.port)/\(db)"], [:]),
            (["--store", plain], ["PGPASSWORD": Self.secret]),
            (["--store", plain], ["PGPASSFILE": pgpass.path]),
        ]
        for (flags, environment) in cases {
            let r = await kubeletAuthz(["evidence", PostgresMaterial.fixture] + flags, environment: environment)
            #expect(r.code == 2)
            #expect(r.err.contains("127.0.0.1") && r.err.contains("alice") && r.err.contains("password authentication failed"), "\(r.err)")
            #expect(!(r.out + r.err).contains(Self.secret))
        }
        // And the right one from the password file works.
        try Data("127.0.0.1:\(server.port):\(db):alice:right-one\n".utf8).write(to: pgpass)
        try server.sql("GRANT ALL ON SCHEMA public TO alice", database: db)
        let ok = await kubeletAuthz(["evidence", PostgresMaterial.fixture, "--store", plain], environment: ["PGPASSFILE": pgpass.path])
        #expect(ok.code == 0, "\(ok.err)")
        #expect(!(ok.out + ok.err).contains("right-one"))
    }

    @Test("a schema newer than this binary is refused, and nothing is written")
    func newerSchema() async throws {
        let server = try PostgresTestServer.require()
        let url = try server.makeDatabase()
        let db = PostgresTestServer.database(of: url)
        _ = try PostgresEvidenceStore(url: url, environment: [:])
        try server.sql("INSERT INTO kubelet_authz_schema (version, name) VALUES (\(PostgresSchema.migrations.count + 1), 'from the future')", database: db)
        let refused = #expect(throws: PostgresStoreError.self) { _ = try PostgresEvidenceStore(url: url, environment: [:]) }
        #expect(refused?.kind == .schemaTooNew)
        let r = await kubeletAuthz(["evidence", PostgresMaterial.fixture, "--store", url])
        #expect(r.code == 2)
        #expect(r.err.contains("schema version \(PostgresSchema.migrations.count + 1), newer than this kubelet-authz knows"), "\(r.err)")
        #expect(!r.err.contains(server.password))
        #expect(try server.count("SELECT COUNT(*) FROM audit_record", database: db) == 0)
    }

    @Test("the connection lost mid-batch (backend terminated before COMMIT): the batch is tried again, stored once")
    func connectionLostRetried() throws {
        let server = try PostgresTestServer.require()
        let url = try server.makeDatabase()
        let db = PostgresTestServer.database(of: url)
        let store = try PostgresEvidenceStore(url: url, environment: [:])
        // The second batch's first try loses its connection after writing everything (the
        // terminating call waits until the backend is gone).
        var batches = 0, kills = 0
        store.beforeCommit = { pid in
            batches += 1
            guard batches == 2 else { return }
            kills += 1
            try server.sql("SELECT pg_terminate_backend(\(pid), 10000)", database: db)
        }
        let reference = try PostgresMaterial.reference([PostgresMaterial.fixture])
        try PostgresMaterial.ingest([PostgresMaterial.fixture], into: store, blockSize: 4096)
        #expect(kills == 1)
        #expect(batches > 3)
        #expect(try server.count("SELECT COUNT(*) FROM audit_record", database: db) == (try reference.records(since: nil).count))
        #expect(try PostgresMaterial.duplicates(server, db) == 0)
        #expect(try store.totals() == reference.totals())
    }

    @Test("a read after the connection was lost (backend terminated between calls) connects again and answers in full")
    func readsReconnect() throws {
        let server = try PostgresTestServer.require()
        let url = try server.makeDatabase()
        let db = PostgresTestServer.database(of: url)
        let store = try PostgresEvidenceStore(url: url, environment: [:])
        var pid = 0
        store.beforeCommit = { pid = $0 }
        try PostgresMaterial.ingest([PostgresMaterial.fixture], into: store)
        let reference = try PostgresMaterial.reference([PostgresMaterial.fixture])
        // Each read finds its connection gone (terminated after the last call ended).
        for read in 0..<3 {
            try server.sql("SELECT pg_terminate_backend(\(pid), 10000)", database: db)
            switch read {
            case 0: #expect(try store.records(since: nil) == (try reference.records(since: nil)))
            case 1: #expect(try store.totals() == (try reference.totals()))
            default: #expect(try store.freshness(recentSince: 0) == (try reference.freshness(recentSince: 0)))
            }
            pid = try server.count("SELECT pid FROM pg_stat_activity WHERE datname = '\(db)' AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
                                   database: db)
        }
    }

    @Test("the connection lost on every try: reported, and nothing of the batch is stored")
    func connectionLostReported() throws {
        let server = try PostgresTestServer.require()
        let url = try server.makeDatabase()
        let db = PostgresTestServer.database(of: url)
        let store = try PostgresEvidenceStore(url: url, environment: [:])
        store.beforeCommit = { pid in try server.sql("SELECT pg_terminate_backend(\(pid), 10000)", database: db) }
        let e = #expect(throws: PostgresStoreError.self) { try PostgresMaterial.ingest([PostgresMaterial.fixture], into: store) }
        #expect(e?.kind == .connectionLost)
        #expect(e?.description.contains("was not stored (tried 4 times)") == true, "\(String(describing: e))")
        for table in ["audit_record", "ingested_file", "malformed_line"] {
            #expect(try server.count("SELECT COUNT(*) FROM \(table)", database: db) == 0, "\(table)")
        }
    }

    /// The CLI as a process of its own, killed with SIGKILL while its batch's transaction is
    /// open (held at a table lock another session took), then run again.
    @Test("kill -9 of a writer mid-ingest: resumed with nothing lost or doubled")
    func killedWriter() throws {
        let server = try PostgresTestServer.require()
        let binary = try Self.binary()
        let url = try server.makeDatabase()
        let db = PostgresTestServer.database(of: url)
        let first = PostgresMaterial.fixture
        let second = try PostgresMaterial.generated(copies: 40)
        let reference = try PostgresMaterial.reference([first, second])
        // The first log is stored whole.
        #expect(try Self.run(binary, ["evidence", first, "--store", url, "-o", "json"]).code == 0)
        let before = try server.count("SELECT COUNT(*) FROM audit_record", database: db)
        #expect(before > 0)
        // Another session holds a lock the batch's checkpoint write waits for.
        let holder = try Self.lockHolder(server, db)
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: binary)
        writer.arguments = ["evidence", first, second, "--store", url, "-o", "json"]
        writer.standardOutput = FileHandle.nullDevice
        writer.standardError = FileHandle.nullDevice
        writer.environment = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
        try writer.run()
        var waiting = 0
        for _ in 0..<600 where waiting == 0 {
            Thread.sleep(forTimeInterval: 0.05)
            waiting = try server.count("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = '\(db)' AND wait_event_type = 'Lock'", database: db)
        }
        #expect(waiting == 1, "the writer reached its batch's commit")
        kill(writer.processIdentifier, SIGKILL)
        writer.waitUntilExit()
        #expect(writer.terminationReason == .uncaughtSignal)
        try holder.release()
        // Nothing of the killed batch is there…
        #expect(try server.count("SELECT COUNT(*) FROM audit_record", database: db) == before)
        #expect(try server.count("SELECT COUNT(*) FROM ingested_file", database: db) == 1)
        // …and running again stores it, once.
        let again = try Self.run(binary, ["evidence", first, second, "--store", url, "-o", "json"])
        #expect(again.code == 0, "\(again.err)")
        #expect(try server.count("SELECT COUNT(*) FROM audit_record", database: db) == (try reference.records(since: nil).count))
        #expect(try PostgresMaterial.duplicates(server, db) == 0)
        let store = try PostgresEvidenceStore(url: url, environment: [:])
        #expect(try store.totals() == reference.totals())
    }

    // MARK: Helpers

    /// The built `kubelet-authz` beside the test bundle.
    static func binary() throws -> String {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let candidate = exe.deletingLastPathComponent().appendingPathComponent("kubelet-authz").path
        guard FileManager.default.isExecutableFile(atPath: candidate) else {
            throw PostgresTestServer.Unavailable(description: "no kubelet-authz binary at \(candidate): run `swift build` first")
        }
        return candidate
    }

    static func run(_ binary: String, _ arguments: [String]) throws -> (code: Int32, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = arguments
        let err = Pipe()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = err
        p.environment = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, text)
    }

    /// A psql session holding `ingested_file` locked against writes until released.
    struct LockHolder {
        let process: Process
        let input: Pipe
        func release() throws {
            input.fileHandleForWriting.write(Data("COMMIT;\n\\q\n".utf8))
            try input.fileHandleForWriting.close()
            process.waitUntilExit()
        }
    }

    static func lockHolder(_ server: PostgresTestServer, _ db: String) throws -> LockHolder {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        p.arguments = ["-X", "-q", "-h", "127.0.0.1", "-p", String(server.port), "-U", "postgres", "-d", db]
        p.environment = ["PATH": "/usr/bin:/bin", "PGPASSWORD": server.password]
        let input = Pipe()
        p.standardInput = input
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        input.fileHandleForWriting.write(Data("BEGIN;\nLOCK TABLE ingested_file IN SHARE ROW EXCLUSIVE MODE;\n".utf8))
        // Held once the lock shows in pg_locks.
        for _ in 0..<200 {
            if try server.count("SELECT COUNT(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'ingested_file' AND l.mode = 'ShareRowExclusiveLock' AND l.granted", database: db) == 1 { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return LockHolder(process: p, input: input)
    }
}
