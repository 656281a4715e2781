import Governance

/// What exec leads to, drawn: one picture per escalation path of the AI-workload review,
/// subject → binding → role → `nodes/proxy` → node on the first row, then pod →
/// ServiceAccount → its binding → its role and powers on the second, the steps
/// `AISubjectReview.steps(to:)` names (the markdown writes the same steps as one line). The
/// subject, the exec grant and the powers reached are red. Identities whose pods do not mount
/// their token are named, not drawn: exec there yields nothing.
enum EscalationPathHTML {
    /// Subjects whose paths are drawn at most; the rest are named.
    static let subjectLimit = BindingChainHTML.subjectLimit
    static let boxW = 210.0, gap = 28.0, rowGap = 34.0

    static func html(_ r: AIWorkloadReview, firstFigure: Int) -> String {
        let escalating = r.subjects.filter { !$0.escalations.isEmpty }
        guard !escalating.isEmpty else { return "<p>Exec reaches no identity more powerful than the subject that has it.</p>\n" }
        var o = "<p>Exec on a node gives the caller every ServiceAccount token mounted in the pods running there. "
        o += "Each picture follows one such path to an identity more powerful than the subject; the red boxes are the subject, its exec grant and the powers it gains.</p>\n"
        var figure = firstFigure
        for s in escalating.prefix(subjectLimit) {
            o += "<div class=\"escalation\">\n<h4>\(HTMLText.escape(s.subject.description))</h4>\n"
            o += "<p class=\"muted\">Exec on \(s.execNodes) node\(s.execNodes == 1 ? "" : "s") with pods"
            if let c = s.collector { o += " · recognised as <code>\(HTMLText.escape(c))</code>" }
            o += "</p>\n"
            for e in s.escalations.prefix(AIReviewJSON.escalationsShown) {
                if let steps = s.steps(to: e) {
                    o += "<figure class=\"chain\">\n" + svg(s.subject, e, steps) + "<figcaption>Figure \(figure). \(HTMLText.escape(s.subject.description)) → "
                    o += "\(HTMLText.escape(e.serviceAccount.description)): \(HTMLText.escape(e.powers.map(\.kind.label).joined(separator: ", "))).</figcaption>\n</figure>\n"
                    figure += 1
                    var notes: [String] = []
                    // The picture names the first binding's powers; others come from other bindings.
                    let elsewhere = e.powers.filter { $0.binding != e.powers[0].binding }
                    if !elsewhere.isEmpty { notes.append("Also: " + elsewhere.map(\.description).joined(separator: "; ")) }
                    if e.pods.count > 1 { notes.append("\(e.pods.count) pods hold the token: " + AIReviewMarkdown.more(e.pods.map(\.description), of: e.pods.count)) }
                    if !e.podsWithoutToken.isEmpty {
                        notes.append("Without a mounted token (automountServiceAccountToken: false): " + AIReviewMarkdown.more(e.podsWithoutToken.map(\.description), of: e.podsWithoutToken.count))
                    }
                    if !notes.isEmpty { o += "<ul class=\"notes\">" + notes.map { "<li>\(HTMLText.escape($0))</li>" }.joined() + "</ul>\n" }
                } else {
                    o += "<p class=\"unreachable\">\(HTMLText.escape(e.serviceAccount.description)) (\(HTMLText.escape(e.powers.map(\.kind.label).joined(separator: ", ")))) — not reachable: no pod mounts its token"
                    if !e.podsWithoutToken.isEmpty {
                        o += " (<code>automountServiceAccountToken: false</code>: \(HTMLText.escape(AIReviewMarkdown.more(e.podsWithoutToken.map(\.description), of: e.podsWithoutToken.count))))"
                    }
                    o += ".</p>\n"
                }
            }
            if s.escalationCount > AIReviewJSON.escalationsShown {
                o += "<p class=\"muted\">And \(s.escalationCount - AIReviewJSON.escalationsShown) more identities: <code>scan -o json</code> counts them (<code>escalationCount</code>).</p>\n"
            }
            o += "</div>\n"
        }
        return o + BindingChainHTML.notDrawn(escalating.map(\.subject.description), limit: subjectLimit, what: "subjects with escalation paths are")
    }

    /// The small label over a step's name.
    static func label(_ step: EscalationStep) -> String {
        switch step.kind {
        case .kubeletAccess: return "Kubelet · EXEC"
        case .node: return "Node"
        case .reachedRole: return "ClusterRole · gains"
        default: return step.label
        }
    }

    static func red(_ kind: EscalationStep.Kind) -> Bool { [.subject, .kubeletAccess, .reachedRole].contains(kind) }

    /// The lines a step's box `w` wide holds: its name (a long `namespace/name` broken after
    /// the slash), and for the reached role its powers.
    static func lines(_ step: EscalationStep, w: Double) -> [String] {
        let width = BindingChainHTML.chars(w)
        var name = [HTMLText.clipped(step.name, to: width)]
        if step.name.count > width, let slash = step.name.firstIndex(of: "/") {
            name = [String(step.name[...slash]), String(step.name[step.name.index(after: slash)...])].map { HTMLText.clipped($0, to: width) }
        }
        guard !step.powers.isEmpty else { return name }
        let powers = BindingChainHTML.lines(words: step.powers.enumerated().map { $0.offset < step.powers.count - 1 ? $0.element + ";" : $0.element }, width: width)
        return Array((name.prefix(1) + powers).prefix(BindingChainHTML.maxLines + 1))
    }

    static func svg(_ subject: SubjectKey, _ reached: ReachedIdentity, _ steps: [EscalationStep]) -> String {
        // The first row ends at the node; the second starts at the pod, under the first box.
        let split = (steps.firstIndex { $0.kind == .node } ?? (steps.count / 2)) + 1
        let rows = [Array(steps.prefix(split)), Array(steps.dropFirst(split))]
        let columns = Double(max(rows[0].count, rows[1].count))
        let width = 2 + columns * boxW + (columns - 1) * gap + 2
        // The last box (the powers gained) takes the rest of the second row.
        let widths = rows.indices.map { r in rows[r].indices.map { i in r == 1 && i == rows[r].count - 1 ? width - 2 - Double(i) * (boxW + gap) - 2 : boxW } }
        let texts = rows.indices.map { r in rows[r].indices.map { i in lines(rows[r][i], w: widths[r][i]) } }
        let heights = texts.map { row in max(50, 24 + Double(row.map(\.count).max() ?? 1) * BindingChainHTML.lineH) }
        let tops = [2.0, 2.0 + heights[0] + rowGap]
        let height = tops[1] + heights[1] + 2
        var o = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"escalation-path\" role=\"img\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" \(AccessMatrixHTML.font) font-size=\"11.5\">\n"
        o += "<title>How \(HTMLText.escape(subject.description)) reaches \(HTMLText.escape(reached.serviceAccount.description))</title>\n"
        let colour = "#b42318"
        for (r, row) in rows.enumerated() {
            for (i, step) in row.enumerated() {
                let x = 2 + Double(i) * (boxW + gap), y = tops[r], h = heights[r]
                o += BindingChainHTML.box(x: x, y: y, w: widths[r][i], h: h, kind: label(step), lines: texts[r][i], full: step.text, red: red(step.kind), cls: step.kind.rawValue)
                if i > 0 { o += BindingChainHTML.arrow(from: (x - gap, y + h / 2), to: (x, y + h / 2), colour: colour) }
            }
        }
        // From the node down to the pod on it: an elbow from the bottom of the first row's last
        // box to the top of the second row's first.
        if !rows[1].isEmpty {
            let from = (2 + Double(rows[0].count - 1) * (boxW + gap) + boxW / 2, tops[0] + heights[0])
            let to = (2 + boxW / 2, tops[1] - 1)
            let midY = from.1 + rowGap / 2
            o += "<path d=\"M\(from.0) \(from.1) L\(from.0) \(midY) L\(to.0) \(midY) L\(to.0) \(to.1 - 6)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.4\"/>"
            o += "<path d=\"M\(to.0 - 4) \(to.1 - 7) L\(to.0) \(to.1) L\(to.0 + 4) \(to.1 - 7) Z\" fill=\"\(colour)\"/>\n"
        }
        return o + "</svg>\n"
    }
}
