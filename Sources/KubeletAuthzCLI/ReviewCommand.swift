import ArgumentParser
import Foundation
import KubeJSON
import KubeletAuthzApp
import RBAC

struct ReviewCommand: AsyncParsableCommand, DocumentedByExamples {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Answer SubjectAccessReviews from stdin as the API server would on these RBAC objects.",
        discussion: """
        Reads one SubjectAccessReview (authorization.k8s.io/v1, or v1beta1 with its `group` field) \
        and writes it back with status.allowed and status.reason as the API server fills them. \
        Given JSON lines — one review per line — it answers one line per line, in order; a review \
        the API server would reject is answered {"error": <Status>} in its place and the exit \
        code is 2.
        """ + "\n\n" + HelpExamples.section(examples)
    )

    static let examples = """
        kubelet-authz review -f cluster/ < sar.json
        kubelet-authz review -f cluster/ < reviews.jsonl > answers.jsonl
        """

    @OptionGroup var input: ClusterInputOptions

    func run() async throws {
        let snapshot = try await input.load()
        let reviewer = SubjectAccessReviewer(authorizer: RBACAuthorizer(policy: snapshot.policy()))
        let data = ConsoleIO.current.readStdin()
        // Split on the byte: as a String, "\r\n" is one Character and never equals "\n".
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            String(decoding: line.last == UInt8(ascii: "\r") ? line.dropLast() : line, as: UTF8.self)
        }
        let nonEmpty = lines.filter { !$0.allSatisfy(\.isWhitespace) }
        guard !nonEmpty.isEmpty else {
            throw CLIError.badInput("stdin: no SubjectAccessReview (expected a JSON object, or JSON lines)")
        }
        // One JSON document (pretty or not) is a single review; otherwise each line is one.
        if (try? JSONSerialization.jsonObject(with: data)) != nil {
            let pretty = nonEmpty.count > 1
            switch ReviewAnswering.answer(data, reviewer: reviewer, location: "stdin") {
            case .success(let sar):
                ConsoleIO.out((pretty ? JSONWriter.pretty(sar.json) : JSONWriter.compact(sar.json)) + "\n")
            case .failure(let e):
                throw CLIError.badInput(e.message)
            }
            return
        }
        // A pretty-printed review (its first line a lone `{`) that does not parse is one broken
        // document: its syntax error, at its line, rather than an error for each of its lines.
        if nonEmpty.count > 1, nonEmpty[0].trimmingCharacters(in: .whitespaces) == "{", let syntax = JSONSyntaxError.find(in: data) {
            throw CLIError.badInput("stdin:\(syntax.line.map(String.init) ?? "?"): invalid JSON\(syntax.column.map { " at column \($0)" } ?? ""): \(syntax.message)")
        }
        var rejected: [Int] = []
        for (i, line) in lines.enumerated() where !line.allSatisfy(\.isWhitespace) {
            switch ReviewAnswering.answer(Data(line.utf8), reviewer: reviewer, location: "stdin:\(i + 1)") {
            case .success(let sar):
                ConsoleIO.out(JSONWriter.compact(sar.json) + "\n")
            case .failure(let e):
                rejected.append(i + 1)
                ConsoleIO.out(JSONWriter.compact(.object([("error", e.status)])) + "\n")
            }
        }
        if !rejected.isEmpty {
            let shown = rejected.prefix(10).map(String.init).joined(separator: ", ")
            ConsoleIO.err("error: \(rejected.count) of \(nonEmpty.count) reviews rejected (stdin line\(rejected.count == 1 ? "" : "s") \(shown)\(rejected.count > 10 ? ", …" : ""))\n")
            throw CLIError.silent(2)
        }
    }
}
