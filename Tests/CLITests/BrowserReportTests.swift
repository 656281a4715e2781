import CLITestSupport
import Foundation
import Governance
import Reports
import TestSupport
import Testing

/// `scan -o html` in a real browser: Chromium (Debian's package; `.ci/run` installs it) loads
/// the demo's page headless, and the page must render without a console message — no script
/// error, no blocked fetch (the page's Content-Security-Policy turns any external asset into
/// one) — with the matrix holding the demo's subjects and the AI-workload review drawing its
/// escalation paths. The screenshot goes to
/// docs/images/scan-report.png for the README. Without Chromium the tests say why and skip,
/// except under CI=true, where they fail (`HeadlessChromium`).
@Suite("HTML report in headless Chromium", .serialized)
struct BrowserReportTests {
    static func browserOrSkip() -> String? { HeadlessChromium.browserOrSkip() }

    /// `page` written to a scratch folder and opened in Chromium with `extra` flags; the run
    /// must end well. `clean`: the page must not log to the console either.
    static func open(_ page: String, _ extra: (URL) -> [String], clean: Bool = true,
                     then check: (HeadlessChromium.Run, URL) throws -> Void) throws {
        try HeadlessChromium.open(page: page, extra, clean: clean) { r in try check(r, r.dir) }
    }

    static func dumpDOM(_ dir: URL) -> [String] { HeadlessChromium.dumpDOM(dir) }

    @Test("the console check sees a script error and a blocked fetch (so that its silence means something)")
    func consoleCheckWorks() throws {
        let broken = """
        <!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'"></head>
        <body><img src="https://example.invalid/logo.png"><script>undefinedFunction();</script></body></html>
        """
        try Self.open(broken, Self.dumpDOM, clean: false) { r, _ in
            let messages = r.consoleMessages
            #expect(messages.contains { $0.contains("Uncaught ReferenceError") }, "\(r.stderr.suffix(3000))")
            #expect(messages.contains { $0.contains("Content Security Policy") }, "\(r.stderr.suffix(3000))")
        }
    }

    @Test("the demo's page renders without console messages and shows the matrix with every subject")
    func demoPage() async throws {
        let html = await kubeletAuthz(["scan", "--demo", "-o", "html"])
        #expect(html.code == 0, "\(html.err)")
        let json = try jsonObject(await kubeletAuthz(["scan", "--demo", "-o", "json"]).out)
        let subjects = try #require(json["subjects"] as? [[String: Any]])
        #expect(!subjects.isEmpty)
        try Self.open(html.out, Self.dumpDOM) { r, _ in
            let dom = r.stdout
            let start = try #require(dom.range(of: "class=\"access-matrix\""), "no matrix in the DOM: \(dom.prefix(2000))")
            let end = try #require(dom.range(of: "</svg>", range: start.upperBound..<dom.endIndex))
            let matrix = dom[start.lowerBound..<end.lowerBound]
            for s in subjects {
                let key = SubjectKey(kind: s["kind"] as? String ?? "", name: s["name"] as? String ?? "", namespace: s["namespace"] as? String ?? "")
                #expect(matrix.contains("<title>\(HTMLText.escape(key.description))</title>"), "\(key) is not in the rendered matrix")
            }
            let exec = subjects.filter { $0["execCapable"] as? Bool == true }.count
            #expect(exec > 0)
            #expect(matrix.components(separatedBy: "<text class=\"exec\"").count - 1 == exec)
            // The AI-workload review, with a picture per escalation path the JSON lists as reachable.
            let review = try #require(json["aiReview"] as? [String: Any])
            let escalations = (review["subjects"] as? [[String: Any]] ?? []).flatMap { $0["escalations"] as? [[String: Any]] ?? [] }
            let reachable = escalations.filter { ($0["podCount"] as? Int ?? 0) > 0 }.count
            #expect(reachable > 0)
            let start2 = try #require(dom.range(of: "<section id=\"ai-review\">"), "no AI-workload review in the DOM")
            let section = dom[start2.lowerBound..<(dom.range(of: "</section>", range: start2.upperBound..<dom.endIndex)?.lowerBound ?? dom.endIndex)]
            #expect(section.components(separatedBy: "class=\"escalation-path\"").count - 1 == reachable)
        }
    }

    @Test("the demo's page is photographed for the docs")
    func screenshot() async throws {
        let html = await kubeletAuthz(["scan", "--demo", "-o", "html"])
        try Self.open(html.out, { ["--screenshot=\($0.appendingPathComponent("scan-report.png").path)", "--window-size=1280,2000"] }) { _, dir in
            let png = try Data(contentsOf: dir.appendingPathComponent("scan-report.png"))
            let size = try #require(HeadlessChromium.pngSize(png))
            #expect(size.width == 1280 && size.height == 2000, "\(size)")
            let docs = Fixtures.repositoryRoot.appendingPathComponent("docs/images")
            try FileManager.default.createDirectory(at: docs, withIntermediateDirectories: true)
            try png.write(to: docs.appendingPathComponent("scan-report.png"))
        }
    }

    /// Pages of `html` printed to PDF: page objects are `/Type /Page` (the tree is `/Type /Pages`).
    static func printedPages(_ html: String) throws -> Int {
        var pages = 0
        try open(html, { ["--print-to-pdf=\($0.appendingPathComponent("page.pdf").path)", "--no-pdf-header-footer"] }) { _, dir in
            let text = String(decoding: try Data(contentsOf: dir.appendingPathComponent("page.pdf")), as: UTF8.self)
            pages = text.components(separatedBy: "/Type /Page").count - text.components(separatedBy: "/Type /Pages").count
        }
        return pages
    }

    @Test("printed, each section after the matrix starts a page")
    func printed() async throws {
        guard Self.browserOrSkip() != nil else { return }
        let html = await kubeletAuthz(["scan", "--demo", "-o", "html"]).out
        let pages = try Self.printedPages(html)
        // The summary and the matrix share the first page; every other section starts one.
        let sections = html.components(separatedBy: "<section id=").count - 1
        #expect(sections >= 5)
        #expect(pages >= sections, "\(pages) pages for \(sections) sections")
        // The same page without the breaks prints on fewer pages: the breaks are what made them.
        let unbroken = html.replacingOccurrences(of: "</head>", with: "<style>@media print { section { break-before: auto !important; } }</style></head>")
        let fewer = try Self.printedPages(unbroken)
        #expect(fewer > 0 && fewer < pages, "\(fewer) pages without breaks, \(pages) with")
    }

    @Test("hostile names stay text in the browser")
    func hostileNames() throws {
        let page = ScanHTML.render(try ScanHTMLTests.hostileReport(), live: nil, generatedAt: ScanHTMLTests.generatedAt)
        try Self.open(page, Self.dumpDOM) { r, _ in
            #expect(!r.stdout.contains("<script"))
            #expect(!r.stdout.contains("<img"))
            // The DOM serializer escapes text as the renderer did (<, > and & in text; quotes are text).
            #expect(r.stdout.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(r.stdout.contains("x&lt;/text&gt;&lt;/svg&gt;&lt;b&gt;y"))
        }
    }
}
