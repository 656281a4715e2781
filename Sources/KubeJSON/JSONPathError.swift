/// A JSONPath template that does not parse, or that cannot be evaluated on a document. The
/// messages are client-go's (`unclosed action`, `x is not found`, `array index out of bounds: …`)
/// so that a kubectl user recognises them; a parse error also says where it was found.
public struct JSONPathError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    /// 1-based character offset into the template where parsing stopped; nil for evaluation
    /// errors, which belong to the document rather than to a place in the template.
    public let position: Int?

    public init(_ message: String, position: Int? = nil) {
        self.message = message
        self.position = position
    }

    public var description: String {
        position.map { "\(message) at character \($0)" } ?? message
    }
}
