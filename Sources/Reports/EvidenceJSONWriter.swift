import Evidence
import KubeJSON

/// `evidence -o json` written straight to bytes: the same bytes as
/// `JSONWriter.pretty(EvidenceOutput.json(…))`, without building a `JSONValue` per usage row (a
/// daemonset fleet has tens of thousands; building, writing and freeing the tree took longer than
/// aggregating the rows). `EvidenceJSONWriterTests` hold the two to the same bytes.
public enum EvidenceJSONWriter {
    /// Hands the document to `emit` in pieces of about `chunk` bytes, as `JSONWriter.pretty` does.
    /// The usage rows are written on `workers` threads, `rowsPerPiece` rows a run, a few runs
    /// per thread at a time (so memory holds a few pieces, not the document), and emitted in
    /// order (`OrderedChunkEncoder`).
    public static func write(_ r: EvidenceReport, files: [String], chunk: Int = 1 << 20, rowsPerPiece: Int = 1024,
                             workers: Int = JSONWriter.itemWorkers, emit: ([UInt8]) -> Void) {
        // Everything but the usage rows is small: written by `JSONWriter` and indented one level.
        var head = r
        head.usage = []
        guard case .object(let members) = EvidenceOutput.json(head, files: files) else { return }
        var out: [UInt8] = []
        out.reserveCapacity(chunk + (1 << 12))
        out.append(UInt8(ascii: "{"))
        for (i, (key, value)) in members.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out += "\n    ".utf8
            JSONWriter.writeString(key, into: &out)
            out += ": ".utf8
            if key == "usage" && !r.usage.isEmpty {
                out.append(UInt8(ascii: "["))
                // Rows read in place: a copy of each would retain its seven strings and three collections.
                r.usage.withUnsafeBufferPointer { usage in
                    // Every row is written before its run is handed over, and `run` returns
                    // after the last one: the rows outlive every use.
                    nonisolated(unsafe) let rows = usage
                    OrderedChunkEncoder.run(count: rows.count, itemsPerChunk: max(1, rowsPerPiece), workers: workers, encode: { range, bytes in
                        bytes.reserveCapacity(range.count * 640)
                        for k in range {
                            if k > 0 { bytes.append(UInt8(ascii: ",")) }
                            row(rows, k, into: &bytes)
                        }
                    }, emit: { piece in
                        out += piece
                        if out.count >= chunk {
                            emit(out)
                            out.removeAll(keepingCapacity: true)
                        }
                    })
                }
                out += "\n    ]".utf8
            } else {
                // Strings in the output hold no raw newline (they are escaped), so every newline
                // starts a line, to be indented one level deeper.
                for b in JSONWriter.pretty(value).utf8 {
                    out.append(b)
                    if b == 0x0A { out += "    ".utf8 }
                }
            }
        }
        out += "\n}".utf8
        emit(out)
    }

    /// One usage row, as an item of the top-level `usage` array (members eight spaces deeper
    /// than the document's).
    /// The row is read in place (`rows[k].field`): passing `rows[k]` on, or reading one of its
    /// computed properties, copies it, retaining its seven strings and three collections.
    static func row(_ rows: UnsafeBufferPointer<UsageRow>, _ k: Int, into out: inout [UInt8]) {
        func member(_ key: String) {
            out += "\n            \"".utf8
            out += key.utf8  // keys are ASCII letters: nothing to escape
            out += "\": ".utf8
        }
        func string(_ key: String, _ value: String) {
            member(key)
            JSONWriter.writeString(value, into: &out)
            out.append(UInt8(ascii: ","))
        }
        func integer(_ key: String, _ value: Int) {
            member(key)
            out += String(value).utf8
            out.append(UInt8(ascii: ","))
        }
        out += "\n        {".utf8
        member("subject")
        out += "{\n                \"kind\": ".utf8
        JSONWriter.writeString(rows[k].key.subjectKind, into: &out)
        out += ",\n                \"name\": ".utf8
        JSONWriter.writeString(rows[k].key.subjectName, into: &out)
        out += ",\n                \"namespace\": ".utf8
        JSONWriter.writeString(rows[k].key.subjectNamespace, into: &out)
        out += "\n            },".utf8
        string("accessPath", rows[k].key.path.rawValue)
        string("node", rows[k].key.node)
        string("subresource", rows[k].key.subresource)
        string("verb", rows[k].key.verb)
        integer("allowed", rows[k].allowed)
        integer("denied", rows[k].denied)
        integer("unknown", rows[k].unknown)
        string("firstSeen", AuditTimestamp.text(rows[k].firstSeen))
        string("lastSeen", AuditTimestamp.text(rows[k].lastSeen))
        member("onlyViaFallback")
        out += (UsageRow.isOnlyViaFallback(allowed: rows[k].allowed, fallbackFor: rows[k].fallbackFor) ? "true," : "false,").utf8
        member("fallbackFor")
        if rows[k].fallbackFor.isEmpty {
            out += "{}".utf8
        } else {
            out.append(UInt8(ascii: "{"))
            for (i, key) in rows[k].fallbackFor.keys.sorted().enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                out += "\n                ".utf8
                JSONWriter.writeString(key, into: &out)
                out += ": ".utf8
                out += String(rows[k].fallbackFor[key]!).utf8
            }
            out += "\n            }".utf8
        }
        out.append(UInt8(ascii: ","))
        member("deniedButPassedViaProxy")
        out += String(rows[k].deniedButPassedViaProxy).utf8
        if rows[k].key.path == .apiserverProxy {
            out.append(UInt8(ascii: ","))
            member("kubeletPaths")
            let paths = rows[k].kubeletPaths.sorted()
            if paths.isEmpty {
                out += "[]".utf8
            } else {
                out.append(UInt8(ascii: "["))
                for (i, p) in paths.enumerated() {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    out += "\n                ".utf8
                    JSONWriter.writeString(p, into: &out)
                }
                out += "\n            ]".utf8
            }
        }
        out += "\n        }".utf8
    }
}
