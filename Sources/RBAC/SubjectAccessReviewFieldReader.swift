import KubeJSON
#if canImport(Glibc)
import Glibc
#endif

/// Reads a SubjectAccessReview straight from the request's bytes, for the webhook's hot path.
///
/// `JSONDecoder` (in `SubjectAccessReview.decode`) stays the reference: anything this reader
/// does not expect — an escape in a string, a number or array in `metadata`, a selector, a
/// `null` inside a list, a repeated key, a syntax error — makes it return nil, and the body
/// is decoded by `JSONDecoder`, which also words the error. A differential test holds the two
/// to the same result. It exists because `JSONDecoder` was a fifth of the server's CPU per
/// review under load (perf, issue 13), as much as the TLS record layer.
struct SubjectAccessReviewFieldReader {
    private let p: UnsafePointer<UInt8>
    private let n: Int
    private var i = 0

    private struct Unsupported: Error {}

    /// How deep a skipped or `metadata` value may nest before the reference reads the body.
    /// The reader recurses: a 1 MiB body of `[` would otherwise run an event loop's stack out;
    /// `JSONDecoder` refuses more than 512 levels with an error of its own.
    static let maxDepth = 64

    private init(_ p: UnsafePointer<UInt8>, _ n: Int) {
        self.p = p
        self.n = n
    }

    /// The review, or nil when `JSONDecoder` must decide.
    static func read(_ buffer: UnsafeRawBufferPointer) -> SubjectAccessReview? {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return nil }
        var reader = SubjectAccessReviewFieldReader(base.assumingMemoryBound(to: UInt8.self), buffer.count)
        return try? reader.review()
    }

    private mutating func review() throws(Unsupported) -> SubjectAccessReview {
        var apiVersion: String?, kind: String?, metadata: JSONValue?
        var spec: (ra: SubjectAccessReview.ResourceAttributes?, nra: SubjectAccessReview.NonResourceAttributes?,
                   user: String?, groups: [String]?, group: [String]?, extra: [String: [String]]?, uid: String?)?
        var seen = KnownKeys()
        try members { key, r throws(Unsupported) in
            switch key {
            case "apiVersion": try seen.first(0); apiVersion = try r.optionalString()
            case "kind": try seen.first(1); kind = try r.optionalString()
            case "metadata": try seen.first(2); metadata = try r.isNull() ? nil : r.metadataValue()
            case "spec":
                try seen.first(3)
                if r.isNull() { spec = nil; return }
                var s: (ra: SubjectAccessReview.ResourceAttributes?, nra: SubjectAccessReview.NonResourceAttributes?,
                        user: String?, groups: [String]?, group: [String]?, extra: [String: [String]]?, uid: String?)
                s = (nil, nil, nil, nil, nil, nil, nil)
                var seenInSpec = KnownKeys()
                try r.members { key, r throws(Unsupported) in
                    switch key {
                    case "resourceAttributes": try seenInSpec.first(0); s.ra = try r.isNull() ? nil : r.resourceAttributes()
                    case "nonResourceAttributes": try seenInSpec.first(1); s.nra = try r.isNull() ? nil : r.nonResourceAttributes()
                    case "user": try seenInSpec.first(2); s.user = try r.optionalString()
                    case "groups": try seenInSpec.first(3); s.groups = try r.optionalStrings()
                    case "group": try seenInSpec.first(4); s.group = try r.optionalStrings()
                    case "uid": try seenInSpec.first(5); s.uid = try r.optionalString()
                    case "extra":
                        try seenInSpec.first(6)
                        if r.isNull() { s.extra = nil; return }
                        var extra: [String: [String]] = [:]
                        try r.object { key, r throws(Unsupported) in
                            // `[String: [String]]` refuses a null value: the reference's error.
                            guard let values = try r.optionalStrings() else { throw Unsupported() }
                            extra[key] = values
                        }
                        s.extra = extra
                    default: try r.skipValue()
                    }
                }
                spec = s
            default: try r.skipValue()
            }
        }
        skipSpace()
        guard i == n else { throw Unsupported() }
        // The type check and its error are the reference decoder's.
        guard kind == "SubjectAccessReview", let version = apiVersion.flatMap(SubjectAccessReview.Version.init(rawValue:)) else {
            throw Unsupported()
        }
        var sar = SubjectAccessReview(version: version)
        sar.metadata = metadata ?? .object([])
        sar.resourceAttributes = spec?.ra
        sar.nonResourceAttributes = spec?.nra
        sar.user = spec?.user ?? ""
        sar.groups = (version == .v1 ? spec?.groups : spec?.group) ?? []
        sar.extra = spec?.extra ?? [:]
        sar.uid = spec?.uid ?? ""
        return sar
    }

    private mutating func resourceAttributes() throws(Unsupported) -> SubjectAccessReview.ResourceAttributes {
        var r = SubjectAccessReview.ResourceAttributes()
        var seen = KnownKeys()
        try members { key, reader throws(Unsupported) in
            switch key {
            case "namespace": try seen.first(0); r.namespace = try reader.optionalString() ?? ""
            case "verb": try seen.first(1); r.verb = try reader.optionalString() ?? ""
            case "group": try seen.first(2); r.group = try reader.optionalString() ?? ""
            case "version": try seen.first(3); r.version = try reader.optionalString() ?? ""
            case "resource": try seen.first(4); r.resource = try reader.optionalString() ?? ""
            case "subresource": try seen.first(5); r.subresource = try reader.optionalString() ?? ""
            case "name": try seen.first(6); r.name = try reader.optionalString() ?? ""
            // Selectors carry nested nulls the reference reads as empty: left to it.
            case "fieldSelector", "labelSelector":
                guard reader.isNull() else { throw Unsupported() }
            default: try reader.skipValue()
            }
        }
        return r
    }

    private mutating func nonResourceAttributes() throws(Unsupported) -> SubjectAccessReview.NonResourceAttributes {
        var a = SubjectAccessReview.NonResourceAttributes()
        var seen = KnownKeys()
        try members { key, reader throws(Unsupported) in
            switch key {
            case "path": try seen.first(0); a.path = try reader.optionalString() ?? ""
            case "verb": try seen.first(1); a.verb = try reader.optionalString() ?? ""
            default: try reader.skipValue()
            }
        }
        return a
    }

    /// `metadata` as `JSONValue`'s `Decodable` makes it (keys sorted): objects, strings, bools
    /// and nulls here; numbers and arrays go to the reference.
    private mutating func metadataValue(depth: Int = 0) throws(Unsupported) -> JSONValue {
        skipSpace()
        guard i < n else { throw Unsupported() }
        switch p[i] {
        case UInt8(ascii: "{"):
            guard depth < Self.maxDepth else { throw Unsupported() }
            var pairs: [(String, JSONValue)] = []
            try object { key, r throws(Unsupported) in pairs.append((key, try r.metadataValue(depth: depth + 1))) }
            pairs.sort { $0.0 < $1.0 }
            return .object(pairs)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: throw Unsupported()
        }
    }

    // MARK: JSON

    private mutating func skipSpace() {
        while i < n, p[i] == 0x20 || p[i] == 0x0A || p[i] == 0x0D || p[i] == 0x09 { i += 1 }
    }

    private mutating func expect(_ b: UInt8) throws(Unsupported) {
        skipSpace()
        guard i < n, p[i] == b else { throw Unsupported() }
        i += 1
    }

    /// A member's name as the body spells it, not copied: the fields the reader knows are
    /// matched against it by bytes. Names with an escape never get here (the reference reads
    /// those), so equal bytes are equal names.
    private struct Key {
        let start: UnsafePointer<UInt8>
        let count: Int

        static func ~= (name: StaticString, key: Key) -> Bool {
            name.utf8CodeUnitCount == key.count && memcmp(name.utf8Start, key.start, key.count) == 0
        }
    }

    /// Which of an object's known members were read: one read twice goes to the reference
    /// (which one wins is its call). Unknown members, skipped, may repeat: the reference
    /// ignores them too.
    private struct KnownKeys {
        private var bits: UInt32 = 0

        mutating func first(_ bit: UInt32) throws(Unsupported) {
            guard bits & (1 << bit) == 0 else { throw Unsupported() }
            bits |= 1 << bit
        }
    }

    /// Each member of an object whose members are fields, by name without a copy.
    private mutating func members(_ member: (Key, inout SubjectAccessReviewFieldReader) throws(Unsupported) -> Void) throws(Unsupported) {
        try expect(UInt8(ascii: "{"))
        skipSpace()
        if i < n, p[i] == UInt8(ascii: "}") { i += 1; return }
        while true {
            skipSpace()
            let key = try name()
            try expect(UInt8(ascii: ":"))
            try member(key, &self)
            skipSpace()
            guard i < n else { throw Unsupported() }
            if p[i] == UInt8(ascii: ",") { i += 1; continue }
            if p[i] == UInt8(ascii: "}") { i += 1; return }
            throw Unsupported()
        }
    }

    /// A member name: as `string()` reads a string (no escapes or control characters, valid
    /// UTF-8), but left in place.
    private mutating func name() throws(Unsupported) -> Key {
        try expect(UInt8(ascii: "\""))
        let start = i
        var ascii = true
        while i < n {
            let c = p[i]
            if c == UInt8(ascii: "\"") {
                let key = Key(start: p + start, count: i - start)
                i += 1
                if !ascii, String(validating: UnsafeBufferPointer(start: key.start, count: key.count), as: UTF8.self) == nil { throw Unsupported() }
                return key
            }
            if c == UInt8(ascii: "\\") || c < 0x20 { throw Unsupported() }
            if c >= 0x80 { ascii = false }
            i += 1
        }
        throw Unsupported()
    }

    /// Each member in turn, by a name that becomes a value (`metadata`, `extra`); a name seen
    /// twice goes to the reference (which one wins is its call).
    private mutating func object(_ member: (String, inout SubjectAccessReviewFieldReader) throws(Unsupported) -> Void) throws(Unsupported) {
        var seen: Set<String> = []
        try members { key, r throws(Unsupported) in
            // Valid UTF-8 already (`name()`); as a String, names equal by Unicode are one name.
            let name = String(decoding: UnsafeBufferPointer(start: key.start, count: key.count), as: UTF8.self)
            guard seen.insert(name).inserted else { throw Unsupported() }
            try member(name, &r)
        }
    }

    private mutating func isNull() -> Bool {
        skipSpace()
        guard n - i >= 4, p[i] == UInt8(ascii: "n"), p[i + 1] == UInt8(ascii: "u"), p[i + 2] == UInt8(ascii: "l"),
              p[i + 3] == UInt8(ascii: "l") else { return false }
        i += 4
        return true
    }

    private mutating func optionalString() throws(Unsupported) -> String? {
        isNull() ? nil : try string()
    }

    /// A list of strings; `null` inside it goes to the reference (`[String]` refuses it).
    private mutating func optionalStrings() throws(Unsupported) -> [String]? {
        if isNull() { return nil }
        try expect(UInt8(ascii: "["))
        var values: [String] = []
        skipSpace()
        if i < n, p[i] == UInt8(ascii: "]") { i += 1; return values }
        while true {
            values.append(try string())
            skipSpace()
            guard i < n else { throw Unsupported() }
            if p[i] == UInt8(ascii: ",") { i += 1; continue }
            if p[i] == UInt8(ascii: "]") { i += 1; return values }
            throw Unsupported()
        }
    }

    /// A string without escapes or control characters, valid UTF-8; anything else is the
    /// reference's to read or refuse.
    private mutating func string() throws(Unsupported) -> String {
        try expect(UInt8(ascii: "\""))
        let start = i
        while i < n {
            let c = p[i]
            if c == UInt8(ascii: "\"") {
                let s = String(validating: UnsafeBufferPointer(start: p + start, count: i - start), as: UTF8.self)
                i += 1
                guard let s else { throw Unsupported() }
                return s
            }
            if c == UInt8(ascii: "\\") || c < 0x20 { throw Unsupported() }
            i += 1
        }
        throw Unsupported()
    }

    private mutating func literal(_ word: StaticString) throws(Unsupported) {
        let count = word.utf8CodeUnitCount
        guard n - i >= count, memcmpBytes(p + i, word.utf8Start, count) else { throw Unsupported() }
        i += count
    }

    private func memcmpBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        for k in 0..<count where a[k] != b[k] { return false }
        return true
    }

    /// A member nobody reads (`status`, fields of later API versions): checked, not kept.
    /// Numbers must follow JSON's grammar, as the reference would insist.
    private mutating func skipValue(depth: Int = 0) throws(Unsupported) {
        skipSpace()
        guard i < n else { throw Unsupported() }
        switch p[i] {
        case UInt8(ascii: "{"):
            guard depth < Self.maxDepth else { throw Unsupported() }
            try members { _, r throws(Unsupported) in try r.skipValue(depth: depth + 1) }
        case UInt8(ascii: "["):
            guard depth < Self.maxDepth else { throw Unsupported() }
            i += 1
            skipSpace()
            if i < n, p[i] == UInt8(ascii: "]") { i += 1; return }
            while true {
                try skipValue(depth: depth + 1)
                skipSpace()
                guard i < n else { throw Unsupported() }
                if p[i] == UInt8(ascii: ",") { i += 1; continue }
                if p[i] == UInt8(ascii: "]") { i += 1; return }
                throw Unsupported()
            }
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: try skipNumber()
        }
    }

    private mutating func skipNumber() throws(Unsupported) {
        if i < n, p[i] == UInt8(ascii: "-") { i += 1 }
        guard i < n, isDigit(p[i]) else { throw Unsupported() }
        if p[i] == UInt8(ascii: "0") { i += 1 } else { skipDigits() }
        if i < n, p[i] == UInt8(ascii: ".") {
            i += 1
            guard i < n, isDigit(p[i]) else { throw Unsupported() }
            skipDigits()
        }
        if i < n, p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") {
            i += 1
            if i < n, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") { i += 1 }
            guard i < n, isDigit(p[i]) else { throw Unsupported() }
            skipDigits()
        }
    }

    private func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    private mutating func skipDigits() { while i < n, isDigit(p[i]) { i += 1 } }
}
