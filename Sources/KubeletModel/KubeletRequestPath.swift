/// A request target as a client writes it (`/exec/ns/pod/ctr?command=id`), split the way Go's
/// `net/url` does: the escaped path routes, the decoded path is what the kubelet authorizes,
/// and the query never takes part in either.
public struct KubeletRequestPath: Hashable, Sendable {
    public let escapedPath: String
    public let decodedPath: String
    public let rawQuery: String?

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case notAbsolute(String)
        case invalidEscape(String)

        public var description: String {
            switch self {
            case .notAbsolute(let p): return "path \"\(p)\" must start with \"/\" (as in an HTTP request line)"
            case .invalidEscape(let p): return "path \"\(p)\" has an invalid %-escape (Go's HTTP server answers 400 Bad Request before the kubelet sees it)"
            }
        }
    }

    public init(_ target: String) throws(ParseError) {
        var path = Substring(target)
        var query: String? = nil
        if let q = target.firstIndex(of: "?") {
            path = target[..<q]
            query = String(target[target.index(after: q)...])
        }
        // A fragment is never sent by HTTP clients; drop it as Go's parser does.
        if let hash = path.firstIndex(of: "#") { path = path[..<hash] }
        guard path.first == "/" else { throw .notAbsolute(target) }
        guard let decoded = Self.percentDecode(path) else { throw .invalidEscape(target) }
        self.escapedPath = String(path)
        self.decodedPath = decoded
        self.rawQuery = query
    }

    static func percentDecode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var it = text.utf8.makeIterator()
        while let b = it.next() {
            if b == UInt8(ascii: "%") {
                guard let h = it.next(), let l = it.next(), let hv = hex(h), let lv = hex(l) else { return nil }
                bytes.append(hv << 4 | lv)
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
