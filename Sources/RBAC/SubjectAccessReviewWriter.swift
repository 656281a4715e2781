import KubeJSON

extension SubjectAccessReview {
    /// The bytes `JSONWriter.compact(json)` writes, without building the `JSONValue` tree
    /// first: the webhook answers every review with them, and the tree was most of the
    /// answer's cost. A differential test holds the two to the same bytes.
    public func writeJSON(into out: inout [UInt8]) {
        out += #"{"kind":"SubjectAccessReview","apiVersion":"#.utf8
        JSONWriter.writeString(version.rawValue, into: &out)
        out += #","metadata":"#.utf8
        JSONWriter.writeCompact(metadata, into: &out)
        out += #","spec":"#.utf8
        var spec = Members(&out)
        if let r = resourceAttributes {
            spec.name("resourceAttributes", &out)
            var a = Members(&out)
            a.string("namespace", r.namespace, &out)
            a.string("verb", r.verb, &out)
            a.string("group", r.group, &out)
            a.string("version", r.version, &out)
            a.string("resource", r.resource, &out)
            a.string("subresource", r.subresource, &out)
            a.string("name", r.name, &out)
            if let f = r.fieldSelector { a.name("fieldSelector", &out); JSONWriter.writeCompact(f.json, into: &out) }
            if let l = r.labelSelector { a.name("labelSelector", &out); JSONWriter.writeCompact(l.json, into: &out) }
            out.append(UInt8(ascii: "}"))
        }
        if let n = nonResourceAttributes {
            spec.name("nonResourceAttributes", &out)
            var a = Members(&out)
            a.string("path", n.path, &out)
            a.string("verb", n.verb, &out)
            out.append(UInt8(ascii: "}"))
        }
        spec.string("user", user, &out)
        if !groups.isEmpty {
            spec.name(version == .v1 ? "groups" : "group", &out)
            Self.writeStrings(groups, into: &out)
        }
        if !extra.isEmpty {
            spec.name("extra", &out)
            out.append(UInt8(ascii: "{"))
            for (k, key) in extra.keys.sorted().enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                JSONWriter.writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                Self.writeStrings(extra[key]!, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        spec.string("uid", uid, &out)
        out.append(UInt8(ascii: "}"))
        let s = status ?? Status(allowed: false)
        out += (s.allowed ? #","status":{"allowed":true"# : #","status":{"allowed":false"#).utf8
        if s.denied { out += #","denied":true"#.utf8 }
        var rest = Members(continuing: ())
        rest.string("reason", s.reason, &out)
        rest.string("evaluationError", s.evaluationError, &out)
        out += "}}".utf8
    }

    private static func writeStrings(_ values: [String], into out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (k, v) in values.enumerated() {
            if k > 0 { out.append(UInt8(ascii: ",")) }
            JSONWriter.writeString(v, into: &out)
        }
        out.append(UInt8(ascii: "]"))
    }
}

/// The members of an object being written, as `JSONWriter` writes an `.object` built with
/// `JSONValue.object(_:)`: in the order given, a comma between, empty strings left out (Go's
/// `omitempty`). The caller writes the closing brace.
private struct Members {
    private var first: Bool

    /// Opens an object.
    init(_ out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        first = true
    }

    /// Goes on in an object that already has members.
    init(continuing: Void) { first = false }

    /// `name` is a field name: ASCII with nothing to escape.
    mutating func name(_ name: StaticString, _ out: inout [UInt8]) {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        out += "\":".utf8
    }

    mutating func string(_ name: StaticString, _ value: String, _ out: inout [UInt8]) {
        guard !value.isEmpty else { return }
        self.name(name, &out)
        JSONWriter.writeString(value, into: &out)
    }
}
