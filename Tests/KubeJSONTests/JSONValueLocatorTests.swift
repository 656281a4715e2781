import Foundation
import KubeJSON
import Testing

/// The line a coding path points at. Each document marks the value the path names with a
/// `TARGET` token, and the expected line is where that token is in the text.
struct JSONValueLocatorTests {
    typealias Step = JSONValueLocator.Step

    static func targetLine(_ text: String) -> Int {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return 1 + lines.firstIndex { $0.contains("TARGET") }!
    }

    static let eventList = """
        {
          "kind": "EventList",
          "apiVersion": "audit.k8s.io/v1",
          "metadata": {},
          "items": [
            {"auditID": "a", "verb": "get", "objectRef": {"resource": "nodes", "subresource": "proxy"}},
            {
              "auditID": "b, with a } and a ] and \\" inside",
              "annotations": {"x": [1, 2.5e3, true, null, {"y": "z"}]},
              "verb": "TARGET"
            },
            {"auditID": "c"}
          ]
        }
        """

    @Test(arguments: [
        (eventList, [Step.key("items"), .index(1), .key("verb")]),
        ("[\n  {\"a\": 1},\n  {\"a\":\n   \"TARGET\"}\n]", [Step.index(1), .key("a")]),
        // A repeated member: the first, as JSONDecoder keeps it (`repeatedMember` checks that).
        ("{\"k\":\n \"TARGET\",\n \"k\": \"second\"}", [Step.key("k")]),
        // An escaped key is matched by what it says.
        ("{\"a\\u0062\":\n\"TARGET\"}", [Step.key("ab")]),
        // A dictionary keyed by numbers: an index step names a member when the value is an object.
        ("{\"7\": 0,\n \"8\":\n \"TARGET\"}", [Step.index(8)]),
        ("\n\n  \"TARGET\"", []),
    ])
    func findsTheLine(document: String, path: [Step]) {
        #expect(JSONValueLocator.line(of: path, in: Data(document.utf8)) == Self.targetLine(document))
    }

    /// JSONDecoder's own coding path for a type error lands on the value's line.
    @Test func aDecodingErrorsPath() throws {
        enum Verb: String, Decodable { case get }
        struct Event: Decodable { let auditID: String; let verb: Verb? }
        struct List: Decodable { let items: [Event] }
        do {
            _ = try JSONDecoder().decode(List.self, from: Data(Self.eventList.utf8))
            Issue.record("expected an error")
        } catch DecodingError.dataCorrupted(let context) {
            #expect(context.codingPath.count == 3)
            #expect(JSONValueLocator.line(of: context.codingPath, in: Data(Self.eventList.utf8)) == Self.targetLine(Self.eventList))
        }
    }

    /// Which copy of a repeated member JSONDecoder reads, found by letting it fail on one:
    /// the line given is the failing copy's.
    @Test func repeatedMember() throws {
        struct K: Decodable { let k: Int }
        for document in ["{\"k\": 1,\n \"k\":\n \"TARGET\"}", "{\"k\":\n \"TARGET\",\n \"k\": 1}"] {
            let data = Data(document.utf8)
            do {
                _ = try JSONDecoder().decode(K.self, from: data)
            } catch DecodingError.typeMismatch(_, let context) {
                #expect(JSONValueLocator.line(of: context.codingPath, in: data) == Self.targetLine(document), "\(document)")
                return
            }
        }
        Issue.record("JSONDecoder read the integer copy both times")
    }

    /// A dictionary keyed by numbers, as JSONDecoder names its keys: "007" is found as spelt.
    @Test func numericMemberNames() throws {
        struct Map: Decodable { let m: [Int: Int] }
        let document = "{\"m\": {\"7\": 1,\n \"007\":\n \"TARGET\"}}"
        do {
            _ = try JSONDecoder().decode(Map.self, from: Data(document.utf8))
            Issue.record("expected a type error")
        } catch DecodingError.typeMismatch(_, let context) {
            #expect(JSONValueLocator.line(of: context.codingPath, in: Data(document.utf8)) == Self.targetLine(document))
        }
    }

    @Test(arguments: [
        [Step.key("items"), .index(3)],
        [Step.key("nope")],
        [Step.key("kind"), .key("x")],
        [Step.key("items"), .index(0), .key("objectRef"), .key("name")],
    ])
    func aPathNotInTheDocumentHasNoLine(path: [Step]) {
        #expect(JSONValueLocator.line(of: path, in: Data(Self.eventList.utf8)) == nil)
    }
}
