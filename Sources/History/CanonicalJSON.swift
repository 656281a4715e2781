/// The canonical bytes of a saved scan's parts: compact JSON, every object's keys in sorted
/// order, absent optionals left out — byte for byte what Foundation's `JSONEncoder` with
/// `.sortedKeys` and `.withoutEscapingSlashes` writes for the same value
/// (`CanonicalJSONTests` holds it to that), so parts saved by earlier builds keep their
/// addresses and `JSONDecoder` reads both. Written by hand because `JSONEncoder` took most of a
/// save's time on a 100k-binding cluster (~21 MB of content on every save).
struct CanonicalJSON {
    private(set) var bytes: [UInt8] = []
    /// Per open object: no member written yet (so no comma before the next key).
    private var firstMember: [Bool] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func object(_ body: (inout CanonicalJSON) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        firstMember.append(true)
        body(&self)
        firstMember.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    /// The next member's key, which the caller gives in sorted order; ASCII, so never escaped.
    mutating func key(_ key: StaticString) {
        if firstMember[firstMember.count - 1] { firstMember[firstMember.count - 1] = false } else { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func array<C: Collection>(_ items: C, _ each: (inout CanonicalJSON, C.Element) -> Void) {
        bytes.append(UInt8(ascii: "["))
        var first = true
        for item in items {
            if first { first = false } else { bytes.append(UInt8(ascii: ",")) }
            each(&self, item)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func strings(_ values: [String]) { array(values) { $0.string($1) } }

    mutating func bool(_ b: Bool) { bytes.append(contentsOf: b ? "true".utf8 : "false".utf8) }

    mutating func integer(_ i: Int) { bytes.append(contentsOf: String(i).utf8) }

    /// A string escaped as `JSONEncoder` escapes it: `"` and `\`, the short forms of backspace,
    /// form feed, line feed, carriage return and tab, other control characters as `\u00xx`;
    /// everything else (slashes too, with `.withoutEscapingSlashes`) as its UTF-8 bytes.
    mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { buf in
            var runStart = 0
            for i in 0..<buf.count {
                let b = buf[i]
                guard b < 0x20 || b == 0x22 || b == 0x5C else { continue }
                if i > runStart { bytes.append(contentsOf: buf[runStart..<i]) }
                runStart = i + 1
                bytes.append(UInt8(ascii: "\\"))
                switch b {
                case 0x22: bytes.append(UInt8(ascii: "\""))
                case 0x5C: bytes.append(UInt8(ascii: "\\"))
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(b >> 4)], hex[Int(b & 0xF)]])
                }
            }
            if buf.count > runStart { bytes.append(contentsOf: buf[runStart..<buf.count]) }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

// The parts' canonical forms: keys in sorted order, each optional only when present (as the
// synthesized `Codable` conformances encode them).
extension CanonicalJSON {
    mutating func write(_ inventory: ScanContent.Inventory) {
        object { j in
            j.key("release"); j.string(inventory.release)
            j.key("subjects"); j.array(inventory.subjects) { $0.write($1) }
        }
    }

    mutating func write(_ s: SubjectRef) {
        object { j in
            j.key("kind"); j.string(s.kind)
            j.key("name"); j.string(s.name)
            j.key("namespace"); j.string(s.namespace)
        }
    }

    mutating func write(_ r: SubjectAccessRecord) {
        object { j in
            j.key("access")
            j.array(r.access) { j, a in
                j.object { j in
                    if let nodes = a.nodes { j.key("nodes"); j.strings(nodes) }
                    j.key("subresource"); j.string(a.subresource)
                    j.key("verbs"); j.strings(a.verbs)
                }
            }
            j.key("execCapable"); j.bool(r.execCapable)
            j.key("grants")
            j.array(r.grants) { j, g in
                j.object { j in
                    j.key("binding"); j.string(g.binding)
                    j.key("role"); j.string(g.role)
                    j.key("subresources"); j.strings(g.subresources)
                }
            }
            j.key("subject"); j.write(r.subject)
        }
    }

    mutating func write(_ f: FindingRecord) {
        object { j in
            j.key("fingerprint"); j.string(f.fingerprint)
            j.key("locations")
            j.array(f.locations) { j, l in
                j.object { j in
                    if let file = l.file { j.key("file"); j.string(file) }
                    j.key("kind"); j.string(l.kind)
                    if let line = l.line { j.key("line"); j.integer(line) }
                    j.key("name"); j.string(l.name)
                    j.key("namespace"); j.string(l.namespace)
                }
            }
            j.key("message"); j.string(f.message)
            j.key("rule"); j.string(f.rule)
            j.key("severity"); j.string(f.severity)
            if let subject = f.subject { j.key("subject"); j.write(subject) }
        }
    }

    mutating func write(_ g: GovernanceEntryRecord) {
        object { j in
            if let approved = g.approved { j.key("approved"); j.strings(approved) }
            if let nextReview = g.nextReview { j.key("nextReview"); j.string(nextReview) }
            j.key("origin"); j.string(g.origin)
            if let owner = g.owner { j.key("owner"); j.string(owner) }
            if let purpose = g.purpose { j.key("purpose"); j.string(purpose) }
            if let reviewed = g.reviewed { j.key("reviewed"); j.string(reviewed) }
            j.key("subject"); j.write(g.subject)
            if let ticket = g.ticket { j.key("ticket"); j.string(ticket) }
        }
    }
}
