import Foundation
import Governance
@testable import KubeletAuthzCLI
import KubeletAuthzApp
import KubeletAuthzServer
import Reports
import Testing
import TestSupport

/// The live dashboard in a real browser: a server on the demo (examples/ai-cluster,
/// examples/register.yaml) in enforce mode answers reviews of demo subjects on the demo's
/// nodes, then headless Chromium loads its dashboard listener. The page renders without a
/// console message, its matrix holds the subjects of the scan the policy was built from, its
/// evidence shows the denials (as the webhook answered them) by subject and node and the recent
/// decisions, and the AI-workload review is there with its escalation paths drawn. The
/// screenshot of its summary and evidence goes to docs/images/dashboard.png for the README.
@Suite("Dashboard in headless Chromium", .serialized)
struct DashboardBrowserTests {
    struct Asked: Hashable {
        let subject: SubjectKey, node: String, subresource: String
    }

    /// Reviews of demo subjects (a ServiceAccount approved for metrics only, one approved for
    /// pods and healthz, and a member of the break-glass group) on each demo node; what the
    /// webhook answered for each.
    static func review(_ port: Int) async throws -> [Asked: Bool] {
        let snapshot = try ClusterFileReader.read([TestServer.examples + "/ai-cluster"], stdin: { Data() })
        let nodes = snapshot.nodes.map(\.name).sorted()
        #expect(nodes.count >= 2)
        let users: [(String, [String])] = [
            ("system:serviceaccount:monitoring:netdata", ["system:serviceaccounts", "system:serviceaccounts:monitoring", "system:authenticated"]),
            ("system:serviceaccount:ml-platform:node-inspector", ["system:serviceaccounts", "system:serviceaccounts:ml-platform", "system:authenticated"]),
            ("bob@example.com", ["ml-platform-oncall", "system:authenticated"]),
        ]
        let client = try APIServerClient(port: port, pki: nil)
        var answers: [Asked: Bool] = [:]
        for (user, groups) in users {
            for node in nodes {
                for subresource in ["proxy", "metrics"] {
                    let answer = try await client.post("/authorize", kubeletReview(user: user, groups: groups, verb: "get", subresource: subresource, node: node))
                    #expect(answer.status == 200)
                    answers[Asked(subject: ServeDashboard.subject(of: user), node: node, subresource: subresource)] = try ReviewStatus(answer.body).denied
                }
            }
        }
        try await client.shutdown()
        return answers
    }

    @Test("the demo's live dashboard renders cleanly with its subjects, denials by subject and node, recent decisions and the AI review; photographed for the docs")
    func liveDashboard() async throws {
        guard HeadlessChromium.browserOrSkip("the dashboard") != nil else { return }
        var config = TestServer.configuration(mode: .enforce, pki: nil)
        config.dashboardAddress = ListenAddress(host: "127.0.0.1", port: 0)
        config.decisionFlushInterval = .milliseconds(50)
        let server = try await TestServer.start(config, dashboard: { ServeDashboard.page($0, mode: .enforce, now: Date()) })
        let answers = try await Self.review(server.port)
        let denied = Set(answers.filter { $0.value }.keys.map { "\($0.subject)|\($0.node)" })
        #expect(answers.values.contains(true) && answers.values.contains(false), "the demo must give both denials and checks left to RBAC: \(answers)")
        let dashboardPort = try #require(server.dashboardPort)
        // The decisions are flushed every 50 ms; the page reads the store.
        let probe = try APIServerClient(port: dashboardPort, pki: nil)
        var served = ""
        for _ in 0..<100 {
            served = try await probe.get("/").body
            // One decision per review: all of them flushed.
            if served.contains(">From the authorization webhook (enforce mode), ") && served.contains(": \(answers.count) decisions by ") { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await probe.shutdown()
        let scan = try #require(server.server.policy.policy?.scan)
        let url = try #require(URL(string: "http://127.0.0.1:\(dashboardPort)/"))

        try HeadlessChromium.open(url: url, HeadlessChromium.dumpDOM, what: "the dashboard") { r in
            let dom = r.stdout
            let matrix = try #require(ScanHTMLTestsSupport.between(dom, "class=\"access-matrix\"", "</svg>"), "no matrix in the DOM: \(dom.prefix(2000))")
            #expect(!scan.subjects.isEmpty)
            for s in scan.subjects {
                #expect(matrix.contains("<title>\(HTMLText.escape(s.key.description))</title>"), "\(s.key) is not in the rendered matrix")
            }
            let evidence = try #require(ScanHTMLTestsSupport.between(dom, "<section id=\"evidence\">", "</section>"))
            #expect(evidence.contains("From the authorization webhook (enforce mode)"))
            let subjects = Set(answers.keys.map(\.subject)).count, nodes = Set(answers.keys.map(\.node)).count
            #expect(evidence.contains(": \(answers.count) decisions by \(subjects) subjects on \(nodes) nodes"), "\(evidence.prefix(600))")
            let denials = try #require(ScanHTMLTestsSupport.between(evidence, "<table class=\"denials\">", "</table>"))
            let recent = try #require(ScanHTMLTestsSupport.between(evidence, "<table class=\"decisions\">", "</table>"))
            for (asked, wasDenied) in answers {
                let pair = "<tr><td>\(HTMLText.escape(asked.subject.description))</td><td class=\"mono\">\(HTMLText.escape(asked.node))</td>"
                #expect(denials.contains(pair) == denied.contains("\(asked.subject)|\(asked.node)"), "\(asked) denied: \(wasDenied)")
                #expect(recent.contains("<td>\(HTMLText.escape(asked.subject.description))</td><td class=\"mono\">\(HTMLText.escape(asked.node))</td><td class=\"mono\">nodes/\(asked.subresource)</td>"),
                        "\(asked) is not among the recent decisions")
            }
            let ai = try #require(ScanHTMLTestsSupport.between(dom, "<section id=\"ai-review\">", "</section>"))
            let paths = scan.aiReview?.subjects.flatMap { s in s.escalations.prefix(5).filter(\.reachable) } ?? []
            #expect(!paths.isEmpty)
            #expect(ai.components(separatedBy: "class=\"escalation-path\"").count - 1 == paths.count)
        }

        // The docs show what only the dashboard has: its live evidence, under the summary. A
        // headless screenshot cannot scroll to a fragment (it comes out blank), so the page the
        // server served is photographed with the sections between those two hidden.
        let shown = served.replacingOccurrences(of: "</head>", with: "<style>section:not(.summary):not(#evidence) { display: none; }</style></head>")
        #expect(shown != served)
        try HeadlessChromium.open(page: shown, { ["--screenshot=\($0.appendingPathComponent("dashboard.png").path)", "--window-size=1280,1100"] }, what: "the dashboard") { r in
            let png = try Data(contentsOf: r.dir.appendingPathComponent("dashboard.png"))
            let size = try #require(HeadlessChromium.pngSize(png))
            #expect(size.width == 1280 && size.height == 1100, "\(size)")
            // A blank page of this size compresses to about 7 KB; text and tables to far more.
            #expect(png.count > 40_000, "\(png.count) bytes: a blank screenshot?")
            let docs = Fixtures.repositoryRoot.appendingPathComponent("docs/images")
            try FileManager.default.createDirectory(at: docs, withIntermediateDirectories: true)
            try png.write(to: docs.appendingPathComponent("dashboard.png"))
        }
        try await server.stop()
    }
}

/// Slices of a page between two markers.
enum ScanHTMLTestsSupport {
    /// The text from `start` (inclusive) up to the first `end` after it; nil when either is missing.
    static func between(_ text: String, _ start: String, _ end: String) -> String? {
        guard let s = text.range(of: start), let e = text.range(of: end, range: s.upperBound..<text.endIndex) else { return nil }
        return String(text[s.lowerBound..<e.lowerBound])
    }
}
