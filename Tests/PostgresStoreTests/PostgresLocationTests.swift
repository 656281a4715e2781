import Foundation
@testable import PostgresStore
import TestSupport
import Testing

/// Where the store is and whose password opens it: the URL, else PGPASSWORD, else the password
/// file, as libpq reads them (libpq's own documentation, "The Password File"); the password
/// never in what is printed.
@Suite("PostgreSQL store location")
struct PostgresLocationTests {
    @Test("the URL's parts, and its printed form without the password")
    func parts() throws {
        let l = try PostgresLocation("postgres://alice:s3cr%40t@db.example:6543/evidence?sslmode=require", environment: [:])
        #expect(l.host == "db.example")
        #expect(l.port == 6543)
        #expect(l.user == "alice")
        #expect(l.database == "evidence")
        #expect(l.tls == .require)
        #expect(l.password == "s3cr@t")
        #expect(l.description == "postgres://alice@db.example:6543/evidence")
        #expect(!"\(l)".contains("s3cr"))
        let d = try PostgresLocation("postgresql://bob@10.0.0.1", environment: [:])
        #expect(d.port == 5432 && d.database == "bob" && d.tls == .prefer && d.password == nil)
    }

    @Test("malformed URLs name the problem, not the password")
    func malformed() {
        for text in ["postgres://alice:hunter2@/db", "postgres://alice:hunter2@h/db?sslmode=sometimes", "postgres://alice:hunter2@h/db?x=1"] {
            let error = #expect(throws: PostgresLocation.BadLocation.self) { _ = try PostgresLocation(text, environment: [:]) }
            #expect(error?.description.contains("hunter2") == false)
            #expect(error?.description.contains("alice:***@") == true, "\(String(describing: error))")
        }
    }

    @Test("PGPASSWORD when the URL has none; the URL's wins")
    func environmentPassword() throws {
        #expect(try PostgresLocation("postgres://u@h/d", environment: ["PGPASSWORD": "fromenv"]).password == "fromenv")
        #expect(try PostgresLocation("postgres://u:fromurl@h/d", environment: ["PGPASSWORD": "fromenv"]).password == "fromurl")
    }

    @Test("the password file: first matching line, * and escapes; ignored when others can read it")
    func passwordFile() throws {
        let home = Fixtures.temporaryDirectory()
        let file = home.appendingPathComponent(".pgpass")
        try Data("""
            # comment
            other:5432:*:u:wrong
            h:5432:d:u:pa\\:ss
            *:*:*:u:fallback
            """.utf8).write(to: file)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        #expect(try PostgresLocation("postgres://u@h/d", environment: ["HOME": home.path]).password == "pa:ss")
        #expect(try PostgresLocation("postgres://u@h:5433/d", environment: ["HOME": home.path]).password == "fallback")
        #expect(try PostgresLocation("postgres://v@h/d", environment: ["HOME": home.path]).password == nil)
        #expect(try PostgresLocation("postgres://u@h/d", environment: ["HOME": "/nonexistent", "PGPASSFILE": file.path]).password == "pa:ss")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
        #expect(try PostgresLocation("postgres://u@h/d", environment: ["HOME": home.path]).password == nil)
    }
}
