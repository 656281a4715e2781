/// Where an object came from, so findings and errors can send a person to the line.
public struct SourceLocation: Hashable, Sendable, Codable, CustomStringConvertible {
    /// A path on disk, `<stdin>`, or — for an object read from an API server (`cluster` set) —
    /// `CLUSTER/Kind/namespace/name`, which is not a file.
    public let file: String
    /// 1-based line of the object's first key, when known (YAML always; JSON when located).
    public let line: Int?
    /// 1-based document index in a multi-document YAML stream.
    public let document: Int?
    /// Set when the object was read from an API server: the kubeconfig context, else the
    /// server's host. Such a location names an object, never a file to open.
    public let cluster: String?
    /// For `helm template` output: the chart template the document was rendered from.
    public let template: TemplateOrigin?

    /// A chart template named by the `# Source: chart/templates/x.yaml` comment helm writes
    /// above each rendered document. Helm keeps no line numbers of its own, so `line` counts
    /// from that comment into the rendered document: exact for templates without
    /// line-removing directives above the object, close otherwise.
    public struct TemplateOrigin: Hashable, Sendable, Codable {
        public let path: String
        public let line: Int

        public init(path: String, line: Int) {
            self.path = path
            self.line = line
        }
    }

    public init(file: String, line: Int? = nil, document: Int? = nil, template: TemplateOrigin? = nil) {
        self.file = file
        self.line = line
        self.document = document
        self.cluster = nil
        self.template = template
    }

    /// An object read from an API server, cited as `CLUSTER/Kind/namespace/name`.
    public init(cluster: String, kind: String, namespace: String, name: String) {
        self.file = "\(cluster)/\(kind)/\(namespace.isEmpty ? "" : namespace + "/")\(name)"
        self.line = nil
        self.document = nil
        self.cluster = cluster
        self.template = nil
    }

    /// The same place, known to have been rendered from a chart template.
    public func rendered(from template: TemplateOrigin?) -> SourceLocation {
        SourceLocation(file: file, line: line, document: document, template: template)
    }

    /// A path that can be opened: not stdin, not an object on an API server, not a URL.
    public var isFile: Bool { cluster == nil && Self.isFilePath(file) }

    /// Whether an input's name is a path that can be opened (inputs are also `<stdin>` and
    /// API server URLs).
    public static func isFilePath(_ path: String) -> Bool { !(path.isEmpty || path == "<stdin>" || path.contains("://")) }

    public var description: String {
        let place: String
        if let line { place = "\(file):\(line)" } else if let document { place = "\(file) (document \(document))" } else { place = file }
        guard let template else { return place }
        return "\(place) (from \(template.path))"
    }
}

/// A problem in a file the user gave us, with the line when known (`file:line: message`).
public struct FileLineError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let line: Int?
    public let message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)" }
}
