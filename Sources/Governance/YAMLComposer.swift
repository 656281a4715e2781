import Foundation
import RBAC
import Yams

/// One YAML (or JSON) document as a node tree with line marks, and Yams' syntax errors as
/// `file:line: invalid …` errors: what every strict reader of a user's file starts from.
enum YAMLComposer {
    /// - Parameter language: how the error names what was expected (`YAML`, `YAML or JSON`).
    static func root(_ data: Data, source: String, language: String = "YAML") throws(FileLineError) -> Node? {
        guard let text = String(data: data, encoding: .utf8) else { throw FileLineError(file: source, line: nil, message: "not UTF-8 text") }
        do { return try Yams.compose(yaml: text) } catch {
            if case YamlError.scanner(_, let problem, let mark, _) = error { throw FileLineError(file: source, line: mark.line, message: "invalid \(language): \(problem)") }
            if case YamlError.parser(_, let problem, let mark, _) = error { throw FileLineError(file: source, line: mark.line, message: "invalid \(language): \(problem)") }
            throw FileLineError(file: source, line: nil, message: "invalid \(language): \(error)")
        }
    }
}
