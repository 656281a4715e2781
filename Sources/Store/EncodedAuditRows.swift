import Evidence

/// A batch's `audit_record` rows as the insert binds them, encoded into one byte buffer on the
/// ingest's thread. The commit thread then binds from bytes (SQLite need not copy them) without
/// touching the records, which the copy in memory owns alone: while the commit read the records
/// themselves, both held the batch's array and the copy's first change copied all of it.
///
/// Per row, `columns` values in the insert's order, each a tag byte and its payload: null;
/// text (a native-endian `Int32` length and the UTF-8); integer (`Int64`); real (`Double`).
struct EncodedAuditRows: Sendable {
    static let columns: Int32 = 25

    enum Tag: UInt8 { case null, text, integer, real }

    private(set) var bytes: [UInt8] = []
    private(set) var count = 0

    init() {}

    init(_ records: borrowing [AuditRecord]) {
        self = records.withUnsafeBufferPointer { Self(buffer: $0) }
    }

    /// Two passes over the records, read in place through the buffer (`records[i].field`
    /// retained each string it passed on): the size of every row, then the rows written into a
    /// buffer of exactly that size (appending field by field cost more than the commit saved).
    private init(buffer records: UnsafeBufferPointer<AuditRecord>) {
        var size = 0
        for i in records.indices { size += Self.size(records, i) }
        count = records.count
        bytes = [UInt8](unsafeUninitializedCapacity: size) { out, initialized in
            var writer = Writer(base: UnsafeMutableRawPointer(out.baseAddress!))
            for i in records.indices { writer.row(records, i) }
            precondition(writer.at == size, "an encoded row's size was miscounted")
            initialized = size
        }
    }

    private static func text(_ s: borrowing String) -> Int { 5 + s.utf8.count }
    private static func text(_ s: String?) -> Int { s.map { 5 + $0.utf8.count } ?? 1 }

    /// What `Writer.row` writes for record `i`, in bytes.
    private static func size(_ rs: UnsafeBufferPointer<AuditRecord>, _ i: Int) -> Int {
        var n = 5 + rs[i].timestamp.utf8.count + rs[i].auditID.utf8.count + rs[i].node.utf8.count + rs[i].path.rawValue.utf8.count + 3
        if !rs[i].cluster.isEmpty { n += 1 + rs[i].cluster.utf8.count }
        n += text(rs[i].auditID) + text(rs[i].path.rawValue) + 9 + text(rs[i].timestamp) + text(rs[i].level) + text(rs[i].stage)
        n += text(rs[i].user)
        n += 5 + max(0, rs[i].groups.count - 1)
        for g in rs[i].groups { n += g.utf8.count }
        n += text(rs[i].uid) + text(rs[i].podName) + text(rs[i].credentialID) + text(rs[i].node)
        n += text(rs[i].verb) + text(rs[i].subresource) + text(rs[i].kubeletPath)
        n += text(rs[i].decision.rawValue) + text(rs[i].reason) + (rs[i].code == nil ? 1 : 9)
        n += text(rs[i].source.name) + 9 + 9 + text(rs[i].cluster)
        switch rs[i].source {
        case .file: n += 9 + 1
        case .stream(_, let id): n += 1 + text(id)
        }
        return n
    }

    private struct Writer {
        let base: UnsafeMutableRawPointer
        var at = 0

        /// The insert's parameters 1…25 for record `i`.
        mutating func row(_ rs: UnsafeBufferPointer<AuditRecord>, _ i: Int) {
            // The request key (`AuditRecord.makeRequestKey`), written in place.
            let lengthAt = begin(.text)
            bytes(rs[i].timestamp); byte(0x1F); bytes(rs[i].auditID); byte(0x1F); bytes(rs[i].node); byte(0x1F)
            bytes(rs[i].path.rawValue)
            if !rs[i].cluster.isEmpty { byte(0x1F); bytes(rs[i].cluster) }
            end(lengthAt)
            text(rs[i].auditID); text(rs[i].path.rawValue)
            real(rs[i].time); text(rs[i].timestamp); text(rs[i].level); text(rs[i].stage)
            text(rs[i].user)
            // Groups joined by newlines, as `RawStatement.lines` splits them.
            let groupsAt = begin(.text)
            for (k, group) in rs[i].groups.enumerated() {
                if k > 0 { byte(0x0A) }
                bytes(group)
            }
            end(groupsAt)
            text(rs[i].uid)
            text(rs[i].podName); text(rs[i].credentialID); text(rs[i].node)
            text(rs[i].verb); text(rs[i].subresource); text(rs[i].kubeletPath)
            text(rs[i].decision.rawValue); text(rs[i].reason); integer(rs[i].code)
            text(rs[i].source.name); integer(rs[i].source.line)
            integer(AuditRecord.richnessOf(hasUser: rs[i].user != nil, decision: rs[i].decision, stage: rs[i].stage))
            text(rs[i].cluster)
            switch rs[i].source {
            case .file(_, _, let offset): integer(offset); text(nil)
            case .stream(_, let id): integer(nil); text(id)
            }
        }

        mutating func byte(_ b: UInt8) {
            base.storeBytes(of: b, toByteOffset: at, as: UInt8.self)
            at += 1
        }

        mutating func bytes(_ s: borrowing String) {
            let n = s.utf8.count
            let copied: Void? = s.utf8.withContiguousStorageIfAvailable { u in
                if n > 0 { (base + at).copyMemory(from: u.baseAddress!, byteCount: n) }
            }
            if copied == nil {
                var k = at
                for b in s.utf8 { base.storeBytes(of: b, toByteOffset: k, as: UInt8.self); k += 1 }
            }
            at += n
        }

        /// A text value's tag and room for its length, filled in by `end`.
        mutating func begin(_ tag: Tag) -> Int {
            byte(tag.rawValue)
            at += 4
            return at - 4
        }

        mutating func end(_ lengthAt: Int) {
            base.storeBytes(of: Int32(at - lengthAt - 4), toByteOffset: lengthAt, as: Int32.self)
        }

        mutating func text(_ s: borrowing String) {
            let lengthAt = begin(.text)
            bytes(s)
            end(lengthAt)
        }

        mutating func text(_ s: String?) {
            guard let s else { byte(Tag.null.rawValue); return }
            text(s)
        }

        mutating func integer(_ v: Int?) {
            guard let v else { byte(Tag.null.rawValue); return }
            byte(Tag.integer.rawValue)
            base.storeBytes(of: Int64(v), toByteOffset: at, as: Int64.self)
            at += 8
        }

        mutating func real(_ v: Double) {
            byte(Tag.real.rawValue)
            base.storeBytes(of: v, toByteOffset: at, as: Double.self)
            at += 8
        }
    }

    /// Binds each row's values to `statement` (parameters 1…`columns`) and runs it, row by row.
    /// The text is bound in place: the buffer outlives each run.
    func insert(with statement: RawStatement) throws {
        try bytes.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) throws in
            guard let base = buffer.baseAddress else { return }
            var at = 0
            for _ in 0..<count {
                for column in 1...Self.columns {
                    let tag = buffer[at]
                    at += 1
                    switch Tag(rawValue: tag) {
                    case .text:
                        let length = Int(base.loadUnaligned(fromByteOffset: at, as: Int32.self))
                        statement.bindStatic(column, text: base + at + 4, length: length)
                        at += 4 + length
                    case .integer:
                        statement.bind(column, Int(base.loadUnaligned(fromByteOffset: at, as: Int64.self)))
                        at += 8
                    case .real:
                        statement.bind(column, base.loadUnaligned(fromByteOffset: at, as: Double.self))
                        at += 8
                    case .null, nil:
                        statement.bind(column, nil as Int?)
                    }
                }
                try statement.run()
            }
        }
    }
}
