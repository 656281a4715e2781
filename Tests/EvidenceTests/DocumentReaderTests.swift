import Foundation
import TestSupport
import Testing
@testable import AuditInput
@testable import AuditScanning
import Evidence

/// Whole documents (the audit webhook's `EventList` batches, arrays of events) read by the fast
/// field reader must give exactly what `JSONDecoder` gives — the same records and event count —
/// or the reader steps aside and `JSONDecoder` decodes and words the failure (so a failure is
/// the same kind at the same line).
@Suite("Fast document reader agrees with JSONDecoder")
struct DocumentReaderTests {
    /// Real v1.36 events: kubelet reviews, node proxy, and decoys (reviews by others, token reviews).
    static let lines: [[UInt8]] = Fixtures.data("audit-kube-apiserver-1.36.jsonl").split(separator: 0x0A).map { Array($0) }
    static let source = EvidenceSource.stream(name: "audit-webhook", batch: "b1")

    // MARK: Documents

    static func eventList(_ items: [[UInt8]], apiVersion: String = "audit.k8s.io/v1") -> [UInt8] {
        Array(#"{"kind":"EventList","apiVersion":"\#(apiVersion)","metadata":{},"items":["#.utf8) + items.joined(separator: [0x2C]) + Array("]}".utf8)
    }

    static func array(_ items: [[UInt8]]) -> [UInt8] { [0x5B] + items.joined(separator: [0x2C]) + [0x5D] }

    /// Compact JSON indented as Go's `json.MarshalIndent` writes it (what a saved webhook
    /// batch or `kubectl … -o json` looks like); strings are copied byte for byte.
    static func pretty(_ json: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [], depth = 0, k = 0
        func newline() { out.append(0x0A); out += [UInt8](repeating: 0x20, count: 2 * max(0, depth)) }
        while k < json.count {
            let c = json[k]
            switch c {
            case 0x22:
                var j = k + 1
                while json[j] != 0x22 { j += json[j] == 0x5C ? 2 : 1 }
                out += json[k...j]
                k = j + 1
                continue
            case 0x7B, 0x5B:
                if k + 1 < json.count, json[k + 1] == c + 2 {  // `{}` and `[]` stay as they are
                    out += [c, c + 2]
                    k += 2
                    continue
                }
                out.append(c)
                depth += 1
                newline()
            case 0x7D, 0x5D:
                depth -= 1
                newline()
                out.append(c)
            case 0x2C:
                out.append(c)
                newline()
            case 0x3A: out += [0x3A, 0x20]
            default: out.append(c)
            }
            k += 1
        }
        return out + [0x0A]
    }

    /// `"kind":"Event","apiVersion":"…",` as the API server's log writes them first: the
    /// webhook's list items leave them out.
    static func bare(_ event: [UInt8]) -> [UInt8] {
        event.replacingFirst(Array(#""kind":"Event","apiVersion":"audit.k8s.io/v1","#.utf8), with: [])
    }

    /// A batch as the webhook gets one: `size` real events, each with its own auditID, on a few
    /// nodes and callers, with or without their `kind` and `apiVersion`.
    static func batch(_ size: Int, _ rng: inout SplitMix) -> [[UInt8]] {
        let key = Array(#""auditID":""#.utf8)
        return (0..<size).map { n in
            var e = lines.randomElement(using: &rng)!
            if let r = e.firstRange(of: key) {
                let random = String(UInt32.random(in: 0...UInt32.max, using: &rng) | 0x1000_0000, radix: 16)
                let id = random + "-0000-4000-8000-" + String(repeating: "0", count: 12 - String(n).count) + String(n)
                e.replaceSubrange(r.upperBound..<r.upperBound + 36, with: Array(id.utf8))
            }
            if Bool.random(using: &rng) { e = e.replacingAll(Array("oracle-node".utf8), with: Array("node-\(n % 5)".utf8)) }
            if Bool.random(using: &rng) { e = e.replacingAll(Array("sa-proxy".utf8), with: Array("sa-\(n % 3)".utf8)) }
            return Bool.random(using: &rng) ? bare(e) : e
        }
    }

    // MARK: The two readers

    static func reference(_ doc: [UInt8]) -> Result<AuditDocument.Decoded, MalformedLine> {
        AuditDocument.decodeWithJSONDecoder(Data(doc), source: source, cluster: "c", file: "batch.json")
    }

    /// What the line scanner does with a one-line body (the webhook's compact `EventList`).
    struct LineOutcome: Equatable {
        let records: [AuditRecord]
        let events: Int
        init(_ e: AuditEventWire) {
            records = AuditExtractor.records(from: e, source: DocumentReaderTests.source, cluster: "c")
            events = e.items?.count ?? 1
        }
    }

    struct Tally {
        var documents = 0, fast = 0, rejected = 0, lineFast = 0
    }

    /// Checks one document both ways (as a document, and as the line scanner reads a line) and
    /// counts what the fast path took and what JSONDecoder rejected.
    static func check(_ doc: [UInt8], _ tally: inout Tally, _ label: @autoclosure () -> String, sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = reference(doc)
        let fast = doc.withUnsafeBytes { AuditDocument.read($0, source: source, cluster: "c") }
        let decoded = doc.withUnsafeBytes { AuditDocument.decode(bytes: $0, source: source, cluster: "c", file: "batch.json") }
        tally.documents += 1
        if case .failure = expected { tally.rejected += 1 }
        if let fast {
            tally.fast += 1
            #expect(Result.success(fast) == expected, "document: \(label())", sourceLocation: sourceLocation)
        }
        #expect(decoded == expected, "document: \(label())", sourceLocation: sourceLocation)
        let line = doc.withUnsafeBytes { AuditFieldReader.read($0, interner: StringInterner()) }.map(LineOutcome.init)
        if let line {
            tally.lineFast += 1
            let byDecoder = (try? JSONDecoder().decode(AuditEventWire.self, from: Data(doc))).map(LineOutcome.init)
            #expect(line == byDecoder, "line: \(label())", sourceLocation: sourceLocation)
        }
    }

    static func text(_ doc: [UInt8]) -> String { String(decoding: doc.prefix(600), as: UTF8.self) }

    // MARK: Tests

    @Test("generated webhook batches, compact and pretty, EventList and array: all read by the fast path, the same records")
    func generatedBatches() {
        var rng = SplitMix(state: 13)
        var tally = Tally()
        for size in [0, 1, 2, 3, 10, 40, 400] {
            let items = Self.batch(size, &rng)
            for doc in [Self.eventList(items), Self.array(items), Self.eventList(items, apiVersion: "audit.k8s.io/v1beta1")] {
                for form in [doc, Self.pretty(doc)] {
                    Self.check(form, &tally, "\(size) events: \(Self.text(form))")
                }
            }
        }
        #expect(tally.rejected == 0)
        #expect(tally.fast == tally.documents, "every generated batch is read by the fast path")
        // Every EventList also as the line scanner reads a line (the API server sends them compact, on one line).
        #expect(tally.lineFast == 28)
        // And the records are there: kubelet reviews and node proxy, not none.
        guard case .success(let big) = Self.reference(Self.eventList(Self.batch(400, &rng))) else {
            Issue.record("a generated batch did not decode")
            return
        }
        #expect(big.events == 400)
        #expect(Set(big.records.map(\.path)) == [.kubelet, .apiserverProxy])
    }

    /// Public data read in place, never copied into the repository; the test shows as skipped
    /// where the folder is absent.
    static let realWorldAudit = Fixtures.repositoryRoot.appendingPathComponent("../shared/realworld/audit").standardized

    @Test("the real audit logs in ../shared/realworld/audit, wrapped in EventLists and arrays",
          .enabled(if: FileManager.default.fileExists(atPath: realWorldAudit.path), "no real-world audit logs beside the repository"))
    func realWorldLogs() throws {
        let dir = Self.realWorldAudit
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        var tally = Tally(), all: [[UInt8]] = []
        for name in names.sorted() {
            let data = try Data(contentsOf: dir.appendingPathComponent(name))
            let events = data.split(separator: 0x0A).map { Array($0) }.filter { !$0.allSatisfy { $0 == 0x20 || $0 == 0x0D } }
            all += events
            var docs: [[UInt8]] = [Array(data), Self.eventList(events), Self.array(events), Self.eventList(events.map(Self.bare))]
            docs += events.map { Self.eventList([$0]) } + events.map { Self.array([$0]) }
            for doc in docs {
                for form in [doc, Self.pretty(doc)] { Self.check(form, &tally, "\(name): \(Self.text(form))") }
            }
        }
        Self.check(Self.eventList(all), &tally, "every real event in one EventList")
        print("real-world audit logs: \(tally.documents) documents, \(tally.fast) read by the fast path, \(tally.rejected) rejected by JSONDecoder")
        #expect(tally.fast > tally.documents / 2)
    }

    /// The cases that must step aside, or be read the same; each is checked compact and pretty.
    static var mutations: [(String, [UInt8])] {
        let items = Array(lines[17...19]) + [lines[0]]
        let list = String(decoding: eventList(items), as: UTF8.self)
        let body = String(decoding: Array(items.joined(separator: [0x2C])), as: UTF8.self)
        let sar = String(decoding: lines[0], as: UTF8.self)
        func replacing(_ a: String, _ b: String, in s: String = list) -> String {
            let r = s.range(of: a)!
            return s.replacingCharacters(in: r, with: b)
        }
        let cases: [(String, String)] = [
            ("keys reordered: items first", #"{"items":[\#(body)],"metadata":{},"apiVersion":"audit.k8s.io/v1","kind":"EventList"}"#),
            ("keys reordered: kind last", #"{"apiVersion":"audit.k8s.io/v1","items":[\#(body)],"kind":"EventList"}"#),
            ("no metadata", #"{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[\#(body)]}"#),
            ("metadata of another type", #"{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":7,"items":[\#(body)]}"#),
            ("list fields JSONDecoder does not read", #"{"kind":"EventList","apiVersion":"audit.k8s.io/v1","level":7,"user":[1],"items":[\#(body)]}"#),
            ("items null", #"{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":null}"#),
            ("items absent", #"{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{}}"#),
            ("items empty", #"{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[]}"#),
            ("items a string", #"{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":"x"}"#),
            ("items an object", #"{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":{}}"#),
            ("items a number", #"{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":4}"#),
            ("an item null", #"{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[\#(body),null]}"#),
            ("an item an array", #"{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[[],\#(body)]}"#),
            ("an item an EventList", #"{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[\#(list)]}"#),
            ("an item of kind Pod", list.replacingOccurrences(of: "\"items\":[", with: "\"items\":[{\"kind\":\"Pod\"},")),
            ("an item of another apiVersion", list.replacingOccurrences(of: "\"items\":[", with: "\"items\":[{\"apiVersion\":\"v1\"},")),
            ("an item with items", list.replacingOccurrences(of: "\"items\":[", with: "\"items\":[{\"items\":[1,2]},")),
            ("an empty item", list.replacingOccurrences(of: "\"items\":[", with: "\"items\":[{},")),
            ("kind Event with items: one event", replacing(#""kind":"EventList""#, #""kind":"Event""#)),
            ("kind Event: the SAR with items", replacing(#"{"kind":"Event","#, #"{"items":[\#(body)],"kind":"Event","#, in: sar)),
            ("kind Pod", replacing(#""kind":"EventList""#, #""kind":"Pod""#)),
            ("no kind", replacing(#""kind":"EventList","#, "")),
            ("kind null", replacing(#""kind":"EventList""#, #""kind":null"#)),
            ("kind a number", replacing(#""kind":"EventList""#, #""kind":5"#)),
            ("apiVersion bogus", replacing(#""apiVersion":"audit.k8s.io/v1""#, #""apiVersion":"bogus/v99""#)),
            ("apiVersion v2", replacing(#""apiVersion":"audit.k8s.io/v1""#, #""apiVersion":"audit.k8s.io/v2""#)),
            ("no apiVersion", replacing(#""apiVersion":"audit.k8s.io/v1","#, "")),
            ("v1beta1 items", list.replacingOccurrences(of: "audit.k8s.io/v1\"", with: "audit.k8s.io/v1beta1\"")),
            ("kind escaped", replacing(#""kind":"EventList""#, #""kind":"Event\u004cist""#)),
            ("key escaped", replacing(#""items":"#, #""\u0069tems":"#)),
            ("apiVersion with \\/", replacing(#""apiVersion":"audit.k8s.io/v1""#, #""apiVersion":"audit.k8s.io\/v1""#)),
            ("a review's resource escaped", list.replacingOccurrences(of: "\"resource\":\"subjectaccessreviews\"", with: "\"resource\":\"subjectaccessreview\\u0073\"")),
            ("proxy escaped", list.replacingOccurrences(of: "\"subresource\":\"proxy\"", with: "\"subresource\":\"pro\\u0078y\"")),
            ("a URI with \\/", list.replacingOccurrences(of: "/proxy/", with: "\\/proxy\\/")),
            ("a user with \\u and a surrogate pair", list.replacingOccurrences(of: "system:serviceaccount:oracle:", with: "system:serviceaccount:\\u00e9\\ud83d\\ude00:")),
            ("an unpaired surrogate", list.replacingOccurrences(of: "system:serviceaccount:oracle:", with: "system:serviceaccount:\\ud800:")),
            ("an escape JSON has not", list.replacingOccurrences(of: "system:serviceaccount:oracle:", with: "system:serviceaccount:\\q:")),
            ("a number for a level", list.replacingOccurrences(of: "\"level\":\"", with: "\"level\":7,\"l\":\"")),
            ("a number for an auditID", replacing(#""auditID":""#, #""auditID":1,"a":""#)),
            ("a string for a code", list.replacingOccurrences(of: "\"code\":", with: "\"code\":\"201\",\"c\":")),
            ("a fraction for a code", list.replacingOccurrences(of: "\"code\":201", with: "\"code\":201.0")),
            ("duplicate kind: EventList first", replacing(#"{"kind":"EventList","#, #"{"kind":"EventList","kind":"Event","#)),
            ("duplicate kind: Event first", replacing(#"{"kind":"EventList","#, #"{"kind":"Event","kind":"EventList","#)),
            ("duplicate apiVersion", replacing(#""apiVersion":"audit.k8s.io/v1","#, #""apiVersion":"audit.k8s.io/v1","apiVersion":"bogus","#)),
            ("duplicate items", replacing(#""items":["#, #""items":[],"items":["#)),
            ("duplicate items, the second not a list", String(list.dropLast()) + #","items":"x"}"#),
            ("duplicate auditID in an item", list.replacingOccurrences(of: "\"auditID\":", with: "\"auditID\":\"first\",\"auditID\":")),
            ("duplicate objectRef in an item", list.replacingOccurrences(of: "\"objectRef\":", with: "\"objectRef\":{\"resource\":\"pods\"},\"objectRef\":")),
            ("a byte-order mark", "\u{FEFF}" + list),
            ("trailing garbage", list + "x"),
            ("a second document", list + list),
            ("a trailing comma", list + ","),
            ("a trailing bracket", list + "]"),
            ("a trailing comma in items", replacing("]}", ",]}")),
            ("trailing whitespace", list + " \r\n\t\n"),
            ("leading whitespace", " \r\n\t" + list),
            ("an array with trailing garbage", "[" + body + "]]"),
            ("an array of one EventList", "[" + list + "]"),
            ("an empty array", "[]"),
            ("an array of null", "[null]"),
            ("one event", sar),
            ("one bare event: not audit input at the top level", String(decoding: bare(lines[0]), as: UTF8.self)),
            ("nothing", ""),
            ("whitespace", " \n"),
            ("null", "null"),
            ("a string", "\"EventList\""),
        ]
        return cases.map { ($0.0, Array($0.1.utf8)) }
    }

    @Test("mutations: reordered keys, items null/absent/not a list, wrong kind and apiVersion, escapes, other types, duplicate keys, BOM, trailing garbage")
    func mutated() {
        var tally = Tally()
        for (name, doc) in Self.mutations {
            for form in [doc, Self.pretty(doc)] { Self.check(form, &tally, "\(name): \(Self.text(form))") }
        }
        print("mutations: \(tally.documents) documents, \(tally.fast) read by the fast path, \(tally.rejected) rejected by JSONDecoder")
        #expect(tally.fast > 40, "\(tally)")
        #expect(tally.rejected > 40, "\(tally)")
    }

    @Test("every truncation of a small batch, compact and pretty: JSONDecoder's failure, at the same line")
    func truncated() {
        let doc = Self.eventList([Self.bare(Self.lines[19]), Self.lines[12], Self.lines[0]])
        var tally = Tally()
        for form in [doc, Self.pretty(doc)] {
            for end in 0..<form.count { Self.check(Array(form[..<end]), &tally, "cut at \(end)") }
        }
        // Of every cut, one alone leaves a whole document: the pretty form without its trailing newline.
        #expect(tally.rejected == tally.documents - 1, "\(tally)")
        #expect(tally.fast == 1, "\(tally)")
    }

    /// Which bodies are read as one document: an array, or an object whose first line holds
    /// only `{` (pretty-printed); a compact object on its first line is JSON lines.
    static let documentHeads: [(String, Bool)] = [
        ("{\n  \"kind\": \"EventList\",", true), (" \r\n\t{ \t\r\n\"kind\"", true), ("\u{FEFF}{\n", true), ("{", true), ("{   ", true),
        ("[{\"kind\":\"Event\"}]", true), ("\n\n[\n", true),
        ("{\"kind\":\"EventList\",\"items\":[]}\n", false), ("{ \"kind\": 1 }\n{\n", false), ("{}\n", false), ("{x\n", false),
        ("", false), (" \n", false), ("\"{\"\n", false), ("x{\n", false),
    ]

    @Test("a body is a document when it is an array, or its first line holds only {", arguments: documentHeads)
    func documentOrLines(_ c: (String, Bool)) {
        #expect(AuditIngestor.isDocument(Array(c.0.utf8)) == c.1, "\(c.0.debugDescription)")
    }

    @Test("2000 byte flips in a pretty and a compact batch: the same records, or JSONDecoder's failure")
    func byteFlips() {
        var rng = SplitMix(state: 7)
        let items = Self.batch(4, &rng)
        let docs = [Self.eventList(items), Self.pretty(Self.eventList(items)), Self.array(items)]
        let bytes: [UInt8] = Array("\"{}[],:\\0123456789aenrtul-+.eE ".utf8) + [0x0A, 0x00, 0x7F, 0x80, 0xC3, 0xFF]
        var tally = Tally()
        for _ in 0..<2000 {
            var doc = docs.randomElement(using: &rng)!
            for _ in 0..<Int.random(in: 1...2, using: &rng) {
                let at = Int.random(in: 0..<doc.count, using: &rng)
                doc[at] = Bool.random(using: &rng) ? bytes.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
            }
            Self.check(doc, &tally, "flipped: \(String(decoding: doc, as: UTF8.self))")
        }
        print("byte flips: \(tally.documents) documents, \(tally.fast) read by the fast path, \(tally.rejected) rejected by JSONDecoder")
        #expect(tally.fast > 200, "\(tally)")
        #expect(tally.rejected > 200, "\(tally)")
    }
}
