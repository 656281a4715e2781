@testable import KubeClient
import Testing

/// Timeouts are given as Durations (from --request-timeout, an exec plugin's limit) and used
/// as poll(2) milliseconds, NIO nanoseconds and message seconds.
@Suite("Duration conversions")
struct DurationUnitsTests {
    @Test("nanoseconds round toward zero; milliseconds round up; seconds print as %g")
    func units() {
        #expect(Duration.milliseconds(1500).wholeNanoseconds == 1_500_000_000)
        #expect(Duration.nanoseconds(1_999).wholeNanoseconds == 1_999)
        #expect(Duration.microseconds(1).millisecondsRoundedUp == 1)
        #expect(Duration.milliseconds(2).millisecondsRoundedUp == 2)
        #expect(Duration.seconds(3).millisecondsRoundedUp == 3000)
        #expect(Duration.milliseconds(500).secondsValue == 0.5)
        #expect(Duration.seconds(60).secondsValue == 60)
    }

    @Test("durations beyond what Int64 nanoseconds hold saturate instead of trapping")
    func saturation() {
        let long = Duration.seconds(Int64.max / 10)
        #expect(long.wholeNanoseconds == .max)
        #expect(long.millisecondsRoundedUp == .max)
        #expect(Duration.seconds(-(Int64.max / 10)).wholeNanoseconds == .min)
    }

    @Test("poll(2) waits at least 1 ms and at most 1 s")
    func pollBounds() {
        #expect(BoundedProcess.pollMilliseconds(.zero) == 1)
        #expect(BoundedProcess.pollMilliseconds(.microseconds(10)) == 1)
        #expect(BoundedProcess.pollMilliseconds(.milliseconds(250)) == 250)
        #expect(BoundedProcess.pollMilliseconds(.seconds(3600)) == 1000)
    }
}
