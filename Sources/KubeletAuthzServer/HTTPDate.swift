#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The `Date` response header (RFC 9110 §6.6.1, IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"),
/// formatted at most once a second per connection.
struct HTTPDate {
    private var second = -1
    private var text = ""
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    mutating func now() -> String { format(epochSeconds: time(nil)) }

    mutating func format(epochSeconds: time_t) -> String {
        if Int(epochSeconds) == second { return text }
        var seconds = epochSeconds
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        text = "\(Self.days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(Self.months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
        second = Int(epochSeconds)
        return text
    }
}
