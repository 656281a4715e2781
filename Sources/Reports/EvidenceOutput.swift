import Evidence
import KubeJSON

/// `evidence -o table|json|csv`.
public enum EvidenceOutput {
    static func subject(_ k: UsageRow.Key) -> JSONValue {
        .object([("kind", .string(k.subjectKind)), ("name", .string(k.subjectName)), ("namespace", .string(k.subjectNamespace))])
    }

    public static func json(_ r: EvidenceReport, files: [String]) -> JSONValue {
        .object([
            ("events", .object([
                ("read", .integer(r.counts.events)), ("lines", .integer(r.counts.lines)), ("bytes", .integer(r.counts.bytes)),
                ("kubeletReviews", .integer(r.counts.kubeletReviews)), ("nodeProxy", .integer(r.counts.nodeProxy)),
                ("malformed", .integer(r.counts.malformed)),
                ("uniqueKubeletReviews", .integer(r.uniqueKubeletReviews)), ("uniqueNodeProxy", .integer(r.uniqueNodeProxy)),
            ])),
            ("window", r.window.map { w in .object([("first", .string(AuditTimestamp.text(w.first))), ("last", .string(AuditTimestamp.text(w.last)))]) } ?? .null),
            ("since", r.since.map { .string(AuditTimestamp.text($0)) } ?? .null),
            ("usage", .array(r.usage.map { u in
                .object([
                    ("subject", subject(u.key)),
                    ("accessPath", .string(u.key.path.rawValue)),
                    ("node", .string(u.key.node)),
                    ("subresource", .string(u.key.subresource)),
                    ("verb", .string(u.key.verb)),
                    ("allowed", .integer(u.allowed)),
                    ("denied", .integer(u.denied)),
                    ("unknown", .integer(u.unknown)),
                    ("firstSeen", .string(AuditTimestamp.text(u.firstSeen))),
                    ("lastSeen", .string(AuditTimestamp.text(u.lastSeen))),
                    ("onlyViaFallback", .bool(u.onlyViaFallback)),
                    ("fallbackFor", .object(u.fallbackFor.keys.sorted().map { ($0, .integer(u.fallbackFor[$0]!)) })),
                    ("deniedButPassedViaProxy", .integer(u.deniedButPassedViaProxy)),
                    ("kubeletPaths", u.key.path == .apiserverProxy ? .strings(u.kubeletPaths.sorted()) : nil),
                ])
            })),
            ("blindSpots", .array(r.blindSpots.map { b in
                .object([("kind", .string(b.kind.rawValue)), ("message", .string(b.message)), ("count", b.count.map(JSONValue.integer)),
                         ("node", b.node.map(JSONValue.string)), ("location", b.location.map(JSONValue.string))])
            })),
            ("malformed", .array(r.malformed.prefix(100).map { m in
                .object([("file", .string(m.file)), ("line", .integer(m.line)), ("reason", .string(m.reason))])
            })),
            ("files", .strings(files)),
        ])
    }

    /// `evidence -o table` as one string (`EvidenceTableWriter` writes the same bytes as it goes).
    public static func table(_ r: EvidenceReport) -> String {
        var out = tableHead(r)
        var t = Table(headers: tableHeaders)
        r.usage.withUnsafeBufferPointer { rows in
            for k in rows.indices { t.rows.append(tableCells(rows, k)) }
        }
        out += r.usage.isEmpty ? "No kubelet access found in the audit log.\n" : t.render()
        out += tableTail(r)
        return out
    }

    static let tableHeaders = ["KIND", "NAMESPACE", "NAME", "PATH", "NODE", "SUBRESOURCE", "VERB", "ALLOWED", "DENIED", "UNKNOWN", "LAST SEEN", "NOTE"]

    /// What the table says before its rows: what was read, and when.
    static func tableHead(_ r: EvidenceReport) -> String {
        var out = "Read \(r.counts.events) events (\(r.counts.lines) lines, \(r.counts.bytes / 1_000_000) MB): \(r.counts.kubeletReviews) kubelet SubjectAccessReview events (\(r.uniqueKubeletReviews) reviews), \(r.counts.nodeProxy) API-server node-proxy events (\(r.uniqueNodeProxy) requests), \(r.counts.malformed) malformed lines.\n"
        if let w = r.window { out += "Evidence window: \(AuditTimestamp.text(w.first)) – \(AuditTimestamp.text(w.last))\n" }
        out += "\n"
        return out
    }

    /// Row `k`'s cells, the row read in place (passing `rows[k]` on copies it, retaining its
    /// seven strings and three collections).
    static func tableCells(_ rows: UnsafeBufferPointer<UsageRow>, _ k: Int) -> [String] {
        var note: [String] = []
        if !rows[k].fallbackFor.isEmpty {
            let only = UsageRow.isOnlyViaFallback(allowed: rows[k].allowed, fallbackFor: rows[k].fallbackFor)
            note.append((only ? "only via fallback for " : "fallback for ") + rows[k].fallbackFor.keys.sorted().joined(separator: ","))
        }
        if rows[k].key.path == .apiserverProxy && !rows[k].kubeletPaths.isEmpty { note.append(rows[k].kubeletPaths.sorted().prefix(3).joined(separator: " ")) }
        return [rows[k].key.subjectKind, rows[k].key.subjectNamespace.isEmpty ? "-" : rows[k].key.subjectNamespace, rows[k].key.subjectName,
                rows[k].key.path == .kubelet ? "kubelet" : "apiserver", rows[k].key.node, rows[k].key.subresource,
                rows[k].key.verb.isEmpty ? "\"\"" : rows[k].key.verb,
                String(rows[k].allowed), String(rows[k].denied), String(rows[k].unknown), AuditTimestamp.text(rows[k].lastSeen),
                note.joined(separator: "; ")]
    }

    /// What the table says after its rows: blind spots and malformed lines.
    static func tableTail(_ r: EvidenceReport) -> String {
        var out = "\nBLIND SPOTS\n"
        for b in r.blindSpots { out += "- \(b.message)\(b.location.map { " [\($0)]" } ?? "")\n" }
        if !r.malformed.isEmpty {
            out += "\nMALFORMED LINES (\(r.counts.malformed))\n"
            for m in r.malformed.prefix(10) { out += "- \(m.file):\(m.line): \(m.reason)\n" }
            if r.counts.malformed > 10 { out += "- …\n" }
        }
        return out
    }

    public static func csv(_ r: EvidenceReport) -> String {
        var out = "kind,namespace,name,accessPath,node,subresource,verb,allowed,denied,unknown,firstSeen,lastSeen,onlyViaFallback\r\n"
        for u in r.usage {
            out += [u.key.subjectKind, u.key.subjectNamespace, u.key.subjectName, u.key.path.rawValue, u.key.node, u.key.subresource,
                    u.key.verb, String(u.allowed), String(u.denied), String(u.unknown), AuditTimestamp.text(u.firstSeen),
                    AuditTimestamp.text(u.lastSeen), u.onlyViaFallback ? "true" : "false"].map(ScanCSV.field).joined(separator: ",") + "\r\n"
        }
        return out
    }
}
