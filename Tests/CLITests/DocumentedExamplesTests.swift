import CLITestSupport
import Foundation
import TestSupport
import Testing

/// Every `$ kubelet-authz …` example in the README and docs/COMMANDS.md is run, and the output
/// it shows must be what the command prints today: lines in order, `…` standing for lines left
/// out, `(stderr) ` marking a line of standard error. Examples that need a live cluster
/// (`--kubeconfig`) are left to the live tests.
@Suite("Documented examples print what the docs show")
struct DocumentedExamplesTests {
    struct Example: CustomStringConvertible, Sendable {
        let file: String
        let line: Int
        let arguments: [String]
        let stdin: String
        let expected: [String]
        var description: String { "\(file):\(line)" }
    }

    static let documents = ["README.md", "docs/COMMANDS.md"]

    static func examples() -> [Example] {
        documents.flatMap { doc -> [Example] in
            guard let text = try? String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent(doc), encoding: .utf8) else { return [] }
            return parse(text, file: doc)
        }
    }

    static func parse(_ text: String, file: String) -> [Example] {
        let lines = text.components(separatedBy: "\n")
        var out: [Example] = []
        var i = 0
        while i < lines.count {
            defer { i += 1 }
            guard lines[i].hasPrefix("```"), i + 1 < lines.count, lines[i + 1].hasPrefix("$ ") else { continue }
            let start = i + 2
            var command = String(lines[i + 1].dropFirst(2))
            var j = i + 2
            while command.hasSuffix("\\"), j < lines.count {
                command = String(command.dropLast()) + " " + lines[j].trimmingCharacters(in: .whitespaces)
                j += 1
            }
            var body: [String] = []
            while j < lines.count, !lines[j].hasPrefix("```") { body.append(lines[j]); j += 1 }
            i = j
            guard !command.contains("--kubeconfig") else { continue }
            var stdin = ""
            if command.hasPrefix("echo '"), let pipe = command.range(of: "' | ") {
                stdin = String(command[command.index(command.startIndex, offsetBy: 6)..<pipe.lowerBound]) + "\n"
                command = String(command[pipe.upperBound...]).trimmingCharacters(in: .whitespaces)
            }
            let words = split(command)
            guard words.first == "kubelet-authz" else { continue }
            out.append(Example(file: file, line: start, arguments: Array(words.dropFirst()), stdin: stdin, expected: body))
        }
        return out
    }

    /// Words as a POSIX shell splits them, for the quoting the docs use.
    static func split(_ command: String) -> [String] {
        var words: [String] = [], word = "", quote: Character? = nil, inWord = false
        for c in command {
            if let q = quote {
                if c == q { quote = nil } else { word.append(c) }
            } else if c == "'" || c == "\"" {
                quote = c; inWord = true
            } else if c == " " {
                if inWord { words.append(word); word = ""; inWord = false }
            } else {
                word.append(c); inWord = true
            }
        }
        if inWord { words.append(word) }
        return words
    }

    /// The docs' paths are relative to the repository, where `swift test` runs.
    static let atRepositoryRoot = FileManager.default.currentDirectoryPath == Fixtures.repositoryRoot.standardized.path

    @Test("the docs hold examples to check")
    func found() {
        let all = Self.examples()
        #expect(all.count >= 6, "\(all)")
        #expect(all.contains { $0.file == "README.md" && $0.arguments == ["scan", "--demo"] })
    }

    @Test("each example's output", .enabled(if: atRepositoryRoot, "the docs' relative paths need the repository as the working directory"),
          arguments: examples())
    func output(_ example: Example) async throws {
        let r = await kubeletAuthz(example.arguments, stdin: example.stdin)
        #expect(r.code == 0, "\(example): exit \(r.code): \(r.err)")
        let stdout = r.out.components(separatedBy: "\n").map(Self.trimmed)
        let stderr = r.err.components(separatedBy: "\n").map(Self.trimmed)
        var position = (out: 0, err: 0)
        var previousWasGap = true
        for (offset, shown) in example.expected.enumerated() {
            if shown.trimmingCharacters(in: .whitespaces) == "…" { previousWasGap = true; continue }
            let isErr = shown.hasPrefix("(stderr) ")
            let want = Self.trimmed(isErr ? String(shown.dropFirst("(stderr) ".count)) : shown)
            let actual = isErr ? stderr : stdout
            let from = isErr ? position.err : position.out
            // Without a `…` before it, a line must follow the previous one directly.
            let found = previousWasGap || isErr ? actual[from...].firstIndex(of: want) : (from < actual.count && actual[from] == want ? from : nil)
            guard let at = found else {
                Issue.record("\(example.file):\(example.line + offset): the docs show\n\(want)\nbut the command printed\n\((isErr ? r.err : r.out).prefix(3000))")
                return
            }
            if isErr { position.err = at + 1 } else { position.out = at + 1; previousWasGap = false }
        }
    }

    static func trimmed(_ s: String) -> String {
        var t = Substring(s)
        while t.last == " " { t = t.dropLast() }
        return String(t)
    }
}
