import Cluster
import Foundation
import Governance
import Reports
import TestSupport
import Testing

/// The AI-workload review in `scan -o html`: its answers and a picture per escalation path, read
/// from the review the page renders (the demo, and the clusters built for the review in
/// Tests/Fixtures/ai-review).
@Suite("HTML report: AI-workload review")
struct AIReviewHTMLTests {
    static func fixture(_ name: String) throws -> ScanReport {
        var s = ClusterSnapshot()
        s.merge(try ClusterDocumentDecoder.decode(Fixtures.data("ai-review/" + name), source: name))
        s.resolveDuplicates()
        return ClusterScanner.scan(s, options: ScanOptions(now: Day(year: 2026, month: 11, day: 27)))
    }

    static func page(_ r: ScanReport) throws -> String {
        try #require(ScanHTMLTests.section(ScanHTML.render(r, live: nil, generatedAt: ScanHTMLTests.generatedAt), id: "ai-review"))
    }

    /// The table of class `name`, from its start tag to its end tag.
    static func table(_ section: String, _ name: String) -> String? {
        guard let start = section.range(of: "<table class=\"\(name)\">"),
              let end = section.range(of: "</table>", range: start.upperBound..<section.endIndex) else { return nil }
        return String(section[start.lowerBound..<end.upperBound])
    }

    /// Every escalation-path picture of the section, in order.
    static func pictures(_ section: String) -> [String] {
        section.components(separatedBy: "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"escalation-path\"").dropFirst().map {
            String($0[..<($0.range(of: "</svg>")?.lowerBound ?? $0.endIndex)])
        }
    }

    @Test("the demo's review: AI nodes with their signals, what each subject sees, cross-tenant reach, the audit answer")
    func demoAnswers() throws {
        let (report, _) = try ScanHTMLTests.demoPage()
        let review = try #require(report.aiReview)
        let section = try Self.page(report)
        #expect(!review.aiNodes.isEmpty)
        #expect(section.contains(HTMLText.escape(review.audit.answer)))
        let nodes = try #require(Self.table(section, "ai-nodes"))
        for n in review.aiNodes {
            #expect(nodes.contains("<td class=\"mono\">\(HTMLText.escape(n.name))</td>"), "\(n.name)")
            for signal in n.signals { #expect(nodes.contains("<li>\(HTMLText.escape(signal.description))</li>"), "\(signal)") }
        }
        let seen = try #require(Self.table(section, "ai-seen"))
        let seeing = review.subjects.filter { !$0.aiNodes.isEmpty }
        #expect(!seeing.isEmpty)
        #expect(seen.components(separatedBy: "<tr><td>").count - 1 == seeing.count)
        for s in seeing {
            #expect(seen.contains("<tr><td>\(HTMLText.escape(s.subject.description))</td><td class=\"mono\">\(s.collector.map(HTMLText.escape) ?? "—")</td>"), "\(s.subject)")
        }
        let crossing = review.subjects.filter { !$0.crossTenant.isEmpty }
        #expect(!crossing.isEmpty)
        let cross = try #require(Self.table(section, "cross-tenant"))
        for s in crossing {
            #expect(cross.contains("<tr><td>\(HTMLText.escape(s.subject.description))</td><td>\(HTMLText.escape(s.tenant ?? "?"))</td>"), "\(s.subject)")
            for c in s.crossTenant { #expect(cross.contains("<li><b>\(HTMLText.escape(c.tenant))</b>: \(HTMLText.escape(EvidenceKind.text(c.kinds))) on "), "\(s.subject) → \(c.tenant)") }
        }
    }

    @Test("the demo's escalation paths: a picture per reachable identity, each step a box titled as the markdown names it, unreachable ones named")
    func demoPaths() throws {
        let (report, _) = try ScanHTMLTests.demoPage()
        let review = try #require(report.aiReview)
        let section = try Self.page(report)
        let pictures = Self.pictures(section)
        var expected: [[String]] = []
        for s in review.subjects { for e in s.escalations.prefix(5) { if let path = s.path(to: e) { expected.append(path) } } }
        #expect(!expected.isEmpty)
        #expect(pictures.count == expected.count)
        for (picture, path) in zip(pictures, expected) {
            #expect(picture.components(separatedBy: "<rect ").count - 1 == path.count)
            for step in path { #expect(picture.contains("<title>\(HTMLText.escape(step))</title>"), "\(step) is not drawn") }
        }
        for s in review.subjects {
            for e in s.escalations.prefix(5) where !e.reachable {
                #expect(section.contains("<p class=\"unreachable\">\(HTMLText.escape(e.serviceAccount.description)) ("), "\(e.serviceAccount)")
                for p in e.podsWithoutToken { #expect(section.contains(HTMLText.escape(p.description))) }
            }
        }
    }

    @Test("on the cluster built for it: cluster-admin through the kube-system pod is drawn, unmounted tokens are named and not drawn, pinning is followed")
    func builtCluster() throws {
        let report = try Self.fixture("escalation.yaml")
        let section = try Self.page(report)
        let agent = try #require(section.range(of: "<h4>ServiceAccount monitoring/agent</h4>").map { String(section[$0.upperBound...]) })
        let own = String(agent[..<(agent.range(of: "<h4>")?.lowerBound ?? agent.endIndex)])
        let drawn = Self.pictures(own)
        #expect(drawn.count == 1)
        #expect(drawn.first?.contains("<title>ClusterRole cluster-admin: do anything (every verb on every resource)</title>") == true)
        #expect(drawn.first?.contains("<title>Pod kube-system/operator-0</title>") == true)
        #expect(own.contains("<p class=\"unreachable\">ServiceAccount kube-system/secret-reader ("))
        #expect(own.contains("kube-system/backup-0 on"))
        #expect(!Self.pictures(own).contains { $0.contains("secret-reader") })
        // The pinned agent reaches gpu-b only: no path of its goes through gpu-a.
        let review = try #require(report.aiReview)
        let pinned = try #require(review.subjects.first { $0.subject == SubjectKey(kind: "ServiceAccount", name: "pinned-agent", namespace: "monitoring") })
        if let start = section.range(of: "<h4>ServiceAccount monitoring/pinned-agent</h4>") {
            let rest = String(section[start.upperBound...])
            let its = String(rest[..<(rest.range(of: "<h4>")?.lowerBound ?? rest.endIndex)])
            #expect(!its.contains("<title>node gpu-a</title>"))
            #expect(Self.pictures(its).count == pinned.reachableEscalations.prefix(5).count)
        } else {
            #expect(pinned.escalations.isEmpty)
        }
    }

    @Test("tenants kept apart: no cross-tenant reach, said in words")
    func separateTenants() throws {
        let report = try Self.fixture("tenants-separate.yaml")
        let section = try Self.page(report)
        #expect(section.contains("No subject of one tenant reaches logs, pod specs or exec on nodes running another tenant's pods."))
        #expect(!section.contains("<table class=\"cross-tenant\">"))
        let shared = try Self.page(try Self.fixture("tenants-shared.yaml"))
        #expect(shared.contains("<table class=\"cross-tenant\">"))
    }
}
