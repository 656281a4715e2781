@testable import AuditScanning
import Evidence
import Foundation
import TestSupport
import Testing

/// The real audit lines of a kube-apiserver v1.36.2 (Tests/Fixtures), read by the extractor.
@Suite("Audit extraction on real lines")
struct ExtractionTests {
    static let sampleText = String(decoding: Fixtures.data("audit-kube-apiserver-1.36.jsonl"), as: UTF8.self)
    static let sampleLines = sampleText.split(separator: "\n").map(String.init)

    static func scan(_ text: String, file: String = "audit.log") -> (AuditScanCounts, [AuditRecord], [MalformedLine]) {
        var scanner = AuditLineScanner(.file(file))
        var counts = AuditScanCounts()
        var records: [AuditRecord] = []
        var malformed: [MalformedLine] = []
        Array(text.utf8).withUnsafeBytes { scanner.scan($0, counts: &counts, records: &records, malformed: &malformed) }
        return (counts, records, malformed)
    }

    /// What the log itself says each kubelet review was: read with Foundation, independently.
    struct Truth { let caller: String; let node: String; let verb: String; let subresource: String; let allowed: Bool; let line: Int }
    static var truth: [Truth] {
        sampleLines.enumerated().compactMap { i, line in
            let e = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            guard ((e["user"] as? [String: Any])?["username"] as? String)?.hasPrefix("system:node:") == true,
                  (e["objectRef"] as? [String: Any])?["resource"] as? String == "subjectaccessreviews" else { return nil }
            let spec = (e["requestObject"] as! [String: Any])["spec"] as! [String: Any]
            let ra = spec["resourceAttributes"] as! [String: Any]
            let status = (e["responseObject"] as! [String: Any])["status"] as! [String: Any]
            return Truth(caller: spec["user"] as! String, node: ra["name"] as! String, verb: ra["verb"] as! String,
                         subresource: ra["subresource"] as! String, allowed: status["allowed"] as! Bool, line: i + 1)
        }
    }

    @Test("every kubelet review of the real log, with caller, node, subresource, verb and verdict")
    func kubeletReviews() {
        let (counts, records, malformed) = Self.scan(Self.sampleText)
        #expect(malformed.isEmpty)
        #expect(counts.lines == 21 && counts.events == 21)
        let reviews = records.filter { $0.path == .kubelet }
        #expect(counts.kubeletReviews == 12)
        #expect(reviews.count == Self.truth.count)
        for (r, t) in zip(reviews, Self.truth) {
            #expect(r.user == t.caller)
            #expect(r.node == t.node)
            #expect(r.verb == t.verb)
            #expect(r.subresource == t.subresource)
            #expect(r.decision == (t.allowed ? .allow : .deny))
            #expect(r.source.line == t.line)
            #expect(r.groups.contains("system:serviceaccounts"))
        }
        // kubectl-created reviews (lines 14–17) are not kubelet access.
        #expect(!records.contains { $0.source.line >= 14 && $0.source.line <= 17 })
    }

    @Test("API-server node proxy: caller, node, path without query, verdict from the decision annotation")
    func nodeProxy() {
        let proxy = Self.scan(Self.sampleText).1.filter { $0.path == .apiserverProxy }
        #expect(proxy.map(\.source.line) == [18, 19, 20])
        #expect(proxy.map(\.decision) == [.deny, .allow, .deny])
        #expect(proxy.map { $0.user ?? "" } == ["system:serviceaccount:oracle:sa-none", "system:serviceaccount:oracle:sa-proxy", "system:anonymous"])
        #expect(proxy.allSatisfy { $0.node == "oracle-node" && $0.kubeletPath == "/metrics" && $0.subresource == "proxy" })
    }

    @Test("lines 3–4: GET /pods by a holder of nodes/proxy only passed through the fallback")
    func fallback() {
        var set = AuditRecordSet()
        set.add(contentsOf: Self.scan(Self.sampleText).1)
        let rows = UsageAggregator.usage(set.ordered)
        let proxyGet = rows.first { $0.key.subjectName == "sa-proxy" && $0.key.path == .kubelet && $0.key.subresource == "proxy" && $0.key.verb == "get" }
        #expect(proxyGet?.onlyViaFallback == true)
        #expect(proxyGet?.fallbackFor == ["pods": 1])
        let pods = rows.first { $0.key.subjectName == "sa-proxy" && $0.key.subresource == "pods" }
        #expect(pods?.denied == 1)
        let create = rows.first { $0.key.subjectName == "sa-proxy" && $0.key.path == .kubelet && $0.key.verb == "create" }
        #expect(create?.onlyViaFallback == false)
    }

    @Test("a denied check and an allowed proxy check more than a second apart are not a fallback pair")
    func notAPair() {
        var lines = [Self.sampleLines[2], Self.sampleLines[3]]
        lines[1] = lines[1].replacingOccurrences(of: "2026-11-27T07:42:", with: "2026-11-27T07:44:")
        var set = AuditRecordSet()
        set.add(contentsOf: Self.scan(lines.joined(separator: "\n")).1)
        let row = UsageAggregator.usage(set.ordered).first { $0.key.subresource == "proxy" }
        #expect(row?.allowed == 1)
        #expect(row?.onlyViaFallback == false)
    }

    /// With the kubelet's default caches, a collector's denied `pods` checks recur every 30 s
    /// while its `proxy` allow stays cached for 5 minutes: the later denials passed too.
    @Test("denials answered by a cached proxy allow, and concurrent fallbacks, are not failures")
    func cachedAndConcurrentFallback() {
        let pods = Self.sampleLines[2], proxy = Self.sampleLines[3]
        func at(_ line: String, _ time: String, _ id: String, sub: String? = nil) -> String {
            var l = line.replacingOccurrences(of: "2026-11-27T07:42:40", with: "2026-11-27T\(time)")
            if let r = l.range(of: "\"auditID\":\"") { l.replaceSubrange(r.upperBound..<l.index(r.upperBound, offsetBy: 8), with: id) }
            if let sub { l = l.replacingOccurrences(of: "\"subresource\":\"pods\"", with: "\"subresource\":\"\(sub)\"") }
            return l
        }
        let lines = [at(pods, "08:00:00", "00000001"), at(proxy, "08:00:00", "00000002"),   // a pair
                     at(pods, "08:00:31", "00000003"), at(pods, "08:01:02", "00000004"),     // cached proxy allow answers these
                     at(pods, "08:10:00", "00000005", sub: "healthz"), at(pods, "08:10:00", "00000006"),  // two at once…
                     at(proxy, "08:10:00", "00000007"), at(proxy, "08:10:00", "00000008"),   // …two proxy allows
                     at(pods, "08:30:00", "00000009")]                                       // 20 min later: a real denial
        var set = AuditRecordSet()
        set.add(contentsOf: Self.scan(lines.joined(separator: "\n")).1)
        let rows = UsageAggregator.usage(set.ordered)
        let podsRow = rows.first { $0.key.subresource == "pods" }!
        #expect(podsRow.denied == 5)
        #expect(podsRow.deniedButPassedViaProxy == 4)
        #expect(podsRow.effectiveDenied == 1)
        let healthz = rows.first { $0.key.subresource == "healthz" }!
        #expect(healthz.deniedButPassedViaProxy == 1)
        let proxyRow = rows.first { $0.key.subresource == "proxy" }!
        #expect(proxyRow.allowed == 3)
        #expect(proxyRow.fallbackFor == ["pods": 2, "healthz": 1])
        #expect(proxyRow.onlyViaFallback)
    }

    @Test("a client-chosen Audit-ID does not merge different requests; BOM; escaped proxy names")
    func identities() {
        // Three node-proxy requests that reuse one auditID (the API server honours Audit-ID).
        let base = Self.sampleLines[17]
        let lines = (0..<3).map { i in base.replacingOccurrences(of: "07:42:52.970507Z", with: "07:42:5\(i).000000Z") }
        var set = AuditRecordSet()
        set.add(contentsOf: Self.scan("\u{FEFF}" + lines.joined(separator: "\n")).1)
        #expect(set.count == 3)
        let escaped = base.replacingOccurrences(of: "/api/v1/nodes/oracle-node/proxy/metrics", with: "/api/v1/nodes/oracle-node%3A10250/proxy/metrics/cadvisor?x=1")
            .replacingOccurrences(of: "\"name\":\"oracle-node\"", with: "\"name\":\"oracle-node:10250\"")
        let r = Self.scan(escaped).1
        #expect(r.first?.node == "oracle-node")
        #expect(r.first?.kubeletPath == "/metrics/cadvisor")
    }

    @Test("both stages logged: one record, the richer one")
    func stages() {
        let complete = Self.sampleLines[1]
        // The RequestReceived stage of the same request: no bodies yet.
        var received = try! JSONSerialization.jsonObject(with: Data(complete.utf8)) as! [String: Any]
        received["stage"] = "RequestReceived"
        received["requestObject"] = nil
        received["responseObject"] = nil
        let receivedLine = String(decoding: try! JSONSerialization.data(withJSONObject: received), as: UTF8.self)
        for order in [[receivedLine, complete], [complete, receivedLine]] {
            var set = AuditRecordSet()
            set.add(contentsOf: Self.scan(order.joined(separator: "\n")).1)
            #expect(set.count == 1)
            #expect(set.ordered.first?.decision == .allow)
            #expect(set.ordered.first?.user == "system:serviceaccount:oracle:sa-metrics")
        }
    }

    @Test("Metadata level: the caller is a blind spot, counted per node")
    func metadataLevel() {
        let lines = Self.sampleLines[0..<12].map { line -> String in
            var e = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            e["level"] = "Metadata"; e["requestObject"] = nil; e["responseObject"] = nil
            return String(decoding: try! JSONSerialization.data(withJSONObject: e), as: UTF8.self)
        }
        let (counts, records, _) = Self.scan(lines.joined(separator: "\n"))
        #expect(counts.kubeletReviews == 12)
        #expect(records.allSatisfy { $0.user == nil && $0.decision == .unknown })
        #expect(UsageAggregator.usage(records).isEmpty)
        let spots = BlindSpotAnalyzer.fromRecords(records)
        #expect(spots.contains { $0.kind == .metadataLevel && $0.node == "oracle-node" && $0.count == 12 })
    }

    @Test("truncated and corrupt lines are counted with file and line; the rest is read")
    func malformed() {
        var lines = Self.sampleLines
        lines[4] = String(lines[4].prefix(300))            // truncated, and it mentions subjectaccessreviews
        lines[6] = "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"objectRef\":{\"resource\":\"subjectaccessreviews\"},\"user\":7}"  // decodes badly
        lines[9] = String(lines[9].prefix(50))
        let (counts, records, malformed) = Self.scan(lines.joined(separator: "\n") + "\n", file: "a.log")
        #expect(malformed.map(\.line) == [5, 7, 10])
        #expect(malformed.allSatisfy { $0.file == "a.log" })
        #expect(malformed[0].reason.hasPrefix("truncated"))
        #expect(malformed[1].reason.hasPrefix("invalid audit event: user: "), "\(malformed[1].reason)")
        #expect(counts.malformed == 3)
        #expect(counts.events == 18)
        #expect(records.filter { $0.path == .kubelet }.count == 9)  // lines 5, 7 and 10 were kubelet reviews
    }

    @Test("a needle inside an unrelated event is confirmed away")
    func needleElsewhere() {
        let line = #"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"x","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/a/configmaps/subjectaccessreviews","verb":"get","user":{"username":"u"},"objectRef":{"resource":"configmaps","namespace":"a","name":"subjectaccessreviews","apiVersion":"v1"},"annotations":{"note":"\"proxy\""}}"#
        let (counts, records, malformed) = Self.scan(line)
        #expect(counts.candidates == 1)
        #expect(records.isEmpty && malformed.isEmpty)
    }

    @Test("an EventList line (the audit webhook's body)")
    func eventList() {
        let list = "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"metadata\":{},\"items\":[" + Self.sampleLines[0..<4].joined(separator: ",") + "]}"
        let (counts, records, _) = Self.scan(list)
        #expect(records.count == 4)
        #expect(counts.events == 4)
    }

    @Test("timestamps", arguments: [
        ("2026-11-27T07:42:34.689295Z", 1795765354.689295), ("1970-01-01T00:00:00Z", 0.0), ("2024-02-29T12:00:00+02:00", 1709200800.0),
    ])
    func timestamps(_ c: (String, Double)) {
        let got = AuditTimestamp.seconds(c.0)
        #expect(got != nil && abs(got! - c.1) < 1e-6)
        #expect(AuditTimestamp.text(1795765354.7) == "2026-11-27T07:42:34Z")
    }

    @Test("timestamps are printed as Foundation's ISO 8601 formatter prints them, from 1900 to 9999")
    func printedTimestamps() {
        let reference = ISO8601DateFormatter()
        reference.timeZone = TimeZone(identifier: "UTC")
        var rng = SplitMix(state: 3)
        for _ in 0..<2000 {
            let seconds = Double(Int.random(in: -2_208_988_800...253_402_300_799, using: &rng)) + 0.75
            #expect(AuditTimestamp.text(seconds) == reference.string(from: Date(timeIntervalSince1970: seconds.rounded(.down))), "\(seconds)")
        }
        #expect(AuditTimestamp.text(253_402_300_800) == "10000-01-01T00:00:00Z")
    }

    /// Request URIs of `nodes/proxy` events as the API server logs them (the node name may be
    /// escaped or carry a port; the query is dropped: it can hold an exec command line).
    @Test("the kubelet path of a node-proxy request URI", arguments: [
        ("/api/v1/nodes/n1/proxy/metrics?x=1", "/metrics"),
        ("/api/v1/nodes/n1/proxy", "/"),
        ("/api/v1/nodes/n1/proxy/", "/"),
        ("/api/v1/nodes/n%3A10250/proxy/stats/summary", "/stats/summary"),
        ("/api/v1/nodes/https:n1:10250/proxy/exec/ns/pod/c?command=sh&command=-c", "/exec/ns/pod/c"),
        ("/api/v1/nodes/nodes/proxy/x", "/x"),
        ("/api/v1/nodes/n1/status", nil),
        ("/api/v1/nodes/n1/stats/nodes/x/proxy", nil),
        ("/api/v1/namespaces/default/pods/p/proxy/x", nil),
    ] as [(String, String?)])
    func proxyPath(uri: String, expected: String?) {
        #expect(AuditExtractor.kubeletPath(uri, node: "n1") == expected)
    }
}
