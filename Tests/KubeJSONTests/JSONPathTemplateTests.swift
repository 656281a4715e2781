import Foundation
import KubeJSON
import TestSupport
import Testing

/// kubectl's JSONPath, held to client-go's own test cases (Tests/Fixtures/jsonpath-templates.json
/// names the upstream case each row mirrors).
@Suite("JSONPath templates")
struct JSONPathTemplateTests {
    struct Fixture: Decodable {
        struct Case: Decodable, CustomTestStringConvertible, Sendable {
            let upstream: String
            let input: String
            let template: String
            let allowMissingKeys: Bool
            let expect: String?
            let error: String?
            var testDescription: String { upstream }
        }
        let documents: [String: JSONValue]
        let cases: [Case]
    }

    static let fixture: Fixture = {
        do { return try JSONDecoder().decode(Fixture.self, from: Fixtures.data("jsonpath-templates.json")) } catch {
            fatalError("jsonpath-templates.json does not decode: \(error)")
        }
    }()

    @Test("client-go's cases", arguments: fixture.cases)
    func upstreamCase(_ c: Fixture.Case) throws {
        let document = try #require(Self.fixture.documents[c.input], "no document \(c.input)")
        let result: Result<String, JSONPathError> = Result { () throws(JSONPathError) in
            try JSONPathTemplate(c.template).render(document, allowMissingKeys: c.allowMissingKeys)
        }
        switch (result, c.expect, c.error) {
        case (.success(let out), let expected?, nil): #expect(out == expected)
        case (.failure(let e), nil, let expected?): #expect(e.description == expected)
        case (.success(let out), _, let expected?): Issue.record("expected error \(expected), printed \(out.debugDescription)")
        case (.failure(let e), _, _): Issue.record("unexpected error \(e)")
        default: Issue.record("a row needs expect or error")
        }
    }

    @Test("a parse error names its position in the template")
    func parsePosition() {
        #expect(throws: JSONPathError("unclosed action", position: 10)) { try JSONPathTemplate("name: {.a") .render(.null) }
        #expect(throws: JSONPathError("unrecognized identifier items", position: 3)) { try JSONPathTemplate("{ items[*]}") }
    }

    @Test("objects print as compact JSON with sorted keys, strings raw, results joined by a space")
    func printing() throws {
        let doc = JSONValue.object([("b", .string("x<y")), ("a", .array([.integer(1), .number(2.5), .null, .bool(true)]))])
        #expect(try JSONPathTemplate("{@}").render(doc) == #"{"a":[1,2.5,null,true],"b":"x\u003cy"}"#)
        #expect(try JSONPathTemplate("{.a[*]}|{.b}").render(doc) == "1 2.5 null true|x<y")
    }
}
