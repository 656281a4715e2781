/// Examples in `--help`, kept whole for copy and paste. swift-argument-parser 1.8.2 wraps a
/// command's discussion at spaces to the terminal's width (`wrapped(to:)`; no form is kept
/// as is), but never breaks a line that fits: so an example line must be shorter than the
/// narrowest terminal, 80 columns, and longer commands continue on the next line with `\`.
protocol DocumentedByExamples {
    /// Shell lines, one example per line or continued with `\`, each at most
    /// `HelpExamples.maxWidth` columns once indented.
    static var examples: String { get }
}

enum HelpExamples {
    /// A line of 79 columns and its newline fit in a wrap chunk of 80 columns.
    static let maxWidth = 79
    static let indent = "  "

    /// The discussion's closing section: "Examples:" and the lines, indented.
    static func section(_ examples: String) -> String {
        "Examples:\n" + lines(examples).map { indent + $0 }.joined(separator: "\n")
    }

    static func lines(_ examples: String) -> [String] {
        examples.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }
}
