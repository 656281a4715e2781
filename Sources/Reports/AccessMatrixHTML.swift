import Governance

/// The report's subject × subresource matrix with the exec column: a picture (inline SVG) of
/// who holds which verbs on which `nodes/<subresource>`, one row per subject in the report's
/// order, with the same cells as `scan -o wide` (`get,create`, `get@1n` = pinned to one node).
///
/// Past `svgSubjectLimit` subjects the picture would be metres tall and megabytes large, so the
/// matrix becomes an HTML table whose cells are coloured by class and whose exec marks share
/// one SVG symbol: the same facts, in a few hundred bytes a row.
enum AccessMatrixHTML {
    static let svgSubjectLimit = 200

    enum Cell: String {
        case none, read, write
    }

    /// `get` alone reads; any other verb (create, update, patch, delete, `*`) writes — and on
    /// `nodes/proxy` a GET is already exec, which the exec column says.
    static func kind(_ a: SubresourceAccess?) -> Cell {
        guard let a, !a.verbs.isEmpty else { return .none }
        return a.verbs.allSatisfy { $0 == "get" } ? .read : .write
    }

    static func label(_ k: SubjectKey) -> String { k.namespace.isEmpty ? k.name : "\(k.namespace)/\(k.name)" }

    static func kindBadge(_ kind: String) -> String {
        switch kind {
        case "ServiceAccount": return "SA"
        case "Group": return "Group"
        case "User": return "User"
        default: return String(kind.prefix(5))
        }
    }

    static func tooltip(_ s: ScanSubject, _ sub: String) -> String {
        guard let a = s.inventory.access[sub] else { return "\(s.key): nothing on nodes/\(sub)" }
        let scope = a.nodes.map { "nodes " + $0.joined(separator: ", ") } ?? "every node"
        return "\(s.key): \(a.verbs.joined(separator: ", ")) on nodes/\(sub), \(scope)"
    }

    static func html(_ r: ScanReport) -> String {
        let columns = KubeletPermissions.columns(for: r.profile, wide: true)
        if r.subjects.isEmpty { return "<p>No subject holds kubelet access.</p>\n" }
        var o = legend()
        if r.subjects.count <= svgSubjectLimit {
            o += "<figure class=\"matrix\">\n" + svg(r, columns: columns)
            o += "<figcaption>Figure 1. Verbs each subject holds on each <code>nodes/&lt;subresource&gt;</code> the kubelets of Kubernetes \(HTMLText.escape(r.profile.version.description)) check; EXEC: can run commands in containers.</figcaption>\n</figure>\n"
        } else {
            o += "<p class=\"note\">\(HTMLText.count(r.subjects.count)) subjects: more than \(svgSubjectLimit), so the matrix is a table rather than a picture.</p>\n"
            o += table(r, columns: columns)
        }
        return o
    }

    static func legend() -> String {
        """
        <div class="legend"><span><i class="swatch" style="background:#fde9c9;border-color:#c98a1b"></i>get (read)</span>\
        <span><i class="swatch" style="background:#f9d0cb;border-color:#b42318"></i>create, update, patch, delete or * (write)</span>\
        <span><i class="swatch" style="background:#ffffff;border-color:#5f6b7a;border-style:dashed"></i>pinned to some nodes (@Nn)</span>\
        <span><i class="swatch" style="background:#b42318;border-color:#b42318"></i>EXEC: can run commands in pods</span></div>

        """
    }

    static let font = "font-family=\"DejaVu Sans Mono, Liberation Mono, Menlo, monospace\""

    static func svg(_ r: ScanReport, columns: [String]) -> String {
        let rowH = 24.0, headH = 44.0, colW = 84.0, execW = 70.0, charW = 7.3
        let nameChars = min(48, max(12, r.subjects.map { label($0.key).count }.max() ?? 12))
        let labelW = 56 + Double(nameChars) * charW + 14
        let width = labelW + Double(columns.count) * colW + execW + 2
        let height = headH + Double(r.subjects.count) * rowH + 2
        var o = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"access-matrix\" role=\"img\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" \(font) font-size=\"12\">\n"
        o += "<title>Kubelet access matrix: \(r.subjects.count) subjects × \(columns.count) subresources</title>\n"
        // Header: the subresources, then EXEC.
        o += "<rect x=\"0\" y=\"0\" width=\"\(Int(width))\" height=\"\(Int(headH))\" fill=\"#f4f6f9\"/>\n"
        o += "<text x=\"8\" y=\"\(Int(headH) - 10)\" font-weight=\"bold\" fill=\"#1f2933\">SUBJECT</text>\n"
        for (i, c) in columns.enumerated() {
            let x = labelW + Double(i) * colW + colW / 2
            o += "<text x=\"\(x)\" y=\"\(Int(headH) - 24)\" text-anchor=\"middle\" font-size=\"10\" fill=\"#5f6b7a\">nodes/</text>"
            o += "<text x=\"\(x)\" y=\"\(Int(headH) - 10)\" text-anchor=\"middle\" font-weight=\"bold\" fill=\"#1f2933\">\(HTMLText.escape(c))</text>\n"
        }
        let execX = labelW + Double(columns.count) * colW
        o += "<text x=\"\(execX + execW / 2)\" y=\"\(Int(headH) - 10)\" text-anchor=\"middle\" font-weight=\"bold\" fill=\"#8a1c1c\">EXEC</text>\n"
        o += "<line x1=\"0\" y1=\"\(headH)\" x2=\"\(width)\" y2=\"\(headH)\" stroke=\"#1d3557\" stroke-width=\"1.5\"/>\n"
        for (row, s) in r.subjects.enumerated() {
            let y = headH + Double(row) * rowH
            let exec = s.inventory.execCapable
            o += "<g class=\"row\">"
            if row % 2 == 1 { o += "<rect x=\"0\" y=\"\(y)\" width=\"\(width)\" height=\"\(rowH)\" fill=\"#f8f9fb\"/>" }
            // Kind badge, then the name (cut to the column, whole in the tooltip).
            o += "<rect x=\"6\" y=\"\(y + 5)\" width=\"44\" height=\"14\" rx=\"3\" fill=\"#eef0f3\" stroke=\"#c3cad4\"/>"
            o += "<text x=\"28\" y=\"\(y + 15.5)\" text-anchor=\"middle\" font-size=\"9.5\" fill=\"#374151\">\(HTMLText.escape(kindBadge(s.key.kind)))</text>"
            o += "<text class=\"subject\" x=\"58\" y=\"\(y + 16.5)\" fill=\"\(exec ? "#8a1c1c" : "#1f2933")\"\(exec ? " font-weight=\"bold\"" : "")>"
            o += "<title>\(HTMLText.escape(s.key.description))</title>\(HTMLText.escape(HTMLText.clipped(label(s.key), to: nameChars)))</text>\n"
            for (i, c) in columns.enumerated() {
                let a = s.inventory.access[c]
                let x = labelW + Double(i) * colW
                let cx = x + colW / 2
                switch kind(a) {
                case .none:
                    o += "<circle cx=\"\(cx)\" cy=\"\(y + rowH / 2)\" r=\"1.8\" fill=\"#c3cad4\"/>"
                case let k:
                    let (fill, stroke) = k == .read ? ("#fde9c9", "#c98a1b") : ("#f9d0cb", "#b42318")
                    let dash = a?.nodes != nil ? " stroke-dasharray=\"3 2\"" : ""
                    o += "<g><title>\(HTMLText.escape(tooltip(s, c)))</title>"
                    o += "<rect x=\"\(x + 4)\" y=\"\(y + 3)\" width=\"\(colW - 8)\" height=\"\(rowH - 6)\" rx=\"3\" fill=\"\(fill)\" stroke=\"\(stroke)\"\(dash)/>"
                    o += "<text x=\"\(cx)\" y=\"\(y + 16)\" text-anchor=\"middle\" font-size=\"11\" fill=\"#1f2933\">\(HTMLText.escape(HTMLText.clipped(ScanText.cell(a), to: 10)))</text></g>"
                }
            }
            if exec {
                o += "<rect class=\"exec-badge\" x=\"\(execX + 8)\" y=\"\(y + 3)\" width=\"\(execW - 16)\" height=\"\(rowH - 6)\" rx=\"3\" fill=\"#b42318\"/>"
                o += "<text class=\"exec\" x=\"\(execX + execW / 2)\" y=\"\(y + 16)\" text-anchor=\"middle\" font-size=\"11\" font-weight=\"bold\" fill=\"#ffffff\">EXEC</text>"
            } else {
                o += "<text x=\"\(execX + execW / 2)\" y=\"\(y + 16)\" text-anchor=\"middle\" font-size=\"11\" fill=\"#8a94a3\">no</text>"
            }
            o += "</g>\n"
        }
        o += "<line x1=\"0\" y1=\"\(height - 1)\" x2=\"\(width)\" y2=\"\(height - 1)\" stroke=\"#d5dbe3\"/>\n"
        o += "</svg>\n"
        return o
    }

    /// The large-cluster form: a row per subject, cells coloured by class.
    static func table(_ r: ScanReport, columns: [String]) -> String {
        var o = "<svg width=\"0\" height=\"0\" style=\"position:absolute\" aria-hidden=\"true\"><defs><symbol id=\"glyph-exec\" viewBox=\"0 0 12 12\"><rect x=\"0\" y=\"0\" width=\"12\" height=\"12\" rx=\"2\" fill=\"#b42318\"/><path d=\"M3 4l3 2-3 2M7 9h3\" stroke=\"#ffffff\" stroke-width=\"1.4\" fill=\"none\"/></symbol></defs></svg>\n"
        o += "<table class=\"matrix access-matrix\"><thead><tr><th>Kind</th><th>Subject</th>"
        o += columns.map { "<th><span class=\"muted\">nodes/</span>\(HTMLText.escape($0))</th>" }.joined() + "<th>Exec</th></tr></thead>\n<tbody>\n"
        for s in r.subjects {
            o += "<tr><td>\(HTMLText.escape(s.key.kind))</td><td class=\"subject mono\">\(HTMLText.escape(label(s.key)))</td>"
            for c in columns {
                let a = s.inventory.access[c]
                switch kind(a) {
                case .none: o += "<td class=\"muted\">·</td>"
                case let k:
                    let style = k == .read ? "background:#fde9c9" : "background:#f9d0cb"
                    o += "<td class=\"mono\" style=\"\(style)\" title=\"\(HTMLText.escape(tooltip(s, c)))\">\(HTMLText.escape(ScanText.cell(a)))</td>"
                }
            }
            o += s.inventory.execCapable
                ? "<td class=\"exec\"><svg width=\"12\" height=\"12\"><use href=\"#glyph-exec\"/></svg> <b>EXEC</b></td></tr>\n"
                : "<td class=\"muted\">no</td></tr>\n"
        }
        return o + "</tbody></table>\n"
    }
}
