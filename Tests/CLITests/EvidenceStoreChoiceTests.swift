import CLITestSupport
import Foundation
import TestSupport
import Testing

/// `evidence` reports the input it was given: without a store it writes nothing; with one
/// (`--store`, `--db`, or `$KUBELET_AUTHZ_STORE`) it persists, resumes, and says what else
/// the database holds. A file with no audit event is an error, not "nobody used anything".
@Suite("Evidence: which store, and which input")
struct EvidenceStoreChoiceTests {
    static let log = Fixtures.url("audit-kube-apiserver-1.36.jsonl").path

    @Test("without a store nothing is written, in HOME or elsewhere")
    func memoryByDefault() async throws {
        let home = Fixtures.temporaryDirectory()
        let r = await kubeletAuthz(["evidence", Self.log, "-o", "json"], environment: ["HOME": home.path, "XDG_DATA_HOME": ""])
        #expect(r.code == 0, "\(r.err)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: home.path).isEmpty)
        #expect(!r.err.contains("Evidence database"))
    }

    @Test("--store, --db and $KUBELET_AUTHZ_STORE persist; a second input is reported beside the first", arguments: ["--store", "--db", "env"])
    func persists(_ how: String) async throws {
        let dir = Fixtures.temporaryDirectory()
        let db = dir.appendingPathComponent("evidence.sqlite").path
        let other = dir.appendingPathComponent("other.jsonl").path
        try FileManager.default.copyItem(atPath: Self.log, toPath: other)
        let flag = how == "env" ? [] : [how, db]
        let env = how == "env" ? ["KUBELET_AUTHZ_STORE": db] : [:]
        let first = await kubeletAuthz(["evidence", Self.log] + flag, environment: env)
        #expect(first.code == 0, "\(first.err)")
        #expect(first.err.contains("Evidence database \(db): 1 input; the report covers the given logs only"))
        let second = await kubeletAuthz(["evidence", other] + flag, environment: env)
        #expect(second.code == 0, "\(second.err)")
        #expect(second.err.contains("Evidence database \(db): 2 inputs; the report also covers 1 earlier: \(Self.log)"), "\(second.err)")
        #expect(FileManager.default.fileExists(atPath: db))
        // --no-db wins over the environment, and conflicts with the flag.
        let memory = await kubeletAuthz(["evidence", Self.log, "--no-db"], environment: ["KUBELET_AUTHZ_STORE": db])
        #expect(!memory.err.contains("Evidence database"))
        #expect(await kubeletAuthz(["evidence", Self.log, "--store", db, "--no-db"]).code == 2)
    }

    /// The store keeps a file under its canonical path; a log named another way (relative,
    /// `./`, `..`) is still the one just given, not an "earlier" input.
    @Test("a fresh store and a log named with .. : the report covers the given log only")
    func givenNamedAnotherWay() async throws {
        let dir = Fixtures.temporaryDirectory()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.log, toPath: dir.appendingPathComponent("audit.jsonl").path)
        let db = dir.appendingPathComponent("evidence.sqlite").path
        let r = await kubeletAuthz(["evidence", dir.path + "/sub/../audit.jsonl", "--store", db])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.err.contains("Evidence database \(db): 1 input; the report covers the given logs only"), "\(r.err)")
    }

    @Test("a file in which no line is an audit event is exit 2 unless --allow-empty")
    func notAnAuditLog() async throws {
        let nginx = try Fixtures.temporaryFile("access-\(UUID().uuidString).log",
                                               "10.0.0.1 - - [07/Dec/2026:00:00:00 +0000] \"GET / HTTP/1.1\" 200 612\n10.0.0.2 - - [07/Dec/2026:00:00:01 +0000] \"GET /x HTTP/1.1\" 404 0\n")
        let r = await kubeletAuthz(["evidence", nginx])
        #expect(r.code == 2)
        #expect(r.err.contains("\(nginx): no audit event in 2 lines (2 malformed)"), "\(r.err)")
        #expect(await kubeletAuthz(["evidence", nginx, "--allow-empty"]).code == 0)
        // scan --audit too, with scan's --allow-empty.
        let scan = await kubeletAuthz(["scan", "-f", exampleDir, "--audit", nginx])
        #expect(scan.code == 2)
        #expect(await kubeletAuthz(["scan", "-f", exampleDir, "--audit", nginx, "--allow-empty"]).code == 0)
    }

    /// JSON is not enough: objects of another kind or version, and an EventList of a made-up
    /// version, are no audit events either.
    @Test("a file of JSON objects that are not audit events is exit 2, naming the file", arguments: [
        "{\"a\":1}\n{\"a\":2}\n",
        "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"p\"}}\n{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"q\"}}\n",
        "{\"kind\":\"EventList\",\"apiVersion\":\"bogus/v99\",\"items\":[]}\n{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"items\":\"x\"}\n",
    ])
    func jsonButNotAudit(_ content: String) async throws {
        let file = try Fixtures.temporaryFile("objects-\(UUID().uuidString).jsonl", content)
        let r = await kubeletAuthz(["evidence", file])
        #expect(r.code == 2)
        #expect(r.err.contains("\(file): no audit event in 2 lines (2 malformed)"), "\(r.err)")
        #expect(await kubeletAuthz(["evidence", file, "--allow-empty"]).code == 0)
    }
}

extension EvidenceStoreChoiceTests {
    @Test("a database that cannot be used is named, with SQLite's reason and none of our SQL")
    func badDatabase() async throws {
        let garbage = try Fixtures.temporaryFile("garbage-\(UUID().uuidString).sqlite", String(repeating: "not a database. ", count: 20))
        for store in [garbage, Fixtures.temporaryDirectory().path] {
            let r = await kubeletAuthz(["evidence", Self.log, "--store", store])
            #expect(r.code == 2)
            #expect(r.err.contains("cannot open the evidence database \(store): SQLite error"), "\(r.err)")
            for keyword in ["CREATE", "SELECT", "INSERT", "PRAGMA"] { #expect(!r.err.contains(keyword), "\(r.err)") }
        }
    }
}
