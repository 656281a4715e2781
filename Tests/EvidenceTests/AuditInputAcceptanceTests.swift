import AuditInput
@testable import AuditScanning
import Evidence
import Foundation
import TestSupport
import Testing

/// Only audit events are audit input: other JSON is malformed with its file and line, counted,
/// and reading goes on; an EventList on one line (a saved webhook body) is its events.
@Suite("What counts as an audit event")
struct AuditInputAcceptanceTests {
    static let lines = ExtractionTests.sampleLines

    /// The first real line that is neither a kubelet review nor a node-proxy request: an event
    /// the screen counts without decoding.
    static var plainEvent: String { lines.first { !$0.contains("subjectaccessreviews") && !$0.contains("\"proxy\"") }! }

    /// `{"kind":…,"apiVersion":…` moved to the end of the line, as a log shipper that sorts keys writes it.
    static func reordered(_ line: String) -> String {
        let head = "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\","
        precondition(line.hasPrefix(head))
        return "{" + line.dropFirst(head.count).dropLast() + ",\"apiVersion\":\"audit.k8s.io/v1\",\"kind\":\"Event\"}"
    }

    static func eventList(_ items: [String], apiVersion: String = "audit.k8s.io/v1") -> String {
        "{\"kind\":\"EventList\",\"apiVersion\":\"\(apiVersion)\",\"metadata\":{},\"items\":[" + items.joined(separator: ",") + "]}"
    }

    @Test("JSON that is not an audit event is malformed at its line, with why; the lines after it are read")
    func notAuditEvents() throws {
        let review = try #require(Self.lines.first { $0.contains("subjectaccessreviews") })
        let input: [(line: String, reason: String?)] = [
            (review, nil),
            (#"{"a":1}"#, #"not an audit event: no kind, no apiVersion; audit input is kind Event or EventList of apiVersion audit.k8s.io/v1 or audit.k8s.io/v1beta1"#),
            (#"{"kind":"Pod","apiVersion":"v1","metadata":{"name":"p"}}"#, #"not an audit event: kind "Pod", apiVersion "v1"; "#),
            (Self.eventList([Self.plainEvent], apiVersion: "bogus/v99"), #"not an audit event: kind "EventList", apiVersion "bogus/v99"; "#),
            (#"{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":"x"}"#, "invalid audit event: items: "),
            (Self.eventList([#"{"kind":"Pod","apiVersion":"v1"}"#]), #"not an audit event: a list item of kind "Pod", apiVersion "v1"; "#),
            (#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"x","stage":"#, "truncated"),
            (Self.plainEvent, nil),
        ]
        let (counts, records, malformed) = ExtractionTests.scan(input.map(\.line).joined(separator: "\n") + "\n", file: "mixed.log")
        let expected = input.enumerated().compactMap { i, c in c.reason.map { (i + 1, $0) } }
        #expect(malformed.map(\.line) == expected.map(\.0))
        for (m, e) in zip(malformed, expected) {
            #expect(m.file == "mixed.log")
            #expect(m.reason.hasPrefix(e.1), "line \(m.line): \(m.reason)")
        }
        #expect(counts.lines == input.count)
        #expect(counts.malformed == expected.count)
        #expect(counts.events == 2, "the review and the last line")
        #expect(records.count == 1)
    }

    @Test("an event with its keys in another order, a v1beta1 event and a one-line EventList are events, as many as they hold")
    func eventsInOtherShapes() {
        let beta = Self.plainEvent.replacingOccurrences(of: "\"apiVersion\":\"audit.k8s.io/v1\"", with: "\"apiVersion\":\"audit.k8s.io/v1beta1\"")
        let kubelet = Self.lines.filter { $0.contains("subjectaccessreviews") }
        let text = [Self.reordered(Self.plainEvent), beta, Self.eventList(Array(repeating: Self.plainEvent, count: 3)),
                    Self.eventList([]), Self.eventList(Array(kubelet.prefix(2))), Self.reordered(kubelet[2])].joined(separator: "\n")
        let (counts, records, malformed) = ExtractionTests.scan(text)
        #expect(malformed.isEmpty, "\(malformed)")
        #expect(counts.events == 1 + 1 + 3 + 0 + 2 + 1)
        #expect(counts.kubeletReviews == 3)
        #expect(records.count == 3)
    }

    @Test("lines begun as the API server begins an event are counted without being decoded; others are decoded")
    func screenedLines() {
        // Not JSON after its first bytes: counted as an event, as a gigabyte of log is, unread.
        let unread = "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",:}"
        let (counts, _, malformed) = ExtractionTests.scan(unread + "\n" + "{\"apiVersion\":\"audit.k8s.io/v1\",:}\n")
        #expect(counts.events == 1)
        #expect(malformed.map(\.line) == [2])
        #expect(malformed.first?.reason.hasPrefix("invalid JSON at column ") == true, "\(malformed)")
    }

    @Test("a pretty-printed document that is not audit input, or not JSON, is malformed with the line it breaks on")
    func documents() {
        let bogus = "{\n  \"kind\": \"EventList\",\n  \"apiVersion\": \"bogus/v99\",\n  \"items\": []\n}\n"
        let itemsNotAList = "{\n  \"kind\": \"EventList\",\n  \"apiVersion\": \"audit.k8s.io/v1\",\n  \"items\": \"x\"\n}\n"
        let broken = "{\n  \"kind\": \"EventList\",\n  \"apiVersion\": \"audit.k8s.io/v1\",\n  \"items\": [tru]\n}\n"
        let empty = "{\n  \"kind\": \"EventList\",\n  \"apiVersion\": \"audit.k8s.io/v1\",\n  \"items\": null\n}\n"
        func decode(_ s: String) -> Result<AuditDocument.Decoded, MalformedLine> {
            AuditDocument.decode(Data(s.utf8), source: .file(path: "doc.json", line: 1, offset: 0), cluster: "", file: "doc.json")
        }
        guard case .failure(let a) = decode(bogus), case .failure(let b) = decode(itemsNotAList), case .failure(let c) = decode(broken),
              case .success(let d) = decode(empty) else {
            Issue.record("expected three failures and a success")
            return
        }
        #expect(a.reason.contains("apiVersion \"bogus/v99\""), "\(a)")
        #expect(b.reason.contains("items: "), "\(b)")
        #expect(b.line == 4, "a type error is reported on the line its value starts: \(b)")
        #expect(c.line == 4, "\(c)")
        #expect(c.reason.contains("invalid JSON at column "), "\(c)")
        #expect(d.events == 0, "an EventList with null items holds no event")
    }

    /// In a pretty-printed batch of many events, the one that is wrong is named by its place in
    /// the list and its line, not the document's first line.
    @Test func aWrongItemIsNamedWithItsLine() throws {
        let list = """
            {
              "kind": "EventList",
              "apiVersion": "audit.k8s.io/v1",
              "items": [
                {"auditID": "a", "verb": "get"},
                {"auditID": "b", "verb": "get"},
                {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "x"}}
              ]
            }
            """
        let wrongType = list.replacingOccurrences(of: #"{"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "x"}}"#,
                                                  with: "{\"auditID\": \"c\",\n    \"verb\": [\"get\"]}")
        func decode(_ s: String) -> Result<AuditDocument.Decoded, MalformedLine> {
            AuditDocument.decode(Data(s.utf8), source: .file(path: "batch.json", line: 1, offset: 0), cluster: "", file: "batch.json")
        }
        guard case .failure(let pod) = decode(list), case .failure(let type) = decode(wrongType) else {
            Issue.record("expected two failures")
            return
        }
        #expect(pod.line == 7, "\(pod)")
        #expect(pod.reason.hasPrefix("items[2]: not an audit event: a list item of kind \"Pod\""), "\(pod)")
        #expect(type.line == 8, "\(type)")
        #expect(type.reason.contains("items[2].verb"), "\(type)")
    }
}
