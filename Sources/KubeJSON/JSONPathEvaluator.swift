/// Runs a parsed `JSONPathTemplate` the way client-go's `util/jsonpath` does for kubectl: each
/// action's results are printed separated by one space — strings raw, numbers and booleans as Go
/// prints them, `null` for null, objects and arrays as compact JSON with sorted keys (Go's maps
/// marshal sorted). Where client-go depends on Go's random map order (`*` over an object) the
/// document's own order is used, so answers are reproducible.
struct JSONPathEvaluator {
    typealias Step = JSONPathTemplate.Step
    typealias Block = JSONPathTemplate.Block

    let allowMissingKeys: Bool

    func render(_ blocks: [Block], on value: JSONValue, into out: inout String) throws(JSONPathError) {
        for block in blocks {
            switch block {
            case .text(let text):
                out += text
            case .print(let steps):
                out += try evaluate(steps, on: [value]).map(Self.text).joined(separator: " ")
            case .range(let steps, let body):
                for element in try evaluate(steps, on: [value]) { try render(body, on: element, into: &out) }
            }
        }
    }

    func evaluate(_ steps: [Step], on input: [JSONValue]) throws(JSONPathError) -> [JSONValue] {
        var values = input
        for step in steps { values = try apply(step, to: values) }
        return values
    }

    func apply(_ step: Step, to input: [JSONValue]) throws(JSONPathError) -> [JSONValue] {
        switch step {
        case .literal(let v):
            // client-go: a string literal stands alone; a number or boolean once per value.
            if case .string = v { return [v] }
            return input.map { _ in v }
        case .field(let name):
            // No input, no output — and no error, even for a missing key.
            guard !input.isEmpty else { return [] }
            let found = input.compactMap { $0[name] }
            if found.isEmpty && !allowMissingKeys { throw JSONPathError("\(name) is not found") }
            return found
        case .wildcard:
            return input.flatMap(Self.children)
        case .recursive:
            return input.flatMap(descendants)
        case .union(let alternatives):
            var out: [JSONValue] = []
            for alternative in alternatives { out += try evaluate(alternative, on: input) }
            return out
        case .slice(let start, let end, let endDerived, let step):
            var out: [JSONValue] = []
            for value in input {
                if value == .null { continue }
                guard case .array(let items) = value else { throw JSONPathError("\(Self.typeName(value)) is not array or slice") }
                out += try slice(items, start: start, end: end, endDerived: endDerived, step: step)
            }
            return out
        case .filter(let left, let op, let right):
            var out: [JSONValue] = []
            for value in input {
                guard case .array(let items) = value else {
                    throw JSONPathError("\(Self.text(value)) is not array or slice and cannot be filtered")
                }
                for item in items {
                    if try keeps(item, left: left, op: op, right: right) { out.append(item) }
                }
            }
            return out
        }
    }

    func slice(_ items: [JSONValue], start: Int?, end: Int?, endDerived: Bool, step: Int?) throws(JSONPathError) -> [JSONValue] {
        let count = items.count
        var from = start ?? 0
        if from < 0 { from += count }
        var to = end ?? count
        if to < 0 || (to == 0 && endDerived) { to += count }
        // Asking for nothing is allowed anywhere, even out of bounds.
        if from == to { return [] }
        if from >= count || from < 0 { throw JSONPathError("array index out of bounds: index \(from), length \(count)") }
        if to > count || to < 0 { throw JSONPathError("array index out of bounds: index \(to - 1), length \(count)") }
        if from > to { throw JSONPathError("starting index \(from) is greater than ending index \(to)") }
        if let step, step <= 0 { throw JSONPathError("step must be > 0") }
        return Array(stride(from: from, to: to, by: step ?? 1).map { items[$0] })
    }

    func keeps(_ item: JSONValue, left: [Step], op: String, right: [Step]) throws(JSONPathError) -> Bool {
        if op == "exists" {
            // client-go ignores a lookup error here: a missing key simply does not exist.
            return ((try? evaluate(left, on: [item])) ?? []).isEmpty == false
        }
        let lefts = try evaluate(left, on: [item])
        if lefts.isEmpty { return false }
        guard lefts.count == 1 else { throw JSONPathError("can only compare one element at a time") }
        let rights = try evaluate(right, on: [item])
        if rights.isEmpty { return false }
        guard rights.count == 1 else { throw JSONPathError("can only compare one element at a time") }
        return try Self.compare(lefts[0], op, rights[0])
    }

    /// Go template comparison as client-go's fork does it: same kinds only (numbers are one kind
    /// here: documents do not say int or float the way Go's decoded values do), booleans only
    /// for equality, null, objects and arrays not at all.
    static func compare(_ a: JSONValue, _ op: String, _ b: JSONValue) throws(JSONPathError) -> Bool {
        let order: Int
        switch (a, b) {
        case (.string(let x), .string(let y)):
            order = x.utf8.elementsEqual(y.utf8) ? 0 : (x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : 1)
        case (.bool(let x), .bool(let y)):
            guard op == "==" || op == "!=" else { throw JSONPathError("invalid type for comparison") }
            order = x == y ? 0 : 1
        default:
            guard let x = number(a), let y = number(b) else {
                let comparable = { (v: JSONValue) in number(v) != nil || v.stringValue != nil || v.boolValue != nil }
                throw JSONPathError(comparable(a) && comparable(b) ? "incompatible types for comparison" : "invalid type for comparison")
            }
            order = x == y ? 0 : (x < y ? -1 : 1)
        }
        switch op {
        case "==": return order == 0
        case "!=": return order != 0
        case "<": return order < 0
        case ">": return order > 0
        case "<=": return order <= 0
        default: return order >= 0
        }
    }

    static func number(_ v: JSONValue) -> Double? {
        switch v {
        case .integer(let i): return Double(i)
        case .number(let d): return d
        default: return nil
        }
    }

    static func children(_ v: JSONValue) -> [JSONValue] {
        switch v {
        case .object(let pairs): return pairs.map(\.1)
        case .array(let items): return items
        default: return []
        }
    }

    /// Every value with children, and every non-empty string, in document order, parents first:
    /// client-go's recursive descent, whose later field step then picks keys out of them.
    func descendants(_ v: JSONValue) -> [JSONValue] {
        let kids = Self.children(v)
        if kids.isEmpty {
            if case .string(let s) = v, !s.isEmpty { return [v] }
            return []
        }
        return [v] + kids.flatMap(descendants)
    }

    static func typeName(_ v: JSONValue) -> String {
        switch v {
        case .object: return "map[string]interface {}"
        case .string: return "string"
        case .bool: return "bool"
        case .integer: return "int64"
        case .number: return "float64"
        case .array: return "[]interface {}"
        case .null: return "<nil>"
        }
    }

    /// One result as kubectl prints it.
    static func text(_ v: JSONValue) -> String {
        switch v {
        case .string(let s): return s
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .integer(let i): return String(i)
        case .number(let d): return goFloat(d)
        case .array, .object: return JSONWriter.compact(sortedKeys(v))
        }
    }

    /// Go's `%v` for a float64: shortest form, exponent only below 1e-4 or from 1e21 (whole
    /// numbers from 9e18 on print with an exponent here: no document of ours holds one).
    static func goFloat(_ d: Double) -> String {
        if d.isFinite, d == d.rounded(), abs(d) < 9e18 {
            return d == 0 && d.sign == .minus ? "-0" : String(Int64(d))
        }
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Inf" : "+Inf" }
        return "\(d)"
    }

    static func sortedKeys(_ v: JSONValue) -> JSONValue {
        switch v {
        case .object(let pairs):
            return .object(pairs.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }.map { ($0.0, sortedKeys($0.1)) })
        case .array(let items): return .array(items.map(sortedKeys))
        default: return v
        }
    }
}

extension JSONValue {
    var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }
}
