import AuditScanning
import GRDB
import GRDBSQLite

/// A GRDB statement driven through SQLite's C API, for the two loops that move tens of
/// thousands of records: binding and reading columns one by one skips GRDB's per-value
/// boxing (and its name lookups), which cost more than SQLite's own work. GRDB still owns
/// the connection, the transaction and the statement's life.
struct RawStatement {
    let statement: Statement
    let db: Database
    var stmt: OpaquePointer { statement.sqliteStatement }

    // SQLite copies the bytes before the call returns (`SQLITE_TRANSIENT`, a macro Swift
    // cannot import).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    nonisolated(unsafe) private static let empty: UnsafePointer<CChar> = {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
        p.initialize(to: 0)
        return UnsafePointer(p)
    }()

    init(_ statement: Statement, in db: Database) {
        self.statement = statement
        self.db = db
    }

    // MARK: Binding (parameters count from 1)

    func bind(_ i: Int32, _ s: String?) {
        guard var s else { sqlite3_bind_null(stmt, i); return }
        s.withUTF8 { u in
            u.withMemoryRebound(to: CChar.self) { c in
                // An empty string has no storage; SQLite still wants a pointer for '' (not NULL).
                _ = sqlite3_bind_text(stmt, i, c.baseAddress ?? Self.empty, Int32(c.count), Self.transient)
            }
        }
    }

    func bind(_ i: Int32, _ v: Int?) {
        guard let v else { sqlite3_bind_null(stmt, i); return }
        sqlite3_bind_int64(stmt, i, Int64(v))
    }

    func bind(_ i: Int32, _ v: Double) { sqlite3_bind_double(stmt, i, v) }

    /// Runs the bound statement to completion and readies it for the next bindings.
    func run() throws {
        let rc = sqlite3_step(stmt)
        sqlite3_reset(stmt)
        guard rc == SQLITE_DONE else { throw error(rc) }
    }

    /// Steps to the next row: false at the end.
    func step() throws -> Bool {
        let rc = sqlite3_step(stmt)
        if rc == SQLITE_ROW { return true }
        sqlite3_reset(stmt)
        guard rc == SQLITE_DONE else { throw error(rc) }
        return false
    }

    private func error(_ rc: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: statement.sql)
    }

    // MARK: Columns of the current row (count from 0)

    /// A text column made afresh (values that never repeat, such as auditIDs).
    func text(_ i: Int32) -> String? {
        guard sqlite3_column_type(stmt, i) != SQLITE_NULL, let p = sqlite3_column_text(stmt, i) else { return nil }
        return String(decoding: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(stmt, i))), as: UTF8.self)
    }

    /// A text column through the interner (values that repeat).
    func text(_ i: Int32, _ interner: StringInterner) -> String? {
        guard sqlite3_column_type(stmt, i) != SQLITE_NULL, let p = sqlite3_column_text(stmt, i) else { return nil }
        return interner.string(p, Int(sqlite3_column_bytes(stmt, i)))
    }

    /// A text column holding a list joined by newlines, split on its bytes (splitting a String
    /// by Character cost more than reading the row).
    func lines(_ i: Int32, _ interner: StringInterner) -> [String] {
        guard sqlite3_column_type(stmt, i) != SQLITE_NULL, let p = sqlite3_column_text(stmt, i) else { return [] }
        let count = Int(sqlite3_column_bytes(stmt, i))
        guard count > 0 else { return [] }
        var out: [String] = []
        var start = 0
        for k in 0...count where k == count || p[k] == 0x0A {
            out.append(interner.string(p + start, k - start))
            start = k + 1
        }
        return out
    }

    func int(_ i: Int32) -> Int? {
        sqlite3_column_type(stmt, i) == SQLITE_NULL ? nil : Int(sqlite3_column_int64(stmt, i))
    }

    func double(_ i: Int32) -> Double { sqlite3_column_double(stmt, i) }
}
