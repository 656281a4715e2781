import Foundation

/// Where a decoding error's coding path points in a JSON document: the line of the value at
/// `items[3].verb`. `JSONDecoder` names the path of a type error but not its line, and a
/// pretty-printed document (an audit `EventList`, a cluster List) spans thousands of lines.
///
/// The document is valid JSON by then (a syntax error has no path; `JSONSyntaxError` finds its
/// line), so the walk only skips values; anything it does not expect ends it without a line.
public enum JSONValueLocator {
    /// One step of a path: an array element, or an object member.
    public enum Step: Sendable, Equatable {
        case index(Int)
        case key(String)

        /// JSONDecoder's key for an element (`intValue` N, named "Index N"), or a member's name.
        /// A member of a dictionary keyed by numbers keeps its own spelling ("007").
        public init(_ key: any CodingKey) {
            if let i = key.intValue, key.stringValue == "Index \(i)" || key.stringValue == String(i) {
                self = .index(i)
            } else {
                self = .key(key.stringValue)
            }
        }
    }

    /// The 1-based line on which the value at `path` starts; nil when the path is not in the
    /// document. A member repeated in an object is found at its first occurrence, the one
    /// `JSONDecoder` keeps (swift-foundation sets a key only while it is unset).
    public static func line(of path: [any CodingKey], in data: Data) -> Int? {
        line(of: path.map(Step.init), in: data)
    }

    public static func line(of path: [Step], in data: Data) -> Int? {
        data.withUnsafeBytes { raw -> Int? in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
            var walk = Walk(p: base, n: raw.count)
            guard let offset = walk.find(path[...]) else { return nil }
            return 1 + UnsafeBufferPointer(start: base, count: offset).reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
        }
    }

    private struct Walk {
        let p: UnsafePointer<UInt8>
        let n: Int
        var i = 0

        /// The offset of the value at `path`, from the value at `i`.
        mutating func find(_ path: ArraySlice<Step>) -> Int? {
            skipSpace()
            guard let step = path.first else { return i < n ? i : nil }
            guard i < n else { return nil }
            if case .index(let index) = step, p[i] == UInt8(ascii: "[") {
                i += 1
                for k in 0... {
                    skipSpace()
                    guard i < n, p[i] != UInt8(ascii: "]") else { return nil }
                    if k == index { return find(path.dropFirst()) }
                    guard skipValue() else { return nil }
                    skipSpace()
                    guard i < n, p[i] == UInt8(ascii: ",") else { return nil }
                    i += 1
                }
            }
            guard p[i] == UInt8(ascii: "{") else { return nil }
            let name: String
            switch step {
            case .key(let key): name = key
            case .index(let index): name = String(index)  // a dictionary keyed by numbers
            }
            i += 1
            var found: Int? = nil
            while true {
                skipSpace()
                guard i < n, p[i] == UInt8(ascii: "\"") else { break }
                let key = string()
                skipSpace()
                guard let key, i < n, p[i] == UInt8(ascii: ":") else { break }
                i += 1
                skipSpace()
                if key == name, found == nil { found = i }
                guard skipValue() else { break }
                skipSpace()
                guard i < n, p[i] == UInt8(ascii: ",") else { break }
                i += 1
            }
            guard let found else { return nil }
            i = found
            return find(path.dropFirst())
        }

        mutating func skipSpace() {
            while i < n, p[i] == 0x20 || p[i] == 0x0A || p[i] == 0x0D || p[i] == 0x09 { i += 1 }
        }

        /// A string at `i`, decoded (escapes included); nil when it is not one.
        mutating func string() -> String? {
            let start = i
            i += 1
            var escaped = false
            while i < n, p[i] != UInt8(ascii: "\"") {
                if p[i] == UInt8(ascii: "\\") { escaped = true; i += 1 }
                i += 1
            }
            guard i < n else { return nil }
            i += 1
            let bytes = UnsafeBufferPointer(start: p + start, count: i - start)
            if !escaped { return String(decoding: bytes.dropFirst().dropLast(), as: UTF8.self) }
            return try? JSONDecoder().decode(String.self, from: Data(bytes))
        }

        /// Past the value at `i`; false at a byte no value starts with.
        mutating func skipValue() -> Bool {
            guard i < n else { return false }
            switch p[i] {
            case UInt8(ascii: "\""): return string() != nil
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while i < n {
                    switch p[i] {
                    case UInt8(ascii: "\""): guard string() != nil else { return false }; continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 { i += 1; return true }
                    default: break
                    }
                    i += 1
                }
                return false
            default:
                let start = i
                while i < n, !",}] \n\r\t".utf8.contains(p[i]) { i += 1 }
                return i > start
            }
        }
    }
}
