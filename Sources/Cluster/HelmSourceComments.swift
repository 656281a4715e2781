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
        guard Self.mayHold(text) else { return nil }
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

    /// Whether `text` holds the marker at all: a byte search, because Foundation's
    /// `contains` goes through NSString and was a third of a 23 MB dump's whole scan.
    static func mayHold(_ text: String) -> Bool {
        let marker: [UInt8] = Array(Self.marker.utf8)
        let found: Bool? = text.utf8.withContiguousStorageIfAvailable { buf in
            let n = buf.count, m = marker.count
            var i = 0
            while i + m <= n {
                if buf[i] == marker[0] {
                    var j = 1
                    while j < m && buf[i + j] == marker[j] { j += 1 }
                    if j == m { return true }
                }
                i += 1
            }
            return false
        }
        return found ?? text.contains(Self.marker)
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
