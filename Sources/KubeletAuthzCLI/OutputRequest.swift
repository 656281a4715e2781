import ArgumentParser
import Foundation
import KubeJSON

/// What `-o` asked for, in kubectl's spellings: one of the command's own formats, `name`
/// where a command lists things that have names, or a JSONPath template evaluated over exactly
/// the document `-o json` prints (`jsonpath=TEMPLATE`, `jsonpath-file=FILE`).
enum OutputRequest<Format: RawRepresentable & CaseIterable> where Format.RawValue == String {
    case format(Format)
    case name
    case jsonPath(JSONPathTemplate)

    /// - Parameter names: the command answers `-o name`.
    init(_ text: String, names: Bool, command: String) throws(CLIError) {
        if let format = Format(rawValue: text) { self = .format(format); return }
        if text == "name" && names { self = .name; return }
        let supported = Self.supported(names: names)
        let (kind, value) = text.firstIndex(of: "=").map { (String(text[..<$0]), String(text[text.index(after: $0)...])) } ?? (text, nil)
        switch (kind, value) {
        case ("jsonpath", let template?):
            self = .jsonPath(try Self.template(template, from: nil))
        case ("jsonpath-file", let path?):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .badInput("-o jsonpath-file: the path \"\(path)\" does not exist or cannot be read")
            }
            // A file written by an editor ends with a newline the template does not mean.
            var template = String(decoding: data, as: UTF8.self)
            if template.hasSuffix("\n") { template.removeLast() }
            self = .jsonPath(try Self.template(template, from: path))
        case ("jsonpath", nil), ("jsonpath-file", nil):
            throw .badInput("-o \(kind) needs a template: -o jsonpath='{.items[*].name}' or -o jsonpath-file=FILE")
        default:
            throw .badInput("-o \(text): \(command) prints \(supported.joined(separator: ", "))")
        }
    }

    /// What the shells offer after `-o`: the formats, and the template forms to complete by hand.
    static func completion(names: Bool) -> CompletionKind {
        .list(Format.allCases.map(\.rawValue) + (names ? ["name"] : []) + ["jsonpath=", "jsonpath-file="])
    }

    static func supported(names: Bool) -> [String] {
        Format.allCases.map(\.rawValue) + (names ? ["name"] : []) + ["jsonpath=TEMPLATE", "jsonpath-file=FILE"]
    }

    static func template(_ text: String, from file: String?) throws(CLIError) -> JSONPathTemplate {
        do { return try JSONPathTemplate(text) } catch {
            var message = "-o jsonpath\(file.map { "-file \($0)" } ?? ""): \(error)"
            if let position = error.position, !text.contains("\n") {
                message += "\n  \(text)\n  " + String(repeating: " ", count: position - 1) + "^"
            }
            throw .badInput(message)
        }
    }

    /// Prints `document` as `-o json` does, member by member and item by item, or what the
    /// template makes of it: JSONPath needs the whole tree, so a template builds it.
    func writeJSON(_ document: StreamedObject) throws(CLIError) {
        guard case .jsonPath = self else {
            JSONWriter.pretty(document) { ConsoleIO.out(bytes: $0) }
            ConsoleIO.out("\n")
            return
        }
        try writeJSON(document.tree)
    }

    /// Prints `document` as `-o json` does, or what the template makes of it.
    func writeJSON(_ document: JSONValue) throws(CLIError) {
        guard case .jsonPath(let template) = self else {
            // Streamed: a report of a large cluster is hundreds of megabytes.
            JSONWriter.pretty(document) { ConsoleIO.out(bytes: $0) }
            ConsoleIO.out("\n")
            return
        }
        do { ConsoleIO.out(try template.render(document)) } catch {
            throw .badInput("-o jsonpath: error executing template \(template.source): \(error)")
        }
    }
}
