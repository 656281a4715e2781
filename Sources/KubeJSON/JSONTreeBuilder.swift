/// A `JSONBuilder` that builds the `JSONValue` tree: what JSONPath evaluates over, and what the
/// streamed writers are held to in tests.
public struct JSONTreeBuilder: JSONBuilder {
    private enum Frame {
        case object([(String, JSONValue)], key: String?)
        case array([JSONValue])
    }

    private var stack: [Frame] = []
    /// The finished top-level value.
    public private(set) var result: JSONValue = .null

    public init() {}

    /// The value `write` builds.
    public static func build(_ write: (inout JSONTreeBuilder) -> Void) -> JSONValue {
        var b = JSONTreeBuilder()
        write(&b)
        return b.result
    }

    private mutating func add(_ v: JSONValue) {
        guard let top = stack.popLast() else { result = v; return }
        switch top {
        case .object(var pairs, let key):
            pairs.append((key ?? "", v))
            stack.append(.object(pairs, key: nil))
        case .array(var items):
            items.append(v)
            stack.append(.array(items))
        }
    }

    public mutating func beginObject() { stack.append(.object([], key: nil)) }
    public mutating func beginArray() { stack.append(.array([])) }

    public mutating func endObject() {
        guard case .object(let pairs, _)? = stack.popLast() else { preconditionFailure("endObject outside an object") }
        add(.object(pairs))
    }

    public mutating func endArray() {
        guard case .array(let items)? = stack.popLast() else { preconditionFailure("endArray outside an array") }
        add(.array(items))
    }

    public mutating func key(_ key: String) {
        guard case .object(let pairs, _)? = stack.popLast() else { preconditionFailure("key outside an object") }
        stack.append(.object(pairs, key: key))
    }

    public mutating func string(_ s: String) { add(.string(s)) }
    public mutating func integer(_ i: Int) { add(.integer(i)) }
    public mutating func number(_ d: Double) { add(.number(d)) }
    public mutating func bool(_ b: Bool) { add(.bool(b)) }
    public mutating func null() { add(.null) }
}
