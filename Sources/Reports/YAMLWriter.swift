import KubeJSON
import Yams

/// Writes any `JSONValue` as YAML with Yams, keeping key order.
public enum YAMLWriter {
    public static func yaml(_ value: JSONValue) throws -> String {
        try Yams.serialize(node: node(value), indent: 2, width: -1, allowUnicode: true)
    }

    static func node(_ v: JSONValue) -> Node {
        switch v {
        case .null: return Node("null", Tag(.null))
        case .bool(let b): return Node(b ? "true" : "false", Tag(.bool))
        case .integer(let i): return Node(String(i), Tag(.int))
        case .number(let d): return Node(String(d), Tag(.float))
        case .string(let s): return Node(s, Tag(.str), .doubleQuoted).plainWhenSafe(s)
        case .array(let items): return Node(items.map(node))
        case .object(let pairs): return Node(pairs.map { (Node($0.0), node($0.1)) })
        }
    }
}

extension Node {
    /// Quote only strings YAML would read as something else.
    func plainWhenSafe(_ s: String) -> Node {
        let resolved = Resolver.default.resolveTag(of: Node(s))
        if resolved == .str, !s.isEmpty, !s.hasPrefix(" "), !s.hasSuffix(" "), !s.contains(": "), !s.contains(" #"),
           !"-?:,[]{}#&*!|>'\"%@`".contains(s.first!) {
            return Node(s, Tag(.str), .plain)
        }
        return self
    }
}
