/// `HOST:PORT` as `--address` and `--dashboard-address` take it (`127.0.0.1:8443`,
/// `[::1]:8443`; port 0 picks a free port).
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public let option: String
        public let value: String
        public var description: String { "\(option) \"\(value)\": expected HOST:PORT, such as 127.0.0.1:8443 or [::1]:8443" }
    }

    public init(_ text: String, option: String) throws(ParseError) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw ParseError(option: option, value: text)
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains("[") else { throw ParseError(option: option, value: text) }
        self.init(host: host, port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
