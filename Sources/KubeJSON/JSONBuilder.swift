/// A JSON document told value by value, in document order. A report written once against it
/// comes out as a tree (`JSONTreeBuilder`, for JSONPath) or as pretty bytes straight away
/// (`PrettyJSONBuffer`, for `-o json`), with one description of its shape for both.
public protocol JSONBuilder {
    mutating func beginObject()
    mutating func endObject()
    mutating func beginArray()
    mutating func endArray()
    /// The next member's key; its value follows.
    mutating func key(_ key: String)
    mutating func string(_ s: String)
    mutating func integer(_ i: Int)
    mutating func number(_ d: Double)
    mutating func bool(_ b: Bool)
    mutating func null()
}

extension JSONBuilder {
    public mutating func object(_ body: (inout Self) -> Void) {
        beginObject()
        body(&self)
        endObject()
    }

    public mutating func array(_ body: (inout Self) -> Void) {
        beginArray()
        body(&self)
        endArray()
    }

    public mutating func strings(_ values: [String]) {
        beginArray()
        for v in values { string(v) }
        endArray()
    }

    /// A string, or `null` for `nil`.
    public mutating func string(orNull s: String?) {
        if let s { string(s) } else { null() }
    }

    /// Any prebuilt value: for the small parts of a document not worth writing by hand.
    public mutating func value(_ v: JSONValue) {
        switch v {
        case .null: null()
        case .bool(let b): bool(b)
        case .integer(let i): integer(i)
        case .number(let d): number(d)
        case .string(let s): string(s)
        case .array(let items):
            beginArray()
            for item in items { value(item) }
            endArray()
        case .object(let pairs):
            beginObject()
            for (k, item) in pairs { key(k); value(item) }
            endObject()
        }
    }
}
