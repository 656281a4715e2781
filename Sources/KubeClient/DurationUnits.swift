/// `Duration` keeps seconds and attoseconds; poll(2), NIO's `TimeAmount` and messages want
/// one coarser number. One place converts, saturating instead of trapping on durations longer
/// than an Int64 of nanoseconds (292 years) can hold.
extension Duration {
    /// Whole nanoseconds, rounded toward zero.
    var wholeNanoseconds: Int64 {
        let (ns, overflow) = components.seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return components.seconds < 0 ? .min : .max }
        let (sum, overflow2) = ns.addingReportingOverflow(components.attoseconds / 1_000_000_000)
        return overflow2 ? (ns < 0 ? .min : .max) : sum
    }

    /// Milliseconds rounded up, so that a wait of this long never ends before it has passed.
    var millisecondsRoundedUp: Int64 {
        let (ms, overflow) = components.seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return components.seconds < 0 ? .min : .max }
        let atto = components.attoseconds
        let part = atto / 1_000_000_000_000_000 + (atto > 0 && atto % 1_000_000_000_000_000 != 0 ? 1 : 0)
        let (sum, overflow2) = ms.addingReportingOverflow(part)
        return overflow2 ? .max : sum
    }

    /// Seconds as a decimal, for messages (`%g`: `0.5`, `60`).
    var secondsValue: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
