import Governance

/// `scan -o csv`: one row per subject × subresource, with the governance fields, written as
/// it goes.
public enum ScanCSV {
    public static let header = ["kind", "namespace", "name", "subresource", "verbs", "nodes", "bindings", "roles",
                                "execCapable", "owner", "purpose", "reviewed", "nextReview", "ticket", "governanceSource"]

    public static func render(_ r: ScanReport) -> String {
        var out = ""
        render(r) { out += $0 }
        return out
    }

    /// The same text handed to `emit` in pieces of about `chunk` bytes, row by row as written.
    public static func render(_ r: ScanReport, chunk: Int = 1 << 20, emit: (String) -> Void) {
        var out = header.joined(separator: ",") + "\r\n"
        for s in r.subjects {
            let g = s.governance
            for sub in KubeletPermissions.subresources {
                guard let a = s.inventory.access[sub] else { continue }
                let bindings = unique(a.via.map(\.binding.name))
                let roles = unique(a.via.map(\.role.name))
                let row = [s.inventory.subject.kind, s.key.namespace, s.inventory.subject.name, sub, a.verbs.joined(separator: " "),
                           a.nodes?.joined(separator: " ") ?? "*", bindings.joined(separator: " "), roles.joined(separator: " "),
                           s.inventory.execCapable ? "true" : "false", g?.owner ?? "", g?.purpose ?? "", g?.reviewed?.description ?? "",
                           g?.nextReview?.description ?? "", g?.ticket ?? "", g?.origin.description ?? ""]
                out += row.map(field).joined(separator: ",") + "\r\n"
                if out.utf8.count >= chunk { emit(out); out = "" }
            }
        }
        if !out.isEmpty { emit(out) }
    }

    static func unique(_ xs: [String]) -> [String] {
        var out: [String] = []
        for x in xs where !out.contains(x) { out.append(x) }
        return out
    }

    /// RFC 4180 quoting; a leading `=`, `+`, `-` or `@` is prefixed with `'` so a spreadsheet
    /// does not run it as a formula.
    static func field(_ s: String) -> String {
        // ASCII without a carriage return (nearly every field) is decided on its bytes, where
        // each byte is a Character: Foundation's `contains` below goes through NSString and
        // cost 40 µs a row of a 30,000-row evidence CSV. The rest takes the general path.
        var quote = false
        for b in s.utf8 {
            guard b < 0x80 && b != 0x0D else { return generalField(s) }
            if b == 0x2C || b == 0x22 || b == 0x0A { quote = true }
        }
        let formula = s.utf8.first.map { $0 == 0x3D || $0 == 0x2B || $0 == 0x2D || $0 == 0x40 } ?? false
        if !quote { return formula ? "'" + s : s }
        var out: [UInt8] = [0x22]
        if formula { out.append(0x27) }
        for b in s.utf8 {
            out.append(b)
            if b == 0x22 { out.append(0x22) }
        }
        out.append(0x22)
        return String(decoding: out, as: UTF8.self)
    }

    /// `field` by Characters, for any text.
    static func generalField(_ s: String) -> String {
        var v = s
        if let first = v.first, "=+-@".contains(first) { v = "'" + v }
        if v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r") {
            return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return v
    }
}

import Foundation
