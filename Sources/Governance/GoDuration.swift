/// A Go `time.Duration` as KubeletConfiguration writes it (`5m0s`, `30s`, `1h`, `500ms`):
/// what `metav1.Duration` accepts, kept in nanoseconds as Go keeps it, so that `100us` is not
/// rounded to zero (which would read as "use the default").
public struct GoDuration: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }
    public static func seconds(_ s: Int64) -> GoDuration { GoDuration(nanoseconds: s * 1_000_000_000) }
    public static func minutes(_ m: Int64) -> GoDuration { GoDuration(nanoseconds: m * 60_000_000_000) }
    public static let zero = GoDuration(nanoseconds: 0)

    /// Go's `time.ParseDuration`: units ns to h, a bare `0` is zero. Nil for text Go would
    /// refuse (no unit, unknown unit, empty, or beyond Go's range of about ±2562047h), never a
    /// trap: a kubelet's answer is not trusted input.
    public init?(_ text: String) {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        var negative = false
        if rest.first == "-" || rest.first == "+" { negative = rest.first == "-"; rest = rest.dropFirst() }
        if rest == "0" { self.nanoseconds = 0; return }
        guard !rest.isEmpty else { return nil }
        let units: [(String, Double)] = [("ns", 1), ("us", 1e3), ("µs", 1e3), ("μs", 1e3), ("ms", 1e6), ("h", 3.6e12), ("m", 6e10), ("s", 1e9)]
        var total = 0.0
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !digits.isEmpty, let n = Double(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            total += n * unit.1
            rest = rest.dropFirst(unit.0.count)
        }
        let signed = (negative ? -total : total).rounded()
        // Int64(Double) traps outside its range; Go's ParseDuration refuses these too.
        guard signed.isFinite, signed >= -9.223372036854775e18, signed <= 9.223372036854775e18 else { return nil }
        self.nanoseconds = Int64(signed)
    }

    public static func < (a: GoDuration, b: GoDuration) -> Bool { a.nanoseconds < b.nanoseconds }

    /// As Go prints it: `5m0s`, `30s`, `1h0m0s`, `500ms`, `100µs`, `0s`.
    public var description: String {
        if nanoseconds == 0 { return "0s" }
        let sign = nanoseconds < 0 ? "-" : ""
        let ns = nanoseconds.magnitude
        func fraction(_ value: UInt64, _ unit: UInt64) -> String {
            let whole = value / unit, rest = value % unit
            guard rest != 0 else { return "\(whole)" }
            var digits = String(rest)
            digits = String(repeating: "0", count: String(unit - 1).count - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            return "\(whole).\(digits)"
        }
        if ns < 1_000 { return "\(sign)\(ns)ns" }
        if ns < 1_000_000 { return "\(sign)\(fraction(ns, 1_000))µs" }
        if ns < 1_000_000_000 { return "\(sign)\(fraction(ns, 1_000_000))ms" }
        let h = ns / 3_600_000_000_000, m = ns / 60_000_000_000 % 60, s = ns % 60_000_000_000
        let seconds = fraction(s, 1_000_000_000) + "s"
        if h > 0 { return "\(sign)\(h)h\(m)m\(seconds)" }
        if m > 0 { return "\(sign)\(m)m\(seconds)" }
        return sign + seconds
    }
}
