/// A Go `time.Duration` as KubeletConfiguration writes it (`5m0s`, `30s`, `1h`, `500ms`):
/// what `metav1.Duration` accepts, kept in milliseconds because the kubelet's cache TTLs are
/// never finer than that.
public struct GoDuration: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }
    public static func seconds(_ s: Int64) -> GoDuration { GoDuration(milliseconds: s * 1000) }
    public static func minutes(_ m: Int64) -> GoDuration { GoDuration(milliseconds: m * 60_000) }
    public static let zero = GoDuration(milliseconds: 0)

    /// Go's `time.ParseDuration` units from ms up; a bare `0` is zero, as in Go. Nil for text Go
    /// would refuse (no unit, unknown unit, empty).
    public init?(_ text: String) {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        var negative = false
        if rest.first == "-" || rest.first == "+" { negative = rest.first == "-"; rest = rest.dropFirst() }
        if rest == "0" { self.milliseconds = 0; return }
        guard !rest.isEmpty else { return nil }
        let units: [(String, Double)] = [("ns", 1e-6), ("us", 1e-3), ("µs", 1e-3), ("ms", 1), ("h", 3_600_000), ("m", 60_000), ("s", 1000)]
        var total = 0.0
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !digits.isEmpty, let n = Double(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            total += n * unit.1
            rest = rest.dropFirst(unit.0.count)
        }
        self.milliseconds = Int64((negative ? -total : total).rounded())
    }

    public static func < (a: GoDuration, b: GoDuration) -> Bool { a.milliseconds < b.milliseconds }

    /// As Go prints it: `5m0s`, `30s`, `1h0m0s`, `500ms`, `0s`.
    public var description: String {
        if milliseconds == 0 { return "0s" }
        let sign = milliseconds < 0 ? "-" : ""
        let ms = milliseconds.magnitude
        if ms < 1000 { return "\(sign)\(ms)ms" }
        let h = ms / 3_600_000, m = ms / 60_000 % 60, s = ms % 60_000
        let seconds = s % 1000 == 0 ? "\(s / 1000)s" : "\(Double(s) / 1000)s"
        if h > 0 { return "\(sign)\(h)h\(m)m\(seconds)" }
        if m > 0 { return "\(sign)\(m)m\(seconds)" }
        return sign + seconds
    }
}
