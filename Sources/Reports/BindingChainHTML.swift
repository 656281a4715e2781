import Governance
import RBAC

/// How each exec-capable subject gets its kubelet access, drawn: subject → binding → role →
/// rule → the `nodes/<subresource>` verbs that rule grants, one row per chain, the chains that
/// open an exec path in red. The same chains `scan -o markdown` lists under "How each subject
/// gets its access", in the inventory's order (most powerful subresource first).
enum BindingChainHTML {
    /// Subjects drawn at most; the rest are named, and every chain is in `-o json` and `-o wide`.
    static let subjectLimit = 60
    /// Chains drawn per subject at most (a group bound many times has dozens).
    static let chainLimit = 12

    struct Chain {
        let path: GrantPath
        /// `nodes/<subresource>: verbs` this rule grants the subject: those an exec path goes
        /// through first, then the rest in column order.
        let grants: [String]
        let opensExec: Bool
    }

    static func chains(_ s: ScanSubject) -> [Chain] {
        let execSubresources = Set(s.inventory.paths.filter { $0.endpoint.canExecuteCommands }.map(\.subresource))
        return s.inventory.allGrants.map { p in
            let ruleGrants = KubeletAccessInventory.kubeletGrants(of: p.rule)
            // The subresource an exec path goes through first: a long list is cut in the picture.
            var execGrants: [String] = [], otherGrants: [String] = []
            for sub in KubeletPermissions.columnOrder where s.inventory.access[sub]?.via.contains(p) == true {
                guard let verbs = ruleGrants[sub] else { continue }
                let grant = "nodes/\(sub): \(verbs.joined(separator: ","))"
                if execSubresources.contains(sub) { execGrants.append(grant) } else { otherGrants.append(grant) }
            }
            return Chain(path: p, grants: execGrants + otherGrants, opensExec: !execGrants.isEmpty)
        }
    }

    static func ruleText(_ index: Int, _ rule: PolicyRule) -> String {
        var t = "rule \(index): \(rule.verbs.joined(separator: ",")) on \(rule.resources.joined(separator: ", "))"
        if !rule.resourceNames.isEmpty { t += " (only \(rule.resourceNames.joined(separator: ", ")))" }
        return t
    }

    static func html(_ r: ScanReport) -> String {
        let exec = r.subjects.filter { $0.inventory.execCapable }
        guard !exec.isEmpty else { return "<p>No subject can execute commands in pods.</p>\n" }
        var o = "<p>\(exec.count) subject\(exec.count == 1 ? "" : "s") can execute commands in pods. Each row is one binding → role → rule chain that grants kubelet access; chains that open an exec path are drawn in red.</p>\n"
        for (n, s) in exec.prefix(subjectLimit).enumerated() {
            o += "<div class=\"chain\">\n<h3>\(HTMLText.escape(s.key.description))</h3>\n"
            var about: [String] = []
            if let c = s.covers { about.append(c) }
            if !s.inventory.workloads.isEmpty { about.append("used by " + s.inventory.workloads.joined(separator: ", ")) }
            if s.inventory.serviceAccountExists == false { about.append("the ServiceAccount does not exist") }
            about.append("owner: " + (s.governance?.owner ?? "none (ungoverned)"))
            o += "<p class=\"muted\">\(HTMLText.escape(about.joined(separator: " · ")))</p>\n"
            let all = chains(s)
            o += "<figure>\n" + svg(s, Array(all.prefix(chainLimit)), figure: n + 2) + "</figure>\n"
            if all.count > chainLimit {
                o += "<p class=\"muted\">\(all.count - chainLimit) more chains not drawn: <code>scan -o wide</code> and <code>-o json</code> list them all.</p>\n"
            }
            o += "</div>\n"
        }
        return o + notDrawn(exec.map(\.key.description), limit: subjectLimit, what: "exec-capable subjects are")
    }

    /// The note naming the subjects past `limit` whose pictures are not drawn; empty when all are.
    static func notDrawn(_ subjects: [String], limit: Int, what: String) -> String {
        guard subjects.count > limit else { return "" }
        return "<p class=\"note\">\(subjects.count - limit) more \(what) not drawn (at most \(limit) are): "
            + subjects.dropFirst(limit).map(HTMLText.escape).joined(separator: ", ") + ".</p>\n"
    }

    static let boxW = [176.0, 206.0, 196.0, 236.0, 216.0]
    static let gap = 30.0, rowGap = 10.0, charW = 6.75, lineH = 14.0, maxLines = 5

    /// Characters that fit on one line of a box `w` wide.
    static func chars(_ w: Double) -> Int { Int((w - 16) / charW) }

    /// Words filled into at most `maxLines` lines of `width` characters, the last one cut with
    /// an ellipsis when the text runs on (the box's `<title>` holds it whole).
    static func lines(_ text: String, width: Int) -> [String] {
        lines(words: text.split(separator: " ").map(String.init), width: width)
    }

    /// `words` kept whole where they fit a line (a grant `nodes/proxy: get,create;` is one).
    static func lines(words: [String], width: Int) -> [String] {
        var out: [String] = [], line = ""
        for word in words {
            let candidate = line.isEmpty ? String(word) : line + " " + word
            if candidate.count <= width || line.isEmpty { line = candidate; continue }
            out.append(line)
            line = String(word)
        }
        if !line.isEmpty { out.append(line) }
        if out.count > maxLines { out = Array(out.prefix(maxLines)); out[maxLines - 1] += " …" }
        return out.map { HTMLText.clipped($0, to: width) }
    }

    static func svg(_ s: ScanSubject, _ chains: [Chain], figure: Int) -> String {
        // Each row as tall as its longest box: the rule and the subresources it grants wrap.
        let texts = chains.map { c in
            (rule: lines(ruleText(c.path.ruleIndex, c.path.rule), width: chars(boxW[3])), grants: lines(words: c.grants.enumerated().map { $0.offset < c.grants.count - 1 ? $0.element + ";" : $0.element }, width: chars(boxW[4])))
        }
        let heights = texts.map { max(50, 24 + Double(max($0.rule.count, $0.grants.count)) * lineH) }
        var tops: [Double] = []
        var y = 2.0
        for h in heights { tops.append(y); y += h + rowGap }
        let height = max(y - rowGap + 2, 54)
        var xs: [Double] = []
        var x = 2.0
        for w in boxW { xs.append(x); x += w + gap }
        let width = x - gap + 2
        var o = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"binding-chain\" role=\"img\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" \(AccessMatrixHTML.font) font-size=\"11.5\">\n"
        o += "<title>How \(HTMLText.escape(s.key.description)) gets kubelet access</title>\n"
        let subjectTop = 2.0, subjectH = height - 4
        o += box(x: xs[0], y: subjectTop, w: boxW[0], h: subjectH, kind: s.key.kind, lines: [HTMLText.clipped(AccessMatrixHTML.label(s.key), to: chars(boxW[0]))],
                 full: s.key.description, red: true)
        for (i, c) in chains.enumerated() {
            let y = tops[i], h = heights[i]
            let mid = y + h / 2
            let colour = c.opensExec ? "#b42318" : "#5f6b7a"
            o += arrow(from: (xs[0] + boxW[0], subjectTop + subjectH / 2), to: (xs[1], mid), colour: colour)
            let b = c.path.binding, role = c.path.role
            o += box(x: xs[1], y: y, w: boxW[1], h: h, kind: b.kind.rawValue, lines: [HTMLText.clipped(b.namespace.isEmpty ? b.name : "\(b.namespace)/\(b.name)", to: chars(boxW[1]))],
                     full: "\(b.kind.rawValue) \(b.name)" + (b.source.map { " (\($0))" } ?? ""), red: false, cls: "binding")
            o += arrow(from: (xs[1] + boxW[1], mid), to: (xs[2], mid), colour: colour)
            o += box(x: xs[2], y: y, w: boxW[2], h: h, kind: role.kind.rawValue, lines: [HTMLText.clipped(role.name, to: chars(boxW[2]))],
                     full: "\(role.kind.rawValue) \(role.name)" + (role.source.map { " (\($0))" } ?? ""), red: false, cls: "role")
            o += arrow(from: (xs[2] + boxW[2], mid), to: (xs[3], mid), colour: colour)
            o += box(x: xs[3], y: y, w: boxW[3], h: h, kind: "Rule", lines: texts[i].rule, full: ruleText(c.path.ruleIndex, c.path.rule), red: false, cls: "rule")
            o += arrow(from: (xs[3] + boxW[3], mid), to: (xs[4], mid), colour: colour)
            o += box(x: xs[4], y: y, w: boxW[4], h: h, kind: c.opensExec ? "Kubelet · EXEC" : "Kubelet", lines: texts[i].grants,
                     full: c.grants.joined(separator: "; "), red: c.opensExec, cls: "grant")
        }
        o += "</svg>\n<figcaption>Figure \(figure). \(HTMLText.escape(s.key.description)): subject → binding → role → rule → kubelet subresources.</figcaption>\n"
        return o
    }

    /// A box with a small kind label and its text lines, centred on the box's height.
    static func box(x: Double, y: Double, w: Double, h: Double, kind: String, lines: [String], full: String, red: Bool, cls: String = "subject") -> String {
        let (fill, stroke, ink) = red ? ("#fdecea", "#b42318", "#8a1c1c") : ("#f4f6f9", "#9aa5b4", "#1f2933")
        var o = "<g class=\"\(cls)\"><title>\(HTMLText.escape(full))</title>"
        o += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(w)\" height=\"\(h)\" rx=\"5\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"1.2\"/>"
        let blockTop = y + (h - (12 + Double(lines.count) * lineH)) / 2
        o += "<text x=\"\(x + 8)\" y=\"\(blockTop + 10)\" font-size=\"9.5\" fill=\"#5f6b7a\">\(HTMLText.escape(kind))</text>"
        for (i, line) in lines.enumerated() {
            o += "<text x=\"\(x + 8)\" y=\"\(blockTop + 25 + Double(i) * lineH)\" fill=\"\(ink)\" font-weight=\"bold\">\(HTMLText.escape(line))</text>"
        }
        return o + "</g>\n"
    }

    static func arrow(from a: (Double, Double), to b: (Double, Double), colour: String) -> String {
        let tip = b.0 - 1
        return "<path d=\"M\(a.0) \(a.1) C\(a.0 + 14) \(a.1) \(tip - 18) \(b.1) \(tip - 6) \(b.1)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.4\"/>"
            + "<path d=\"M\(tip - 7) \(b.1 - 4) L\(tip) \(b.1) L\(tip - 7) \(b.1 + 4) Z\" fill=\"\(colour)\"/>\n"
    }
}
