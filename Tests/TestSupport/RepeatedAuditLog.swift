import Foundation

/// The real sample audit log (`audit-kube-apiserver-1.36.jsonl`) repeated with fresh auditIDs:
/// many records from one small fixture, for tests that need several commits' worth.
public enum RepeatedAuditLog {
    public static let sample = Fixtures.data("audit-kube-apiserver-1.36.jsonl")

    /// `copies` copies; lines for which `truncate` holds (numbered from 1) are cut short, and so
    /// malformed. Returns the text and its number of lines.
    public static func text(copies: Int, truncate: (Int) -> Bool) -> (String, Int) {
        var text = ""
        var n = 0
        for copy in 0..<copies {
            for line in String(decoding: sample, as: UTF8.self).split(separator: "\n") {
                n += 1
                var l = String(line)
                if let r = l.range(of: "\"auditID\":\"") { l.replaceSubrange(r.upperBound..<l.index(r.upperBound, offsetBy: 8), with: String(format: "%08x", copy)) }
                text += (truncate(n) ? String(l.prefix(90)) : l) + "\n"
            }
        }
        return (text, n)
    }

    /// 40 copies with callers' groups as a database cannot keep them as they are (a group
    /// holding a newline or "\r\n", a single empty group), and a malformed line every 97.
    public static func withOddGroups() -> String {
        let (text, _) = Self.text(copies: 40) { $0 % 97 == 0 }
        let groups = #""groups":["system:serviceaccounts","system:serviceaccounts:oracle","system:authenticated"]"#
        var out = ""
        for (n, line) in text.split(separator: "\n").enumerated() {
            switch n % 5 {
            case 1: out += line.replacingOccurrences(of: groups, with: #""groups":["a\nb\r","","c\r\nd"]"#)
            case 2: out += line.replacingOccurrences(of: groups, with: #""groups":[""]"#)
            default: out += line
            }
            out += "\n"
        }
        return out
    }
}
