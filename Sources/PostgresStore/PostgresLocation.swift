import Foundation

/// Where a PostgreSQL evidence store is: `postgres://user[:password]@host[:port]/database`
/// (or `postgresql://`), with `?sslmode=disable|prefer|require|verify-ca|verify-full` and
/// `sslrootcert=FILE|system`, as libpq reads them. The password comes from the
/// URL, else `PGPASSWORD`, else the password file (`PGPASSFILE`, default `~/.pgpass`), as libpq
/// takes it. What the location prints (`description`) never holds the password.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    /// libpq's sslmode: `prefer` and `require` encrypt without checking the server's
    /// certificate; `verify-ca` checks it chains to the root certificates, `verify-full` also
    /// that it names the host.
    public enum TLSMode: String, Sendable { case disable, prefer, require, verifyCA = "verify-ca", verifyFull = "verify-full" }

    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    public var tls: TLSMode
    /// `sslrootcert`: the CA file the server's certificate must chain to under `verify-ca` and
    /// `verify-full`; nil: the system's roots (`sslrootcert=system`, or none given and no
    /// `~/.postgresql/root.crt`, where libpq looks by default).
    public var rootCertificate: String?
    /// Never printed; `nil` when none was found (trust or peer authentication).
    public var password: String?

    public struct BadLocation: Error, CustomStringConvertible {
        public let description: String
    }

    /// Whether `text` names a PostgreSQL store rather than an SQLite file.
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// - Parameter environment: where `PGPASSWORD`, `PGPASSFILE`, `PGUSER` and `HOME` are read.
    public init(_ text: String, environment: [String: String]) throws(BadLocation) {
        guard Self.isPostgres(text), let url = URLComponents(string: text) else {
            throw BadLocation(description: "\(Self.redacted(text)): expected postgres://USER@HOST:PORT/DATABASE")
        }
        guard let host = url.host, !host.isEmpty else {
            throw BadLocation(description: "\(Self.redacted(text)): no host (expected postgres://USER@HOST:PORT/DATABASE)")
        }
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        port = url.port ?? 5432
        user = url.user ?? environment["PGUSER"] ?? environment["USER"] ?? "postgres"
        let path = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        database = path.isEmpty ? user : path
        tls = .prefer
        rootCertificate = nil
        var rootGiven = false
        for item in url.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                switch item.value ?? "" {
                case "disable", "allow": tls = .disable
                case "prefer": tls = .prefer
                case "require": tls = .require
                case "verify-ca": tls = .verifyCA
                case "verify-full": tls = .verifyFull
                case let other: throw BadLocation(description: "\(Self.redacted(text)): sslmode \"\(other)\" is not one of disable, prefer, require, verify-ca, verify-full")
                }
            case "sslrootcert":
                rootGiven = true
                let value = item.value ?? ""
                guard !value.isEmpty else { throw BadLocation(description: "\(Self.redacted(text)): sslrootcert is empty (a CA file, or system)") }
                rootCertificate = value == "system" ? nil : value
            default:
                throw BadLocation(description: "\(Self.redacted(text)): unknown parameter \"\(item.name)\" (only sslmode and sslrootcert are read)")
            }
        }
        if !rootGiven, tls == .verifyCA || tls == .verifyFull, let home = environment["HOME"],
           FileManager.default.fileExists(atPath: home + "/.postgresql/root.crt") {
            rootCertificate = home + "/.postgresql/root.crt"
        }
        if let given = url.password {
            password = given
        } else if let fromEnvironment = environment["PGPASSWORD"] {
            password = fromEnvironment
        } else {
            let file = environment["PGPASSFILE"] ?? environment["HOME"].map { $0 + "/.pgpass" }
            password = file.flatMap { PasswordFile(path: $0)?.password(host: self.host, port: port, database: database, user: user) }
        }
    }

    /// `postgres://user@host:port/database`: the password is never part of it.
    public var description: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(user)@\(h):\(port)/\(database)"
    }

    /// The text with any password between `user:` and `@` cut out, for messages about a
    /// location that did not parse.
    public static func redacted(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text.range(of: "@", range: scheme.upperBound..<text.endIndex) else { return text }
        let credentials = text[scheme.upperBound..<at.lowerBound]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at.lowerBound...])
    }
}
