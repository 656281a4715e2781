/// A decoding error's coding path as a person reads it: `rules[0].verbs`.
extension Array where Element == CodingKey {
    public var dottedPath: String {
        if isEmpty { return "(document)" }
        var out = ""
        for key in self {
            if let i = key.intValue { out += "[\(i)]" } else { out += (out.isEmpty ? "" : ".") + key.stringValue }
        }
        return out
    }
}
