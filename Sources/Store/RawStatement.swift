import AuditScanning
import VaporCSQLite

/// A prepared statement driven through SQLite's C API. The two loops that move tens of
/// thousands of records bind and read columns one by one, with the shared strings of a
/// `StringInterner`: a per-value wrapper cost more than SQLite's own work.
final class RawStatement {
    let stmt: OpaquePointer
    let sql: String
    /// Kept so the connection outlives its statements.
    let connection: SQLiteConnection

    // SQLite copies the bytes before the call returns (`SQLITE_TRANSIENT`, a macro Swift
    // cannot import).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    nonisolated(unsafe) private static let empty: UnsafePointer<CChar> = {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
        p.initialize(to: 0)
        return UnsafePointer(p)
    }()

    init(_ stmt: OpaquePointer, sql: String, connection: SQLiteConnection) {
        self.stmt = stmt
        self.sql = sql
        self.connection = connection
    }

    deinit { sqlite_nio_sqlite3_finalize(stmt) }

    // MARK: Binding (parameters count from 1)

    func bind(_ i: Int32, _ s: String?) {
        guard let s else { sqlite_nio_sqlite3_bind_null(stmt, i); return }
        // In place where the string's UTF-8 is contiguous (a native string, as every one here):
        // `withUTF8` is mutating, and the copy it needs cost a retain and a release per value.
        if s.utf8.withContiguousStorageIfAvailable({ bind(i, utf8: $0) }) == nil {
            var copy = s
            copy.withUTF8 { bind(i, utf8: $0) }
        }
    }

    /// Text from UTF-8 bytes (a buffer the caller reuses from row to row).
    func bind(_ i: Int32, utf8 bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { bind(i, utf8: $0) }
    }

    func bind(_ i: Int32, utf8 u: UnsafeBufferPointer<UInt8>) {
        u.withMemoryRebound(to: CChar.self) { c in
            // An empty string has no storage; SQLite still wants a pointer for '' (not NULL).
            _ = sqlite_nio_sqlite3_bind_text(stmt, i, c.baseAddress ?? Self.empty, Int32(c.count), Self.transient)
        }
    }

    func bind(_ i: Int32, _ v: Int?) {
        guard let v else { sqlite_nio_sqlite3_bind_null(stmt, i); return }
        sqlite_nio_sqlite3_bind_int64(stmt, i, Int64(v))
    }

    func bind(_ i: Int32, _ v: Double) { sqlite_nio_sqlite3_bind_double(stmt, i, v) }

    /// Runs the bound statement to completion and readies it for the next bindings.
    func run() throws(SQLiteConnection.Failure) {
        let rc = sqlite_nio_sqlite3_step(stmt)
        sqlite_nio_sqlite3_reset(stmt)
        guard rc == SQLITE_DONE else { throw connection.failure(rc, sql) }
    }

    /// Steps to the next row: false at the end.
    func step() throws(SQLiteConnection.Failure) -> Bool {
        let rc = sqlite_nio_sqlite3_step(stmt)
        if rc == SQLITE_ROW { return true }
        sqlite_nio_sqlite3_reset(stmt)
        guard rc == SQLITE_DONE else { throw connection.failure(rc, sql) }
        return false
    }

    // MARK: Columns of the current row (count from 0)

    /// A text column made afresh (values that never repeat, such as auditIDs).
    func text(_ i: Int32) -> String? {
        guard sqlite_nio_sqlite3_column_type(stmt, i) != SQLITE_NULL, let p = sqlite_nio_sqlite3_column_text(stmt, i) else { return nil }
        return String(decoding: UnsafeBufferPointer(start: p, count: Int(sqlite_nio_sqlite3_column_bytes(stmt, i))), as: UTF8.self)
    }

    /// A text column through the interner (values that repeat).
    func text(_ i: Int32, _ interner: StringInterner) -> String? {
        guard sqlite_nio_sqlite3_column_type(stmt, i) != SQLITE_NULL, let p = sqlite_nio_sqlite3_column_text(stmt, i) else { return nil }
        return interner.string(p, Int(sqlite_nio_sqlite3_column_bytes(stmt, i)))
    }

    /// A text column holding a list joined by newlines, split on its bytes (splitting a String
    /// by Character cost more than reading the row).
    func lines(_ i: Int32, _ interner: StringInterner) -> [String] {
        guard sqlite_nio_sqlite3_column_type(stmt, i) != SQLITE_NULL, let p = sqlite_nio_sqlite3_column_text(stmt, i) else { return [] }
        let count = Int(sqlite_nio_sqlite3_column_bytes(stmt, i))
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
        sqlite_nio_sqlite3_column_type(stmt, i) == SQLITE_NULL ? nil : Int(sqlite_nio_sqlite3_column_int64(stmt, i))
    }

    func double(_ i: Int32) -> Double { sqlite_nio_sqlite3_column_double(stmt, i) }
}
