import Evidence
import Governance
import Synchronization

/// Today's date in UTC, as reviews are judged by it: derived from the epoch with the audit
/// timestamp's calendar arithmetic, once per day rather than per review.
enum UTCDay {
    private static let cache = Mutex<(epochDay: Int, day: Day)?>(nil)

    static func day(epochSeconds: Double) -> Day {
        let epochDay = Int((epochSeconds / 86400).rounded(.down))
        if let hit = cache.withLock({ $0 }), hit.epochDay == epochDay { return hit.day }
        // `YYYY-MM-DDT…Z`: the date is its first ten characters.
        let day = Day(AuditTimestamp.text(Double(epochDay) * 86400)) ?? Day(year: 1970, month: 1, day: 1)
        cache.withLock { $0 = (epochDay, day) }
        return day
    }
}
