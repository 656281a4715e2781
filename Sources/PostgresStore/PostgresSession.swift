import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// One connection to the server, used synchronously: the storage protocols are not async, so a
/// call sends its statement on the session's own event loop thread and waits for the answer on
/// the caller's thread. That thread is never one of the session's (NIO forbids waiting on an
/// event loop), and never needs Swift concurrency's pool, so a caller on that pool (an async
/// command) cannot starve it.
final class PostgresSession: @unchecked Sendable {
    let location: PostgresLocation
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private var connection: PostgresConnection?
    private let logger: Logger = {
        var l = Logger(label: "kubelet-authz.postgres")
        l.logLevel = .critical  // PostgresNIO logs at debug and trace; nothing of it reaches stderr
        return l
    }()
    /// The server process serving this session (`pg_backend_pid()`), for fault tests.
    private(set) var backendPID: Int = 0

    init(_ location: PostgresLocation) throws(PostgresStoreError) {
        self.location = location
        try connect()
    }

    deinit {
        try? connection?.close().wait()
        try? group.syncShutdownGracefully()
    }

    /// The client's TLS as libpq's sslmode asks: `prefer` and `require` encrypt without
    /// checking the certificate; `verify-ca` checks its chain against the root certificates,
    /// `verify-full` also its name against the host.
    static func tlsConfiguration(_ location: PostgresLocation) -> TLSConfiguration {
        var ssl = TLSConfiguration.makeClientConfiguration()
        switch location.tls {
        case .disable, .prefer, .require:
            ssl.certificateVerification = .none
        case .verifyCA, .verifyFull:
            ssl.certificateVerification = location.tls == .verifyFull ? .fullVerification : .noHostnameVerification
            if let root = location.rootCertificate { ssl.trustRoots = .file(root) }
        }
        return ssl
    }

    private func connect() throws(PostgresStoreError) {
        let tls: PostgresConnection.Configuration.TLS
        do {
            let ssl = Self.tlsConfiguration(location)
            switch location.tls {
            case .disable: tls = .disable
            case .prefer: tls = .prefer(try NIOSSLContext(configuration: ssl))
            case .require, .verifyCA, .verifyFull: tls = .require(try NIOSSLContext(configuration: ssl))
            }
        } catch {
            throw PostgresStoreError(.cannotConnect, "cannot set up TLS for the evidence database \(location): \(error)")
        }
        var config = PostgresConnection.Configuration(host: location.host, port: location.port, username: location.user,
                                                      password: location.password, database: location.database, tls: tls)
        config.options.connectTimeout = .seconds(10)
        do {
            connection = try PostgresConnection.connect(on: group.next(), configuration: config, id: 1, logger: logger).wait()
            backendPID = try query("SELECT pg_backend_pid()").first?.makeRandomAccess()[0].decode(Int.self) ?? 0
        } catch {
            connection = nil
            throw PostgresStoreError(.cannotConnect, scrubbed(
                "cannot connect to the evidence database \(location) (host \(location.host), port \(location.port), user \(location.user)): \(Self.reason(error))"))
        }
    }

    var isConnected: Bool { connection != nil }

    /// A new connection when the last one broke.
    func reconnect() throws(PostgresStoreError) {
        if let old = connection { connection = nil; try? old.close().wait() }
        try connect()
    }

    /// Runs a statement and returns its rows.
    @discardableResult
    func query(_ sql: String, _ binds: PostgresBindings = PostgresBindings()) throws(PostgresStoreError) -> [PostgresRow] {
        guard let connection else { throw PostgresStoreError(.connectionLost, "the connection to the evidence database \(location) is closed") }
        do {
            return try Self.wait(connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger), or: connection).rows
        } catch {
            throw failure(error)
        }
    }

    /// Runs a statement and hands each row to `onRow` as it arrives (on the session's thread).
    func forEachRow(_ sql: String, _ binds: PostgresBindings, _ onRow: @escaping @Sendable (PostgresRow) throws -> Void) throws(PostgresStoreError) {
        guard let connection else { throw PostgresStoreError(.connectionLost, "the connection to the evidence database \(location) is closed") }
        do {
            _ = try Self.wait(connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger, onRow), or: connection)
        } catch {
            throw failure(error)
        }
    }

    /// The answer, or the connection's end: a statement sent on a connection the server has
    /// just closed (a terminated backend) is otherwise never answered.
    private static func wait<T: Sendable>(_ answer: EventLoopFuture<T>, or connection: PostgresConnection) throws -> T {
        let first = answer.eventLoop.makePromise(of: T.self)
        answer.cascade(to: first)
        connection.closeFuture.whenComplete { _ in first.fail(ConnectionClosed()) }
        return try first.futureResult.wait()
    }

    struct ConnectionClosed: Error, CustomStringConvertible {
        var description: String { "the server closed the connection" }
    }

    /// `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try query("BEGIN")
        let value: T
        do {
            value = try body()
        } catch {
            if connection != nil { _ = try? query("ROLLBACK") }
            throw error
        }
        do {
            try query("COMMIT")
        } catch {
            // Sent, but whether the server committed is not known when the answer was lost.
            var e = error
            e.outcomeUnknown = e.kind == .connectionLost
            throw e
        }
        return value
    }

    /// The error as the store reports it; a broken connection is dropped, to be made again.
    private func failure(_ error: Error) -> PostgresStoreError {
        let lost: Bool
        var retryable = false
        if let e = error as? PSQLError {
            let state = e.serverInfo?[.sqlState] ?? ""
            switch e.code {
            case .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown: lost = true
            default: lost = state.hasPrefix("08") || state.hasPrefix("57P")  // connection exception, operator intervention
            }
            retryable = state == "40001" || state == "40P01"  // serialization failure, deadlock
        } else {
            lost = error is ChannelError || error is IOError || error is ConnectionClosed
        }
        if lost {
            connection = nil
            return PostgresStoreError(.connectionLost, scrubbed("lost the connection to the evidence database \(location): \(Self.reason(error))"))
        }
        return PostgresStoreError(.statement(retryable: retryable), scrubbed("the evidence database \(location): \(Self.reason(error))"))
    }

    /// The server's message (and its SQLSTATE), or the underlying network error. PSQLError's
    /// own description says nothing on purpose; the query text is left out here too.
    static func reason(_ error: Error) -> String {
        guard let e = error as? PSQLError else { return "\(error)" }
        if let info = e.serverInfo, let message = info[.message] {
            return message + (info[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
        }
        if let underlying = e.underlying { return "\(underlying)" }
        return "\(e.code)"
    }

    /// Belt and braces: no message leaves with the password in it.
    private func scrubbed(_ message: String) -> String {
        guard let password = location.password, !password.isEmpty else { return message }
        return message.replacingOccurrences(of: password, with: "***")
    }
}
