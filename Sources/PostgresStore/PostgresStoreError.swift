/// What went wrong with a PostgreSQL evidence store, naming the store by its location (user,
/// host, port, database), never by its password.
public struct PostgresStoreError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// The server could not be reached, or refused the user.
        case cannotConnect
        /// The database's schema is newer than this binary knows.
        case schemaTooNew
        /// The connection broke (server stopped, backend terminated, network gone).
        case connectionLost
        /// A statement failed; `retryable` for deadlocks and serialization failures.
        case statement(retryable: Bool)
    }

    public let kind: Kind
    public let description: String
    /// A COMMIT was sent and its answer lost: the transaction may or may not have been applied.
    public var outcomeUnknown = false

    init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }

    /// Whether running the whole transaction again (on a new connection if it broke) can succeed.
    var isRetryable: Bool {
        switch kind {
        case .connectionLost, .statement(retryable: true): true
        default: false
        }
    }
}
