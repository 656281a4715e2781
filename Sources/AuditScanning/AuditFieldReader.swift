import CByteSearch
import Evidence
import Foundation

/// Reads the dozen fields evidence needs straight from a candidate line's bytes, skipping the
/// rest (managed fields, request bodies of other kinds) without building anything.
///
/// Foundation's `JSONDecoder` remains the reference: anything this reader does not expect —
/// a structural error, an escape it does not handle, a value of another type — makes it return
/// nil and the line is decoded by `JSONDecoder`, which also words the error. A differential test holds
/// the two to the same result on real and generated lines. It exists because decoding each
/// kubelet review line (about 3.5 KB, both bodies) through `Decodable` costs about 30 µs, which
/// alone would keep a gigabyte of audit log above three seconds.
struct AuditFieldReader {
    let p: UnsafePointer<UInt8>
    let n: Int
    var i = 0
    /// Shares the strings that repeat from line to line; nil makes every string afresh.
    let interner: StringInterner?

    init(_ buffer: UnsafeRawBufferPointer, interner: StringInterner?) {
        p = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        n = buffer.count
        self.interner = interner
    }

    struct Unsupported: Error {}

    /// Known keys of one object, matched by length, first byte, then the rest. The keys sit in
    /// one buffer so a lookup touches no array of arrays (and retains nothing).
    struct KeyTable: @unchecked Sendable {
        private let bytes: UnsafeMutablePointer<UInt8>
        private let offsets: [Int]
        private let lengths: [Int]

        init(_ names: [String]) {
            let utf8 = names.map { Array($0.utf8) }
            // Never freed: the tables are static and live as long as the process.
            bytes = .allocate(capacity: max(1, utf8.reduce(0) { $0 + $1.count }))
            var offsets: [Int] = [], at = 0
            for key in utf8 {
                (bytes + at).initialize(from: key, count: key.count)
                offsets.append(at)
                at += key.count
            }
            self.offsets = offsets
            lengths = utf8.map(\.count)
        }

        func index(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int? {
            lengths.withUnsafeBufferPointer { lengths in
                for k in 0..<lengths.count where lengths[k] == count {
                    let key = bytes + offsets[k]
                    if count == 0 || (key[0] == p[0] && memcmp(key, p, count) == 0) { return k }
                }
                return nil
            }
        }
    }

    static let eventKeys = KeyTable(["kind", "level", "auditID", "stage", "requestURI", "verb", "user", "impersonatedUser", "objectRef",
                                     "responseStatus", "requestReceivedTimestamp", "stageTimestamp", "annotations", "requestObject",
                                     "responseObject", "items", "apiVersion"])
    static let userKeys = KeyTable(["username", "uid", "groups", "extra"])
    static let extraKeys = KeyTable(["authentication.kubernetes.io/pod-name", "authentication.kubernetes.io/credential-id"])
    static let objectRefKeys = KeyTable(["resource", "namespace", "name", "apiGroup", "subresource"])
    static let codeKeys = KeyTable(["code"])
    static let annotationKeys = KeyTable(["authorization.k8s.io/decision", "authorization.k8s.io/reason"])
    static let specKeys = KeyTable(["spec"])
    static let reviewSpecKeys = KeyTable(["resourceAttributes", "user", "groups", "uid", "extra"])
    static let attributeKeys = KeyTable(["namespace", "verb", "group", "resource", "subresource", "name"])
    static let statusKeys = KeyTable(["status"])
    static let reviewStatusKeys = KeyTable(["allowed", "denied", "reason"])

    /// One top-level object: an `Event`, or an `EventList` with its items (as `JSONDecoder`
    /// decodes `AuditEventWire`).
    static func read(_ buffer: UnsafeRawBufferPointer, interner: StringInterner? = nil) -> AuditEventWire? {
        guard buffer.count > 1 else { return nil }
        var r = AuditFieldReader(buffer, interner: interner)
        guard let e = try? r.event() else { return nil }
        r.skipSpace()
        return r.i == r.n ? e : nil
    }

    /// The events of a whole document: a JSON array of events, an `EventList`'s items, or the
    /// one `Event` (as `AuditDocument` decodes them with `JSONDecoder`).
    static func readDocument(_ buffer: UnsafeRawBufferPointer, interner: StringInterner? = nil) -> [AuditEventWire]? {
        guard buffer.count > 1 else { return nil }
        var r = AuditFieldReader(buffer, interner: interner)
        r.skipSpace()
        guard r.i < r.n, r.p[r.i] == 0x5B else { return read(buffer, interner: interner).map { $0.items ?? [$0] } }
        guard let events = try? r.events() else { return nil }
        r.skipSpace()
        return r.i == r.n ? events : nil
    }

    // MARK: Event

    /// Reads the event. Values that only some events need are skipped and their place kept,
    /// then read once the event's kind is known (the API server writes `objectRef` after
    /// `user` and `requestURI`): request and response bodies only for SubjectAccessReviews;
    /// the request URI, and the author's groups and extra, only for other events (a kubelet
    /// review's author is the node, whose name is all the extractor reads); `stageTimestamp`
    /// only without `requestReceivedTimestamp`.
    ///
    /// `inList`: an item of an `EventList` or of a JSON array, which may leave `kind` and
    /// `apiVersion` out, and whose `items` are nothing (`AuditEventWire`). At the top level an
    /// `EventList`'s items are read in place when its `kind` and `apiVersion` came first (Go
    /// writes them first), else found again once they are known; of a list, `JSONDecoder` reads
    /// nothing else, so neither does this reader.
    mutating func event(inList: Bool = false) throws -> AuditEventWire {
        var e = AuditEventWire()
        // Where the deferred values are (start, end).
        var uriAt: (Int, Int)?, userAt: (Int, Int)?, stageTimeAt: (Int, Int)?, requestAt: (Int, Int)?, responseAt: (Int, Int)?
        var itemsAt: (Int, Int)?
        try object(Self.eventKeys) { k, r in
            switch k {
            case 0: e.kind = try r.string()
            case 1: e.level = try r.string()
            // Unique per event: not worth interning.
            case 2: e.auditID = try r.string(intern: false)
            case 3: e.stage = try r.string()
            case 5: e.verb = try r.string()
            case 7: e.impersonatedUser = try r.nullable { try $0.user() }
            case 8: e.objectRef = try r.nullable { try $0.objectRef() }
            case 9: e.responseStatus = try r.nullable { try $0.responseStatus() }
            case 10: e.requestReceivedTimestamp = try r.string(intern: false)
            case 12: e.annotations = try r.nullable { try $0.annotations() }
            case 16: e.apiVersion = try r.string()
            // The API server writes objectRef before the bodies, so they are usually read in
            // place (or skipped for good) rather than found again.
            // (`where` binds to one pattern only: both carry it.)
            case 13 where e.objectRef != nil, 14 where e.objectRef != nil:
                if Self.isReview(e.objectRef) {
                    if k == 13 { e.requestObject = try r.nullable { try $0.reviewRequest() } }
                    else { e.responseObject = try r.nullable { try $0.reviewResponse() } }
                } else {
                    try r.skipValue()
                }
            case 15 where !inList && (try? AuditEventType.classify(kind: e.kind, apiVersion: e.apiVersion)) == .eventList:
                e.items = try r.nullable { try $0.events() } ?? []
            case 4, 6, 11, 13, 14, 15:
                r.skipSpace()
                let s = r.i
                try r.skipValue()
                switch k {
                case 4: uriAt = (s, r.i)
                case 6: userAt = (s, r.i)
                case 11: stageTimeAt = (s, r.i)
                case 13: requestAt = (s, r.i)
                case 14: responseAt = (s, r.i)
                default: itemsAt = (s, r.i)
                }
            default: throw Unsupported()
            }
        }
        func at(_ place: (Int, Int)?) -> AuditFieldReader? {
            place.map { AuditFieldReader(p: p, n: $0.1, i: $0.0, interner: interner) }
        }
        // An object that is not audit input: JSONDecoder words it.
        guard let type = try? AuditEventType.classify(kind: e.kind, apiVersion: e.apiVersion, inList: inList) else { throw Unsupported() }
        if type == .eventList {
            // Go writes an empty list's items as null: no events, not one.
            if e.items == nil, var r = at(itemsAt) { e.items = try r.nullable { try $0.events() } }
            var list = AuditEventWire()
            list.kind = e.kind
            list.apiVersion = e.apiVersion
            list.items = e.items ?? []
            return list
        }
        let isReview = Self.isReview(e.objectRef)
        // What is not made is still checked, so that a value JSONDecoder would reject makes
        // the reader step aside as before.
        if var r = at(userAt) { e.user = try r.nullable { isReview ? try $0.author() : try $0.user() } }
        if var r = at(uriAt) {
            if isReview { try r.checkString() } else { e.requestURI = try r.string(intern: false) }
        }
        if var r = at(stageTimeAt) {
            if e.requestReceivedTimestamp == nil { e.stageTimestamp = try r.string(intern: false) } else { try r.checkString() }
        }
        if isReview {
            if var r = at(requestAt) { e.requestObject = try r.nullable { try $0.reviewRequest() } }
            if var r = at(responseAt) { e.responseObject = try r.nullable { try $0.reviewResponse() } }
        }
        return e
    }

    /// `[ event, … ]`: an `EventList`'s items, or a JSON array document's events.
    mutating func events() throws -> [AuditEventWire] {
        var out: [AuditEventWire] = []
        try expect(0x5B)
        skipSpace()
        if i < n, p[i] == 0x5D { i += 1; return out }
        while true {
            out.append(try event(inList: true))
            skipSpace()
            guard i < n else { throw Unsupported() }
            if p[i] == 0x2C { i += 1; continue }
            if p[i] == 0x5D { i += 1; return out }
            throw Unsupported()
        }
    }

    static func isReview(_ ref: AuditEventWire.ObjectRef?) -> Bool {
        ref?.resource == "subjectaccessreviews" && ref?.apiGroup == "authorization.k8s.io"
    }

    init(p: UnsafePointer<UInt8>, n: Int, i: Int, interner: StringInterner?) {
        self.p = p
        self.n = n
        self.i = i
        self.interner = interner
    }

    mutating func user() throws -> AuditEventWire.User {
        var u = AuditEventWire.User()
        try object(Self.userKeys) { k, r in
            switch k {
            case 0: u.username = try r.string()
            case 1: u.uid = try r.string()
            case 2: u.groups = try r.nullable { try $0.strings() }
            default: u.extra = try r.nullable { try $0.extra() }
            }
        }
        return u
    }

    /// A review's author: the username only; the rest is checked, not made.
    mutating func author() throws -> AuditEventWire.User {
        var u = AuditEventWire.User()
        try object(Self.userKeys) { k, r in
            switch k {
            case 0: u.username = try r.string()
            case 1: try r.checkString()
            case 2: try r.checkStrings()
            default:
                _ = try r.nullable { r in try r.object(Self.extraKeys) { _, r in try r.checkStrings() } }
            }
        }
        return u
    }

    /// A string or null, not made.
    mutating func checkString() throws {
        skipSpace()
        if isNull() { return }
        guard i < n, p[i] == 0x22 else { throw Unsupported() }
        try skipString()
    }

    /// An array of strings or null, not made.
    mutating func checkStrings() throws {
        skipSpace()
        if isNull() { return }
        try eachString { r in
            r.skipSpace()
            guard r.i < r.n, r.p[r.i] == 0x22 else { throw Unsupported() }
            try r.skipString()
        }
    }

    mutating func extra() throws -> AuditEventWire.Extra {
        var x = AuditEventWire.Extra()
        try object(Self.extraKeys) { k, r in
            if k == 0 { x.podName = try r.nullable { try $0.strings() } } else { x.credentialID = try r.nullable { try $0.strings() } }
        }
        return x
    }

    mutating func objectRef() throws -> AuditEventWire.ObjectRef {
        var o = AuditEventWire.ObjectRef()
        try object(Self.objectRefKeys) { k, r in
            switch k {
            case 0: o.resource = try r.string()
            case 1: o.namespace = try r.string()
            case 2: o.name = try r.string()
            case 3: o.apiGroup = try r.string()
            default: o.subresource = try r.string()
            }
        }
        return o
    }

    mutating func responseStatus() throws -> AuditEventWire.ResponseStatus {
        var s = AuditEventWire.ResponseStatus()
        try object(Self.codeKeys) { _, r in s.code = try r.nullable { try $0.integer() } }
        return s
    }

    mutating func annotations() throws -> AuditEventWire.Annotations {
        var a = AuditEventWire.Annotations()
        try object(Self.annotationKeys) { k, r in
            if k == 0 { a.decision = try r.string() } else { a.reason = try r.string() }
        }
        return a
    }

    mutating func reviewRequest() throws -> AuditEventWire.ReviewRequest {
        var q = AuditEventWire.ReviewRequest()
        try object(Self.specKeys) { _, r in q.spec = try r.nullable { try $0.reviewSpec() } }
        return q
    }

    mutating func reviewSpec() throws -> AuditEventWire.ReviewSpec {
        var s = AuditEventWire.ReviewSpec()
        try object(Self.reviewSpecKeys) { k, r in
            switch k {
            case 0: s.resourceAttributes = try r.nullable { try $0.resourceAttributes() }
            case 1: s.user = try r.string()
            case 2: s.groups = try r.nullable { try $0.strings() }
            case 3: s.uid = try r.string()
            default: s.extra = try r.nullable { try $0.extra() }
            }
        }
        return s
    }

    mutating func resourceAttributes() throws -> AuditEventWire.ReviewSpec.ResourceAttributes {
        var a = AuditEventWire.ReviewSpec.ResourceAttributes()
        try object(Self.attributeKeys) { k, r in
            switch k {
            case 0: a.namespace = try r.string()
            case 1: a.verb = try r.string()
            case 2: a.group = try r.string()
            case 3: a.resource = try r.string()
            case 4: a.subresource = try r.string()
            default: a.name = try r.string()
            }
        }
        return a
    }

    mutating func reviewResponse() throws -> AuditEventWire.ReviewResponse {
        var q = AuditEventWire.ReviewResponse()
        try object(Self.statusKeys) { _, r in
            q.status = try r.nullable { r in
                var st = AuditEventWire.ReviewStatus()
                try r.object(Self.reviewStatusKeys) { k, r in
                    switch k {
                    case 0: st.allowed = try r.nullable { try $0.bool() }
                    case 1: st.denied = try r.nullable { try $0.bool() }
                    default: st.reason = try r.string()
                    }
                }
                return st
            }
        }
        return q
    }

    // MARK: JSON

    mutating func skipSpace() {
        while i < n, p[i] == 0x20 || p[i] == 0x09 || p[i] == 0x0A || p[i] == 0x0D { i += 1 }
    }

    mutating func expect(_ b: UInt8) throws {
        skipSpace()
        guard i < n, p[i] == b else { throw Unsupported() }
        i += 1
    }

    /// `{ "key": value, … }`: for each key found in `keys`, calls `member` with its index,
    /// positioned at the value; other values are skipped. A repeated key keeps its first
    /// value, as `JSONDecoder` does. Keys are compared as bytes: no String is made for them.
    mutating func object(_ keys: KeyTable, _ member: (Int, inout AuditFieldReader) throws -> Void) throws {
        try expect(0x7B)
        skipSpace()
        if i < n, p[i] == 0x7D { i += 1; return }
        var seen: UInt64 = 0
        while true {
            skipSpace()
            guard i < n, p[i] == 0x22 else { throw Unsupported() }
            let start = i + 1
            let (j, escaped) = try stringEnd(from: start)
            if escaped { throw Unsupported() }  // escaped keys: let JSONDecoder read the line
            i = j + 1
            try expect(0x3A)
            skipSpace()
            if let k = keys.index(p + start, j - start), seen & (1 << UInt64(k)) == 0 {
                seen |= 1 << UInt64(k)
                try member(k, &self)
            } else {
                try skipValue()
            }
            skipSpace()
            guard i < n else { throw Unsupported() }
            if p[i] == 0x2C { i += 1; continue }
            if p[i] == 0x7D { i += 1; return }
            throw Unsupported()
        }
    }

    /// `null`, or the value read by `body` (as `decodeIfPresent` treats null).
    mutating func nullable<T>(_ body: (inout AuditFieldReader) throws -> T) throws -> T? {
        skipSpace()
        if isNull() { return nil }
        return try body(&self)
    }

    mutating func isNull() -> Bool {
        if i + 4 <= n, p[i] == 0x6E, p[i + 1] == 0x75, p[i + 2] == 0x6C, p[i + 3] == 0x6C { i += 4; return true }
        return false
    }

    /// A string value or null.
    mutating func string(intern: Bool = true) throws -> String? {
        skipSpace()
        if isNull() { return nil }
        return try rawString(intern: intern)
    }

    mutating func rawString(intern: Bool = true) throws -> String {
        skipSpace()
        guard i < n, p[i] == 0x22 else { throw Unsupported() }
        let start = i + 1
        let (j, escaped) = try stringEnd(from: start)
        i = j + 1
        if !escaped {
            if intern, let interner { return interner.string(p + start, j - start) }
            return String(decoding: UnsafeBufferPointer(start: p + start, count: j - start), as: UTF8.self)
        }
        // Escaped strings (RBAC reasons quote their names) are interned by their raw bytes, so
        // a repeated one is not unescaped again.
        if intern, let interner {
            return try interner.string(raw: p + start, j - start) { _, _ in try unescape(start, j) }
        }
        return try unescape(start, j)
    }

    /// From just after an opening quote: the closing quote's index, and whether the string has
    /// escapes. A raw control character is not JSON (the reader steps aside, and JSONDecoder
    /// words the error). The loop is C with SSE2: strings are most of what a line holds.
    func stringEnd(from start: Int) throws -> (Int, Bool) {
        var escaped: Int32 = 0
        let end = ka_json_string_end(p, n, start, &escaped)
        guard end >= 0 else { throw Unsupported() }
        return (end, escaped != 0)
    }

    func unescape(_ start: Int, _ end: Int) throws -> String {
        var out: [UInt8] = []
        out.reserveCapacity(end - start)
        var k = start
        while k < end {
            let c = p[k]
            guard c == 0x5C else { out.append(c); k += 1; continue }
            guard k + 1 < end else { throw Unsupported() }
            switch p[k + 1] {
            case 0x22: out.append(0x22)
            case 0x5C: out.append(0x5C)
            case 0x2F: out.append(0x2F)
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                // \uXXXX (and surrogate pairs): let Foundation decode the whole string.
                let data = Data(bytes: p + start - 1, count: end - start + 2)
                guard let s = try? JSONDecoder().decode(String.self, from: data) else { throw Unsupported() }
                return s
            default: throw Unsupported()
            }
            k += 2
        }
        return String(decoding: out, as: UTF8.self)
    }

    mutating func strings() throws -> [String] {
        var out: [String] = []
        try eachString { out.append(try $0.rawString()) }
        return out
    }

    /// `[ s, … ]`: calls `element` at each element (which must read exactly one string).
    mutating func eachString(_ element: (inout AuditFieldReader) throws -> Void) throws {
        try expect(0x5B)
        skipSpace()
        if i < n, p[i] == 0x5D { i += 1; return }
        while true {
            try element(&self)
            skipSpace()
            guard i < n else { throw Unsupported() }
            if p[i] == 0x2C { i += 1; continue }
            if p[i] == 0x5D { i += 1; return }
            throw Unsupported()
        }
    }

    mutating func bool() throws -> Bool {
        skipSpace()
        if i + 4 <= n, p[i] == 0x74, p[i + 1] == 0x72, p[i + 2] == 0x75, p[i + 3] == 0x65 { i += 4; return true }
        if i + 5 <= n, p[i] == 0x66, p[i + 1] == 0x61, p[i + 2] == 0x6C, p[i + 3] == 0x73, p[i + 4] == 0x65 { i += 5; return false }
        throw Unsupported()
    }

    mutating func integer() throws -> Int {
        skipSpace()
        var neg = false
        if i < n, p[i] == 0x2D { neg = true; i += 1 }
        let start = i
        var v = 0
        while i < n, p[i] >= 0x30, p[i] <= 0x39 {
            v = v &* 10 &+ Int(p[i] - 0x30)
            i += 1
        }
        // Fractions or exponents are not integers: let JSONDecoder judge. A leading zero is not
        // JSON (JSONDecoder rejects `0201`).
        guard i > start, i - start < 19, !(p[start] == 0x30 && i - start > 1),
              !(i < n && (p[i] == 0x2E || p[i] == 0x65 || p[i] == 0x45)) else { throw Unsupported() }
        return neg ? -v : v
    }

    /// Skips any value, checking it as JSON on the way — brackets matched, colons and commas in
    /// place, literals and numbers spelled out — so that a line JSONDecoder rejects is not read
    /// here. Stricter than JSONDecoder where that is cheaper (leading zeros, trailing commas and
    /// nesting deeper than 64 send the line to JSONDecoder, which then reads it).
    mutating func skipValue() throws {
        // The open containers, innermost in the lowest bit (1 for an object).
        var open: UInt64 = 0, depth = 0
        while true {
            skipSpace()
            guard i < n else { throw Unsupported() }
            switch p[i] {
            case 0x22: try skipString()
            case 0x7B, 0x5B:
                let isObject = p[i] == 0x7B
                guard depth < 64 else { throw Unsupported() }
                i += 1
                skipSpace()
                if i < n, p[i] == (isObject ? 0x7D : 0x5D) {
                    i += 1
                    break  // an empty container is a whole value
                }
                open = open << 1 | (isObject ? 1 : 0)
                depth += 1
                if isObject { try skipKey() }
                continue
            case 0x74: try literal("true")
            case 0x66: try literal("false")
            case 0x6E: try literal("null")
            default: try skipNumber()
            }
            // A value ended: close what it ends, or go on after a comma.
            while true {
                guard depth > 0 else { return }
                skipSpace()
                guard i < n else { throw Unsupported() }
                let inObject = open & 1 == 1
                if p[i] == 0x2C {
                    i += 1
                    if inObject { try skipKey() }
                    break
                }
                guard p[i] == (inObject ? 0x7D : 0x5D) else { throw Unsupported() }
                i += 1
                open >>= 1
                depth -= 1
            }
        }
    }

    /// `"key" :` inside a skipped object.
    mutating func skipKey() throws {
        skipSpace()
        guard i < n, p[i] == 0x22 else { throw Unsupported() }
        try skipString()
        try expect(0x3A)
    }

    /// Exactly these bytes (`true`, `false`, `null`); what follows is the caller's to check.
    mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard i + count <= n, memcmp(p + i, word.utf8Start, count) == 0 else { throw Unsupported() }
        i += count
    }

    /// A JSON number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    mutating func skipNumber() throws {
        if i < n, p[i] == 0x2D { i += 1 }
        guard i < n, isDigit(p[i]) else { throw Unsupported() }
        if p[i] == 0x30 { i += 1 } else { skipDigits() }
        if i < n, p[i] == 0x2E {
            i += 1
            guard i < n, isDigit(p[i]) else { throw Unsupported() }
            skipDigits()
        }
        if i < n, p[i] == 0x65 || p[i] == 0x45 {
            i += 1
            if i < n, p[i] == 0x2B || p[i] == 0x2D { i += 1 }
            guard i < n, isDigit(p[i]) else { throw Unsupported() }
            skipDigits()
        }
    }

    func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    mutating func skipDigits() {
        while i < n, isDigit(p[i]) { i += 1 }
    }

    /// Skips a string, still rejecting what JSONDecoder rejects: a string with escapes is
    /// unescaped (and the result dropped), which checks each escape.
    mutating func skipString() throws {
        guard p[i] == 0x22 else { throw Unsupported() }
        let (end, escaped) = try stringEnd(from: i + 1)
        if escaped { _ = try unescape(i + 1, end) }
        i = end + 1
    }
}
