import RBAC
import Testing

/// `fields.ParseSelector` and `labels.Parse`, vector by vector: what parses, into which
/// requirements, and what does not.
@Suite("selector grammars")
struct SelectorParserTests {
    @Test("field selectors", arguments: SelectorFixture.shared.fieldSelectorParse)
    func field(_ v: SelectorFixture.FieldParse) {
        let parsed = Result { () throws(FieldSelectorParser.ParseError) in try FieldSelectorParser.parse(v.selector) }
        check(v.selector, parsed.map { $0.map { .init(field: $0.field, operator: $0.operator.rawValue, value: $0.value) } },
              want: v.requirements, valid: v.valid, source: v.source)
    }

    @Test("label selectors", arguments: SelectorFixture.shared.labelSelectorParse)
    func label(_ v: SelectorFixture.LabelParse) {
        let parsed = Result { () throws(LabelSelectorParser.ParseError) in try LabelSelectorParser.parse(v.selector) }
        check(v.selector, parsed.map { $0.map { .init(key: $0.key, operator: $0.operator.rawValue, values: $0.values) } },
              want: v.requirements, valid: v.valid, source: v.source)
    }

    /// A vector without requirements must fail to parse; one with them must parse to them.
    private func check<R: Equatable, E: Error>(_ selector: String, _ parsed: Result<[R], E>, want: [R]?, valid: Bool, source: String) {
        #expect(valid == (want != nil), "the vector contradicts itself")
        switch (parsed, want) {
        case (.success(let got), let want?):
            #expect(got == want, "\(source)")
        case (.failure, nil):
            break
        case (.success(let got), nil):
            Issue.record("\(selector.debugDescription) parsed to \(got), expected an error (\(source))")
        case (.failure(let e), _?):
            Issue.record("\(selector.debugDescription) failed: \(e) (\(source))")
        }
    }

    @Test("parse errors say what Go says")
    func messages() {
        #expect(throws: FieldSelectorParser.ParseError.noOperator(selector: "a=b,c", term: "c")) {
            try FieldSelectorParser.parse("a=b,c")
        }
        #expect(FieldSelectorParser.ParseError.noOperator(selector: "a=b,c", term: "c").description
                == "invalid selector: 'a=b,c'; can't understand 'c'")
        #expect(throws: FieldSelectorParser.ParseError.invalidEscapeSequence(#"\x"#)) { try FieldSelectorParser.parse(#"a=b\x"#) }
        #expect(throws: FieldSelectorParser.ParseError.invalidEscapeSequence(#"\"#)) { try FieldSelectorParser.parse(#"a=b\"#) }
        #expect(throws: FieldSelectorParser.ParseError.unescapedCharacter("=")) { try FieldSelectorParser.parse("a=b=c") }
        #expect(throws: LabelSelectorParser.ParseError.unexpected(found: "", expected: "identifier after ','")) {
            try LabelSelectorParser.parse("a=b,")
        }
        #expect(throws: LabelSelectorParser.ParseError.unexpected(found: "c", expected: "',' or 'end of string'")) {
            try LabelSelectorParser.parse("a=b c")
        }
    }
}
