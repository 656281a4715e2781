import Synchronization

/// Reviews being answered at once, up to a limit; one more is refused at once (429 with
/// Retry-After) instead of waiting behind the others. Over HTTP/1 keep-alive the work in
/// flight is bounded by the caller's connections already; this bounds it when a caller opens
/// many, so an overloaded server answers quickly that it is overloaded rather than late.
final class ReviewAdmission: Sendable {
    let limit: Int
    private let inFlight = Atomic<Int>(0)

    init(limit: Int) { self.limit = limit }

    /// True when the review may be answered; the caller then calls `leave()` when done.
    func enter() -> Bool {
        guard inFlight.add(1, ordering: .relaxed).newValue <= limit else {
            inFlight.subtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func leave() { inFlight.subtract(1, ordering: .relaxed) }
}
