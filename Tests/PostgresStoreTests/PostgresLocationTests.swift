import Foundation
import NIOSSL
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

    /// libpq's sslmode: only verify-ca and verify-full check the server's certificate, against
    /// sslrootcert (a file, or `system` for the system's roots), else ~/.postgresql/root.crt.
    @Test("verify-ca and verify-full check the server's certificate; require and prefer do not")
    func certificateVerification() throws {
        let home = Fixtures.temporaryDirectory()
        func config(_ query: String, home: String = "/nonexistent") throws -> (PostgresLocation, NIOSSLVerificationSummary) {
            let l = try PostgresLocation("postgres://u@db.example/d?" + query, environment: ["HOME": home])
            return (l, NIOSSLVerificationSummary(PostgresSession.tlsConfiguration(l)))
        }
        #expect(try config("sslmode=require").1 == .init(verification: "none", root: nil))
        #expect(try config("sslmode=prefer").1 == .init(verification: "none", root: nil))
        #expect(try config("sslmode=verify-ca&sslrootcert=/etc/pg/ca.crt").1 == .init(verification: "noHostnameVerification", root: "/etc/pg/ca.crt"))
        #expect(try config("sslmode=verify-full&sslrootcert=/etc/pg/ca.crt").1 == .init(verification: "fullVerification", root: "/etc/pg/ca.crt"))
        #expect(try config("sslmode=verify-full&sslrootcert=system").1 == .init(verification: "fullVerification", root: nil))
        #expect(try config("sslmode=verify-full").1 == .init(verification: "fullVerification", root: nil))
        try FileManager.default.createDirectory(at: home.appendingPathComponent(".postgresql"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: home.appendingPathComponent(".postgresql/root.crt"))
        #expect(try config("sslmode=verify-full", home: home.path).1.root == home.path + "/.postgresql/root.crt")
        #expect(try config("sslmode=require", home: home.path).1.root == nil)
        #expect(throws: PostgresLocation.BadLocation.self) { _ = try PostgresLocation("postgres://u@h/d?sslmode=verify-full&sslrootcert=", environment: [:]) }
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

/// What a TLS configuration checks, comparable in a test.
struct NIOSSLVerificationSummary: Equatable {
    var verification: String
    var root: String?

    init(verification: String, root: String?) {
        self.verification = verification
        self.root = root
    }

    init(_ c: TLSConfiguration) {
        verification = switch c.certificateVerification {
        case .none: "none"
        case .noHostnameVerification: "noHostnameVerification"
        case .fullVerification: "fullVerification"
        }
        if case .file(let path)? = c.trustRoots { root = path } else { root = nil }
    }
}
