/// What the history store refuses or cannot do, worded for the person at the command line.
public enum HistoryError: Error, Equatable, CustomStringConvertible {
    /// Stored content that does not read back (a damaged or foreign database).
    case corrupt(String)
    /// The database failed (its file and SQLite's message).
    case storage(String)

    public var description: String {
        switch self {
        case .corrupt(let m): return m
        case .storage(let m): return m
        }
    }
}
