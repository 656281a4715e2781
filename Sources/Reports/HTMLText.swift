/// Text from the input (subject, binding and role names, messages, owners) made safe to put in
/// HTML and inline SVG, as element content and as quoted attribute values alike. Names come
/// from cluster objects and register files anyone can write, so nothing reaches the page
/// without passing here.
public enum HTMLText {
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n": out.unicodeScalars.append(c)
            // Control characters are parse errors in HTML (NUL becomes U+FFFD anyway): show
            // them as the replacement character rather than leave the parser to guess.
            case "\u{0}"..."\u{1F}", "\u{7F}"..."\u{9F}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// At most `limit` characters, an ellipsis marking the cut: SVG text cannot wrap, so long
    /// names are cut to their box and shown whole in the element's `<title>`.
    static func clipped(_ s: String, to limit: Int) -> String {
        s.count <= limit ? s : String(s.prefix(max(1, limit - 1))) + "…"
    }

    /// Thousands separated, as the summary counts are read.
    public static func count(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }
}
