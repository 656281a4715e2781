import Foundation
import KubeJSON

/// The part of JSON Schema (2020-12) that the project's schemas use (collectors.schema.json,
/// Tests/Fixtures/serve-schemas): type, required, properties, additionalProperties false,
/// enum, items, minItems, maxItems, minLength, pattern, $ref to $defs, anyOf. Enough to hold
/// the data to the schema file itself rather than to a copy of
/// its rules in Swift; a keyword outside this set fails the check, so the schema cannot grow
/// rules the test silently ignores.
public struct SchemaValidator {
    public let root: JSONValue

    public init(root: JSONValue) { self.root = root }

    static let understood: Set<String> = ["$schema", "$id", "title", "description", "type", "required", "properties",
                                          "additionalProperties", "enum", "items", "minItems", "maxItems", "minLength", "pattern", "$ref", "$defs", "anyOf"]

    public func validate(_ value: JSONValue) -> [String] { check(value, root, at: "$") }

    func check(_ value: JSONValue, _ schema: JSONValue, at path: String) -> [String] {
        guard case .object(let keywords) = schema else { return ["\(path): schema is not an object"] }
        var errors: [String] = []
        for (key, _) in keywords where !Self.understood.contains(key) { errors.append("\(path): schema keyword \(key) is not understood by the test") }
        if let ref = schema["$ref"]?.stringValue {
            guard ref.hasPrefix("#/$defs/"), let target = root["$defs"]?[String(ref.dropFirst(8))] else { return ["\(path): unresolved \(ref)"] }
            errors += check(value, target, at: path)
        }
        if let type = schema["type"] {
            let allowed: [String] = { if case .array(let a) = type { return a.compactMap(\.stringValue) }; return [type.stringValue ?? ""] }()
            if !allowed.contains(Self.typeName(value)) { errors.append("\(path): is \(Self.typeName(value)), want \(allowed.joined(separator: " or "))"); return errors }
        }
        if case .array(let options)? = schema["enum"], !options.contains(value) { errors.append("\(path): \(value) is not in the enum") }
        if case .string(let s) = value {
            if case .integer(let n)? = schema["minLength"], s.count < n { errors.append("\(path): shorter than \(n)") }
            if let pattern = schema["pattern"]?.stringValue, s.range(of: pattern, options: .regularExpression) == nil {
                errors.append("\(path): \"\(s)\" does not match \(pattern)")
            }
        }
        if case .array(let items) = value {
            if case .integer(let n)? = schema["minItems"], items.count < n { errors.append("\(path): \(items.count) items, fewer than \(n)") }
            if case .integer(let n)? = schema["maxItems"], items.count > n { errors.append("\(path): \(items.count) items, more than \(n)") }
            if let itemSchema = schema["items"] {
                for (i, item) in items.enumerated() { errors += check(item, itemSchema, at: "\(path)[\(i)]") }
            }
        }
        if case .object(let members) = value {
            if case .array(let required)? = schema["required"] {
                for name in required.compactMap(\.stringValue) where value[name] == nil { errors.append("\(path).\(name): required") }
            }
            let properties = schema["properties"]
            for (name, member) in members {
                if let sub = properties?[name] { errors += check(member, sub, at: "\(path).\(name)") }
                else if schema["additionalProperties"] == .bool(false) { errors.append("\(path).\(name): not allowed") }
            }
        }
        if case .array(let options)? = schema["anyOf"], !options.contains(where: { check(value, $0, at: path).isEmpty }) {
            errors.append("\(path): matches none of anyOf")
        }
        return errors
    }

    static func typeName(_ v: JSONValue) -> String {
        switch v {
        case .null: return "null"
        case .bool: return "boolean"
        case .integer: return "integer"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}
