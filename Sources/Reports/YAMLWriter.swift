import KubeJSON
import Yams

/// Writes any `JSONValue` as YAML with Yams, keeping key order.
public enum YAMLWriter {
    public static func yaml(_ value: JSONValue) throws -> String {
        try serialize(node(value))
    }

    /// `object` as YAML handed to `emit` in pieces of about `chunk` bytes, each member and each
    /// array item serialised on its own and dropped: libyaml writes a sequence under a mapping
    /// key unindented (`key:` then `- item` at the key's column), so the fragments join into the
    /// document `yaml(object.tree)` writes.
    public static func yaml(_ object: StreamedObject, chunk: Int = 1 << 20, emit: (String) -> Void) throws {
        guard !object.members.isEmpty else { emit(try yaml(object.tree)); return }
        var out = ""
        func add(_ fragment: String) {
            out += fragment
            if out.utf8.count >= chunk { emit(out); out = "" }
        }
        for member in object.members {
            switch member {
            case .value(let key, let value):
                add(try serialize(Node([(Node(key), node(value))])))
            case .items(let key, let count, let item, _):
                guard count > 0 else { add(try serialize(Node([(Node(key), Node([Node]()))]))); continue }
                // The first item with its key, so Yams quotes the key as it would in the whole.
                add(try serialize(Node([(Node(key), Node([node(item(0))]))])))
                for i in 1..<count { add(try serialize(Node([node(item(i))]))) }
            }
        }
        if !out.isEmpty { emit(out) }
    }

    static func serialize(_ node: Node) throws -> String {
        try Yams.serialize(node: node, indent: 2, width: -1, allowUnicode: true)
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
