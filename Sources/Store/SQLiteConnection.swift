import Foundation
import VaporCSQLite

/// One connection to an SQLite database through SQLite's C API — the SQLite that vapor/sqlite-nio
/// bundles (its symbols carry a `sqlite_nio_` prefix), so no system library is needed. Not
/// thread-safe by itself: `EvidenceStore` uses it from one thread at a time.
final class SQLiteConnection {
    let path: String
    let handle: OpaquePointer

    /// A failed SQLite call: the database file, the result code and SQLite's message. The
    /// statement is kept for debugging but not printed: a user needs the file ("disk full",
    /// "database is locked"), not our SQL.
    struct Failure: Error, CustomStringConvertible {
        let path: String
        let code: Int32
        let message: String
        let sql: String?

        var description: String { "\(path): SQLite error \(code): \(message)" }
    }

    init(path: String) throws(Failure) {
        self.path = path
        var db: OpaquePointer?
        let rc = sqlite_nio_sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite_nio_sqlite3_close_v2(db)
            throw Failure(path: path, code: rc, message: message, sql: nil)
        }
        handle = db
        // Another process writing the same file: wait for it rather than fail at once.
        sqlite_nio_sqlite3_busy_timeout(db, Self.busyTimeout)
    }

    deinit { sqlite_nio_sqlite3_close_v2(handle) }

    /// How long a call waits for another connection's lock before failing with SQLITE_BUSY.
    static let busyTimeout: Int32 = 10_000

    /// Asks for write-ahead logging; returns whether the file is in it. A file in the middle of
    /// another connection's first load (a rollback journal, `EvidenceStore.beginFirstLoad`)
    /// refuses while that connection's transaction lasts, at once: SQLite does not wait for a
    /// lock when the asking connection already reads, as this pragma does. So it is asked again
    /// between that load's commits, until the busy timeout; then the file is left as it is (the
    /// load puts it back when it ends, and a later open asks again).
    func askForWAL() throws(Failure) -> Bool {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(Self.busyTimeout) * 1_000_000
        while true {
            do {
                let q = try prepare("PRAGMA journal_mode = WAL")
                return try q.step() && q.text(0) == "wal"
            } catch {
                guard error.code & 0xFF == SQLITE_BUSY else { throw error }
                guard DispatchTime.now().uptimeNanoseconds < deadline else { return false }
                usleep(5_000)
            }
        }
    }

    /// `body` without waiting for other connections' locks: busy is then an answer, not a wait.
    func withoutWaiting<T>(_ body: () throws -> T) rethrows -> T {
        sqlite_nio_sqlite3_busy_timeout(handle, 0)
        defer { sqlite_nio_sqlite3_busy_timeout(handle, Self.busyTimeout) }
        return try body()
    }

    /// Runs statements that take no parameters (schema changes, pragmas); rows are dropped.
    func execute(_ sql: String) throws(Failure) {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite_nio_sqlite3_exec(handle, sql, nil, nil, &error)
        guard rc == SQLITE_OK else {
            let message = error.map { String(cString: $0) } ?? String(cString: sqlite_nio_sqlite3_errmsg(handle))
            sqlite_nio_sqlite3_free(error)
            throw Failure(path: path, code: rc, message: message, sql: sql)
        }
    }

    func prepare(_ sql: String) throws(Failure) -> RawStatement {
        var stmt: OpaquePointer?
        let rc = sqlite_nio_sqlite3_prepare_v2(handle, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw failure(rc, sql) }
        return RawStatement(stmt, sql: sql, connection: self)
    }

    /// `body` in one transaction: committed if it returns, rolled back if it throws. Taken for
    /// writing from the start (`IMMEDIATE`), so a concurrent writer waits here, not half-way.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    func failure(_ rc: Int32, _ sql: String?) -> Failure {
        Failure(path: path, code: rc, message: String(cString: sqlite_nio_sqlite3_errmsg(handle)), sql: sql)
    }
}
