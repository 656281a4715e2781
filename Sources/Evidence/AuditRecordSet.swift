/// Records keyed by request (`AuditRecord.requestKey`): an event logged at two stages
/// (RequestReceived and ResponseComplete, or ResponseStarted and ResponseComplete), or in two
/// overlapping files, counts once, as its richer copy (between equally rich copies, the first
/// by source: file name and line, or stream name and batch).
public struct AuditRecordSet: Sendable {
    /// `AuditRecord.requestKey`'s parts, hashed as they are rather than joined into a new string.
    struct Key: Hashable, Sendable {
        let auditID: String, timestamp: String, node: String, path: AuditRecord.Path, cluster: String
        /// The auditID's hash, computed once: Swift's dictionary compares keys at every probe,
        /// and comparing a stored integer first spares most string comparisons (and hashing the
        /// key is then hashing an integer).
        let idHash: UInt64

        init(_ r: borrowing AuditRecord) {
            auditID = r.auditID; timestamp = r.timestamp; node = r.node; path = r.path; cluster = r.cluster
            idHash = UInt64(bitPattern: Int64(r.auditID.hashValue))
        }

        static func == (a: Key, b: Key) -> Bool {
            a.idHash == b.idHash && a.auditID == b.auditID && a.timestamp == b.timestamp && a.node == b.node && a.path == b.path
                && a.cluster == b.cluster
        }

        func hash(into hasher: inout Hasher) { hasher.combine(idHash) }
    }

    // Records in arrival order, found through their key: growing the table moves small
    // integers, not records of a dozen strings each.
    private var records: [AuditRecord] = []
    /// Each record's `richness`, beside it: reading it through `records[i]` copies the record.
    private var richness: [Int] = []
    private var position: [Key: Int] = [:]
    public private(set) var duplicates = 0

    public init() {}

    public mutating func add(_ r: consuming AuditRecord) {
        let key = Key(r)
        if let i = position[key] {
            duplicates += 1
            // The richer copy wins; between equals, the one earlier in its file order, so the
            // outcome does not depend on which file was read first (files can be read at once).
            let rich = r.richness
            if rich > richness[i] || (rich == richness[i] && r.source.precedes(records[i].source)) {
                richness[i] = rich
                records[i] = consume r
            }
        } else {
            position[key] = records.count
            richness.append(r.richness)
            records.append(consume r)
        }
    }

    public mutating func add<S: Sequence>(contentsOf rs: S) where S.Element == AuditRecord { for r in rs { add(r) } }

    /// Adds a batch the caller gives up: each record is moved in, not copied (a copy retains a
    /// dozen strings, and tens of thousands of records arrive per gigabyte of log). The array
    /// must be held by the caller alone (else see `add(copying:)`).
    public mutating func add(taking rs: consuming [AuditRecord]) {
        reserve(rs.count)
        // In their order: between equally rich copies from the same source (one stream batch)
        // the first stays, as in the database, and records `precedes` cannot tell apart keep
        // their order. Reversed through the buffer, whose swaps move (`Array`'s own copy both
        // records); popLast then hands the records out first to last.
        rs.withUnsafeMutableBufferPointer { $0.reverse() }
        while let r = rs.popLast() { add(consume r) }
    }

    /// Adds a batch someone else holds too (the database's commit of it): each record is copied
    /// in, in order. Taking it (`add(taking:)`) would copy the whole array before moving a record.
    public mutating func add(copying rs: [AuditRecord]) {
        reserve(rs.count)
        for i in rs.indices { add(rs[i]) }
    }

    /// Room for a batch at once, and to spare: growing the table a step at a time hashed every
    /// key again at each step, and so did sizing it for exactly each batch in turn.
    private mutating func reserve(_ more: Int) {
        let needed = position.count + more
        if position.capacity < needed { position.reserveCapacity(max(needed, 2 * position.capacity)) }
        // Geometrically, as `append` grows them: reserving exactly, batch after batch, would move
        // every record at every batch.
        if records.capacity < records.count + more { records.reserveCapacity(max(records.count + more, 2 * records.capacity)) }
        if richness.capacity < richness.count + more { richness.reserveCapacity(max(richness.count + more, 2 * richness.capacity)) }
    }

    /// Drops the records `drop` picks (a stream batch sent again replaces its records); the
    /// index is rebuilt, as positions move.
    public mutating func removeAll(where drop: (borrowing AuditRecord) -> Bool) {
        var keep: [Int] = []
        for i in records.indices where !drop(records[i]) { keep.append(i) }
        guard keep.count < records.count else { return }
        records = keep.map { records[$0] }
        richness = keep.map { richness[$0] }
        position = [:]
        for i in records.indices { position[Key(records[i])] = i }
    }

    /// In time order (then file order), as the kubelet made the checks.
    public var ordered: [AuditRecord] { records.sorted(by: AuditRecord.precedes) }

    /// `ordered`, leaving the set empty: the records are sorted where they are, not copied.
    public mutating func takeOrdered() -> [AuditRecord] {
        var out = records
        records = []
        richness = []
        position = [:]
        duplicates = 0
        Self.sortInPlace(&out)
        return out
    }

    /// Sorts by `AuditRecord.precedes`, moving each record once: the order is worked out on
    /// indices (the records read in place) and then applied by swaps along its cycles. Sorting
    /// the records themselves copied them, a dozen strings each, as the sort shuffled them.
    static func sortInPlace(_ rs: inout [AuditRecord]) {
        var order = Array(rs.indices)
        rs.withUnsafeBufferPointer { b in order.sort { AuditRecord.precedes(b[$0], b[$1]) } }
        // Record `order[i]` goes to place i: follow each cycle from its first place, swapping
        // the next record of the cycle into the place just filled.
        // Swapped through the buffer, which moves; Array's own swapAt copied them.
        rs.withUnsafeMutableBufferPointer { buffer in
            for start in order.indices where order[start] != start {
                var place = start
                while order[place] != start {
                    let from = order[place]
                    buffer.swapAt(place, from)
                    order[place] = place
                    place = from
                }
                order[place] = place
            }
        }
    }

    public var count: Int { records.count }
}
