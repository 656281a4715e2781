import Foundation

/// Saved scans' times as reports print them: RFC 3339 in UTC, to the second.
public enum HistoryTime {
    public static func text(_ seconds: Double) -> String {
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: Date(timeIntervalSince1970: seconds.rounded(.down)))
    }
}
