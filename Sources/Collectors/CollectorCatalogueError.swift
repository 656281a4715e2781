/// Why the catalogue could not be read, naming the field (`collectors[3].status`) so that an
/// edit to the data is fixed where it was made.
public struct CollectorCatalogueError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `collectors[3].kubeletPaths[0].path`, or `(document)`.
    public let field: String
    public let problem: String

    public init(field: String, problem: String) {
        self.field = field
        self.problem = problem
    }

    public var description: String { "collector catalogue: \(field): \(problem)" }
}
