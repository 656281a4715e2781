/// Versioned schema changes, applied in order, each once and in its own transaction. Applied
/// ones are recorded in `grdb_migrations`, the table GRDB's migrator kept when the store used
/// GRDB, so databases written then carry on from where they were.
struct SchemaMigrator {
    private var migrations: [(id: String, apply: (SQLiteConnection) throws -> Void)] = []

    mutating func register(_ id: String, _ apply: @escaping (SQLiteConnection) throws -> Void) {
        migrations.append((id, apply))
    }

    /// Applies what is not applied yet, up to and including `target` (all when nil).
    func migrate(_ db: SQLiteConnection, upTo target: String? = nil) throws {
        try db.execute("CREATE TABLE IF NOT EXISTS grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
        var applied: Set<String> = []
        let read = try db.prepare("SELECT identifier FROM grdb_migrations")
        while try read.step() { if let id = read.text(0) { applied.insert(id) } }
        for m in migrations {
            if !applied.contains(m.id) {
                try db.transaction {
                    try m.apply(db)
                    let record = try db.prepare("INSERT INTO grdb_migrations (identifier) VALUES (?)")
                    record.bind(1, m.id)
                    try record.run()
                }
            }
            if m.id == target { return }
        }
    }
}
