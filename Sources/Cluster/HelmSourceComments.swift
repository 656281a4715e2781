import RBAC

/// The `# Source: CHART/templates/FILE.yaml` comments `helm template` writes above each
/// rendered document, so a finding in `helm template … | kubelet-authz scan -f -` can point at
/// the chart's template instead of a line of a stream nobody saved.
struct HelmSourceComments: Sendable {
    /// 1-based line of each comment, ascending, with the template path it names.
    private let comments: [(line: Int, path: String)]
    /// 1-based lines holding a document separator (`---`), ascending.
    private let separators: [Int]

    static let marker = "# Source: "

    /// Nil when the text has no such comment, which is every input that is not helm output.
    init?(_ text: String) {
        guard text.contains(Self.marker) else { return nil }
        var comments: [(Int, String)] = []
        var separators: [Int] = []
        var number = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.hasPrefix(Self.marker) {
                let path = line.dropFirst(Self.marker.count).trimmingTrailingSpaces()
                if !path.isEmpty { comments.append((number, path)) }
            } else if line == "---" || line.hasPrefix("--- ") {
                separators.append(number)
            }
        }
        guard !comments.isEmpty else { return nil }
        self.comments = comments
        self.separators = separators
    }

    /// The template of the document holding `line`: the last comment above it with no
    /// document separator between them.
    func template(at line: Int?) -> SourceLocation.TemplateOrigin? {
        guard let line, let comment = comments.last(where: { $0.line < line }) else { return nil }
        if separators.contains(where: { $0 > comment.line && $0 <= line }) { return nil }
        return SourceLocation.TemplateOrigin(path: comment.path, line: line - comment.line)
    }
}

private extension Substring {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while let last = s.last, last == " " || last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
