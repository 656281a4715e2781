import CLITestSupport
import Cluster
import Foundation
import Governance
import KubeletAuthzApp
import Reports
import TestSupport
import Testing

/// `scan -o html`: every expectation is read from the ScanReport the page renders, so the
/// tests hold whatever the demo cluster grows into.
@Suite("HTML report")
struct ScanHTMLTests {
    static let generatedAt = Date(timeIntervalSince1970: 1_795_000_000)

    static func demoWithEvidence() throws -> ScanReport {
        var report = try StreamedReportTests.demo()
        let loaded = try EvidenceLoading(logs: [Fixtures.repositoryRoot.appendingPathComponent("examples/audit").path], store: .memory).load()
        let evidence = ScanEvidence(report: loaded.report, unusedDays: 30)
        report.evidence = evidence
        return report
    }

    /// The demo's report (without its audit log) and its page.
    static func demoPage() throws -> (ScanReport, String) {
        let report = try StreamedReportTests.demo()
        return (report, ScanHTML.render(report, live: nil, generatedAt: generatedAt))
    }

    /// The text between the first `<svg … class="NAME"` and its `</svg>`.
    static func svg(_ html: String, class name: String) -> String? {
        guard let start = html.range(of: "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"\(name)\"") else { return nil }
        guard let end = html.range(of: "</svg>", range: start.upperBound..<html.endIndex) else { return nil }
        return String(html[start.lowerBound..<end.upperBound])
    }

    static func section(_ html: String, id: String) -> String? {
        guard let start = html.range(of: "<section id=\"\(id)\">") else { return nil }
        guard let end = html.range(of: "</section>", range: start.upperBound..<html.endIndex) else { return nil }
        return String(html[start.upperBound..<end.lowerBound])
    }

    @Test("the matrix has a row per subject, in the report's order, and EXEC exactly on the exec-capable ones")
    func matrix() throws {
        let (report, html) = try Self.demoPage()
        let matrix = try #require(Self.svg(html, class: "access-matrix"))
        let rows = matrix.components(separatedBy: "<g class=\"row\">").dropFirst()
        #expect(rows.count == report.subjects.count)
        #expect(report.subjects.contains { $0.inventory.execCapable } && report.subjects.contains { !$0.inventory.execCapable })
        for (row, s) in zip(rows, report.subjects) {
            let label = s.key.namespace.isEmpty ? s.key.name : "\(s.key.namespace)/\(s.key.name)"
            #expect(row.contains("<title>\(HTMLText.escape(s.key.description))</title>\(HTMLText.escape(label))</text>"), "\(s.key)")
            #expect(row.contains(">EXEC</text>") == s.inventory.execCapable, "\(s.key)")
            // One filled cell per subresource the subject holds, among the release's columns.
            let columns = KubeletPermissions.columns(for: report.profile, wide: true)
            #expect(row.components(separatedBy: "<g><title>").count - 1 == columns.filter { s.inventory.access[$0] != nil }.count, "\(s.key)")
        }
    }

    @Test("each exec-capable subject's chains name its bindings, roles and rules; no other subject gets one")
    func chains() throws {
        let (report, html) = try Self.demoPage()
        let drawn = try #require(Self.section(html, id: "chains")).components(separatedBy: "<div class=\"chain\">").dropFirst()
        let exec = report.subjects.filter { $0.inventory.execCapable }
        #expect(drawn.count == exec.count)
        for (chain, s) in zip(drawn, exec) {
            #expect(chain.hasPrefix("\n<h3>\(HTMLText.escape(s.key.description))</h3>"))
            for p in s.inventory.allGrants {
                #expect(chain.contains("<title>\(HTMLText.escape("\(p.binding.kind.rawValue) \(p.binding.name)"))"), "\(s.key): \(p.binding.name)")
                #expect(chain.contains("<title>\(HTMLText.escape("\(p.role.kind.rawValue) \(p.role.name)"))"), "\(s.key): \(p.role.name)")
                #expect(chain.contains("rule \(p.ruleIndex): \(HTMLText.escape(p.rule.verbs.joined(separator: ",")))"), "\(s.key): rule \(p.ruleIndex)")
            }
            // The chain that opens exec is drawn red, on the subresource the exec path goes through.
            let execSubresources = Set(s.inventory.paths.filter { $0.endpoint.canExecuteCommands }.map(\.subresource))
            #expect(!execSubresources.isEmpty)
            #expect(chain.contains("Kubelet · EXEC"), "\(s.key)")
            for sub in execSubresources { #expect(chain.contains("nodes/\(sub):"), "\(s.key): nodes/\(sub)") }
        }
    }

    @Test("every finding is in the table, most severe first, with its message and fix")
    func findings() throws {
        let (report, html) = try Self.demoPage()
        let table = try #require(Self.section(html, id: "findings"))
        let rows = table.components(separatedBy: "<tr class=\"finding\">").dropFirst()
        #expect(rows.count == report.findings.count && !rows.isEmpty)
        let ordered = Severity.allCases.reversed().flatMap { s in report.findings.filter { $0.severity == s } }
        for (row, f) in zip(rows, ordered) {
            #expect(row.contains("sev-\(f.severity)\">\(f.severity)</span>"))
            #expect(row.contains(HTMLText.escape(f.message)), "\(f.rule.id)")
            #expect(row.contains("Fix: \(HTMLText.escape(f.rule.fix))"), "\(f.rule.id)")
        }
    }

    @Test("overdue reviews come first in the register status, with their owners")
    func register() throws {
        let (report, html) = try Self.demoPage()
        let table = try #require(Self.section(html, id: "register"))
        let overdue = report.subjects.filter { s in s.governance?.nextReview.map { $0 < report.now } ?? false }
        #expect(!overdue.isEmpty, "the demo register has overdue reviews")
        let rows = table.components(separatedBy: "<tr class=\"").dropFirst()
        #expect(rows.count == report.subjects.count)
        for (row, s) in zip(rows, overdue) {
            #expect(row.hasPrefix("status-overdue\"><td class=\"status status-overdue\">Review overdue</td><td>\(HTMLText.escape(s.key.description))</td>"))
            #expect(row.contains(HTMLText.escape(s.governance?.owner ?? "—")))
            #expect(row.contains(s.governance!.nextReview!.description))
        }
        #expect(rows.filter { $0.hasPrefix("status-overdue") }.count == overdue.count)
        #expect(table.contains("<b>\(overdue.count) review\(overdue.count == 1 ? "" : "s") overdue</b>"))
        let ungoverned = rows.filter { $0.hasPrefix("status-ungoverned") }.count
        #expect(ungoverned == report.ungovernedCount)
    }

    @Test("the scan's audit evidence and a server's decisions fill the same section")
    func evidence() throws {
        let report = try Self.demoWithEvidence()
        let evidence = try #require(report.evidence)
        #expect(!evidence.usage.isEmpty)
        let html = ScanHTML.render(report, live: nil, generatedAt: Self.generatedAt)
        let section = try #require(Self.section(html, id: "evidence"))
        let live = DashboardLiveEvidence(evidence: evidence)
        #expect(live.decisions.count == evidence.usage.count)
        let allowed = evidence.usage.reduce(0) { $0 + $1.allowed }, denied = evidence.usage.reduce(0) { $0 + $1.denied }
        #expect(section.contains("\(HTMLText.count(allowed)) allowed, <b>\(HTMLText.count(denied)) denied</b>"))
        let passed = evidence.usage.reduce(0) { $0 + $1.deniedButPassedViaProxy }
        #expect(passed > 0, "the demo's collectors are denied nodes/pods and pass through nodes/proxy")
        #expect(section.contains("(\(HTMLText.count(passed)) of them then passed through the <code>nodes/proxy</code> fallback)"))
        let deniedSubjects = Set(evidence.usage.filter { $0.denied > 0 }.map { SubjectKey(kind: $0.key.subjectKind, name: $0.key.subjectName, namespace: $0.key.subjectNamespace) })
        #expect(!deniedSubjects.isEmpty)
        let denials = try #require(section.components(separatedBy: "<h3>Recent decisions</h3>").first)
        for s in deniedSubjects { #expect(denials.contains("<tr><td>\(HTMLText.escape(s.description))</td>"), "\(s)") }
        for b in evidence.blindSpots { #expect(section.contains(HTMLText.escape(b.message)), "\(b.message)") }

        // A server's value replaces the scan's evidence, through the same code.
        let served = DashboardLiveEvidence(source: "the authorization webhook (observe mode)", decisions: [
            .init(subject: SubjectKey(kind: "User", name: "mallory<script>"), node: "node-\"1\"&", subresource: "proxy", verb: "create",
                  allowed: 0, denied: 7, firstSeen: 1_795_000_000, lastSeen: 1_795_000_060),
        ])
        let page = ScanHTML.render(report, live: served, generatedAt: Self.generatedAt)
        let liveSection = try #require(Self.section(page, id: "evidence"))
        #expect(liveSection.contains("From the authorization webhook (observe mode)"))
        #expect(liveSection.contains("<tr><td>User mallory&lt;script&gt;</td><td class=\"mono\">node-&quot;1&quot;&amp;</td><td class=\"mono\">nodes/proxy create</td><td class=\"num\">7</td>"))
        #expect(!page.contains("mallory<script>"))
        // A dashboard reloads itself without script; a report does not.
        #expect(ScanHTML.render(report, live: served, generatedAt: Self.generatedAt, refreshSeconds: 15).contains("<meta http-equiv=\"refresh\" content=\"15\">"))
        #expect(!page.contains("http-equiv=\"refresh\""))
        // Without evidence of either kind there is no section.
        #expect(Self.section(ScanHTML.render(try StreamedReportTests.demo(), live: nil, generatedAt: Self.generatedAt), id: "evidence") == nil)
    }

    static let hostile = ["<script>alert(1)</script>", "a\"b'c&d<e>", "<img src=x onerror=alert(2)>", "x</text></svg><b>y"]

    static func hostileReport() throws -> ScanReport {
        let yaml = """
        apiVersion: v1
        kind: Node
        metadata: {name: node-1}
        status: {nodeInfo: {kubeletVersion: v1.35.2}}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: \(q(hostile[0]))}
        rules:
        - apiGroups: [""]
          resources: [nodes/proxy, nodes/metrics]
          verbs: [get, create]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata:
          name: \(q(hostile[1]))
          annotations:
            kubelet-authz.io/owner: \(q(hostile[2]))
            kubelet-authz.io/purpose: \(q(hostile[3]))
            kubelet-authz.io/next-review: "2026-01-01"
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: \(q(hostile[0]))}
        subjects:
        - {kind: User, name: \(q(hostile[2]))}
        - {kind: Group, name: \(q(hostile[3]))}
        - {kind: ServiceAccount, name: \(q(hostile[1])), namespace: \(q(hostile[0]))}
        """
        var s = try ClusterDocumentDecoder.decode(Data(yaml.utf8), source: "hostile<&>.yaml")
        s.resolveDuplicates()
        return ClusterScanner.scan(s, options: ScanOptions(now: Day(year: 2026, month: 11, day: 27)))
    }

    static func q(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }

    @Test("names with <, &, quotes reach the page only escaped")
    func escaping() throws {
        let report = try Self.hostileReport()
        #expect(report.subjects.count == 3)
        #expect(report.subjects.allSatisfy { $0.inventory.execCapable })
        let html = ScanHTML.render(report, live: nil, generatedAt: Self.generatedAt)
        for name in Self.hostile {
            #expect(!html.contains(name), "\(name) unescaped")
            #expect(html.contains(HTMLText.escape(name)), "\(name) missing")
        }
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        // Every element on the page is one the renderer writes.
        let tags = Self.elementNames(html)
        #expect(tags.isSubset(of: ["html", "head", "meta", "title", "style", "body", "section", "header", "p", "h1", "h2", "h3", "dl", "dt", "dd",
                                    "code", "div", "span", "b", "br", "figure", "figcaption", "svg", "g", "rect", "text", "circle", "line", "path",
                                    "table", "thead", "tbody", "tr", "th", "td", "i", "ul", "li", "footer", "defs", "symbol", "use"]), "\(tags)")
        #expect(HTMLText.escape("\u{0}\u{7}ok\n") == "\u{FFFD}\u{FFFD}ok\n")
    }

    /// The name after each `<` that opens an element.
    static func elementNames(_ html: String) -> Set<String> {
        var names = Set<String>()
        var rest = Substring(html)
        while let open = rest.firstIndex(of: "<") {
            let name = rest[rest.index(after: open)...].prefix { $0.isASCII && ($0.isLetter || $0.isNumber) }
            if let first = name.first, first.isLetter { names.insert(String(name)) }
            rest = rest[rest.index(after: open)...]
        }
        return names
    }

    static func manySubjects(_ n: Int) throws -> ScanReport {
        var yaml = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: agent}
        rules:
        - apiGroups: [""]
          resources: [nodes/proxy]
          verbs: [get]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: agents}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: agent}
        subjects:

        """
        for i in 0..<n { yaml += "- {kind: ServiceAccount, name: agent-\(i), namespace: ns-\(i)}\n" }
        var s = try ClusterDocumentDecoder.decode(Data(yaml.utf8), source: "many.yaml")
        s.resolveDuplicates()
        return ClusterScanner.scan(s, options: ScanOptions(kubeVersion: .v(35), now: Day(year: 2026, month: 11, day: 27)))
    }

    @Test("past the limit the matrix is a table, the chains are capped and named, and the page grows by a bounded amount a subject")
    func largeClusters() throws {
        let small = try Self.manySubjects(ScanHTML.matrixPictureLimit)
        #expect(Self.svg(ScanHTML.render(small, live: nil, generatedAt: Self.generatedAt), class: "access-matrix") != nil)

        let n = ScanHTML.matrixPictureLimit + 100
        let big = try Self.manySubjects(n), bigger = try Self.manySubjects(2 * n)
        #expect(big.subjects.count == n)
        let html = ScanHTML.render(big, live: nil, generatedAt: Self.generatedAt)
        #expect(Self.svg(html, class: "access-matrix") == nil)
        let matrix = try #require(Self.section(html, id: "matrix"))
        #expect(matrix.contains("<table class=\"matrix access-matrix\">"))
        for s in big.subjects { #expect(matrix.contains("<td class=\"subject mono\">\(s.key.namespace)/\(s.key.name)</td>")) }
        #expect(matrix.components(separatedBy: "<use href=\"#glyph-exec\"/>").count - 1 == big.subjects.filter { $0.inventory.execCapable }.count)
        let chains = try #require(Self.section(html, id: "chains"))
        #expect(chains.components(separatedBy: "<div class=\"chain\">").count - 1 == ScanHTML.chainSubjectLimit)
        #expect(chains.contains("\(n - ScanHTML.chainSubjectLimit) more exec-capable subjects are not drawn"))
        // Per added subject: a table row, a register row and a finding or two — not a picture.
        let grown = ScanHTML.render(bigger, live: nil, generatedAt: Self.generatedAt).utf8.count - html.utf8.count
        let perSubject = grown / n
        let findingsPerSubject = Double(bigger.findings.count - big.findings.count) / Double(n)
        #expect(Double(perSubject) < 700 + 900 * findingsPerSubject, "\(perSubject) bytes a subject, \(findingsPerSubject) findings a subject")
    }

    @Test("the kubelets' configuration: a row per node the scan read, what defeats RBAC marked")
    func kubeletConfig() async throws {
        let html = await kubeletAuthz(["scan", "--demo", "-o", "html"]).out
        let json = try jsonObject(await kubeletAuthz(["scan", "--demo", "-o", "json"]).out)
        let nodes = try #require((json["kubeletConfig"] as? [String: Any])?["nodes"] as? [[String: Any]])
        #expect(!nodes.isEmpty)
        let section = try #require(Self.section(html, id: "kubelet-config"))
        let rows = section.components(separatedBy: "<tr><td class=\"mono\">").dropFirst()
        #expect(rows.count == nodes.count)
        var marked = 0
        for (row, node) in zip(rows, nodes) {
            #expect(row.hasPrefix(HTMLText.escape(node["node"] as? String ?? "") + "</td>"))
            guard let port = node["readOnlyPort"] as? Int else { continue }
            let open = port != 0
            #expect(row.contains(open ? "<td class=\"status status-overdue\">\(port)</td>" : "<td>off</td>"), "\(row)")
            if open { marked += 1 }
        }
        #expect(marked > 0, "the demo's gpu-node-2 opens the read-only port")
    }

    @Test("a cluster where nobody reaches a kubelet says so rather than draw empty pictures")
    func nobody() throws {
        let yaml = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: reader}
        rules:
        - {apiGroups: [""], resources: [pods], verbs: [get]}
        """
        let report = ClusterScanner.scan(try ClusterDocumentDecoder.decode(Data(yaml.utf8), source: "nobody.yaml"),
                                         options: ScanOptions(kubeVersion: .v(35), now: Day(year: 2026, month: 11, day: 27)))
        #expect(report.subjects.isEmpty)
        let html = ScanHTML.render(report, live: nil, generatedAt: Self.generatedAt)
        #expect(try #require(Self.section(html, id: "matrix")).contains("<p>No subject holds kubelet access.</p>"))
        #expect(try #require(Self.section(html, id: "chains")).contains("<p>No subject can execute commands in pods.</p>"))
        #expect(!html.contains("<svg"))
    }

    @Test("scan -o html writes the page; --ai has no HTML form")
    func command() async throws {
        let r = await kubeletAuthz(["scan", "--demo", "-o", "html"])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.hasPrefix("<!DOCTYPE html>\n"))
        #expect(r.out.hasSuffix("</html>\n"))
        #expect(r.out.contains("<section id=\"evidence\">"), "the demo joins its audit log")
        let names = await kubeletAuthz(["scan", "--demo", "-o", "name"])
        for line in names.out.split(separator: "\n") {
            let parts = line.split(separator: "/", maxSplits: 1)
            let kind = String(parts[0]), rest = String(parts[1])
            let key = kind == "ServiceAccount"
                ? SubjectKey(kind: kind, name: String(rest.split(separator: "/", maxSplits: 1)[1]), namespace: String(rest.split(separator: "/")[0]))
                : SubjectKey(kind: kind, name: rest)
            #expect(r.out.contains("<title>\(HTMLText.escape(key.description))</title>"), "\(line)")
        }
        let ai = await kubeletAuthz(["scan", "--demo", "--ai", "-o", "html"])
        #expect(ai.code == 2)
        #expect(ai.err.contains("--ai prints table, json, yaml, markdown or jsonpath, not -o html"), "\(ai.err)")
    }
}
