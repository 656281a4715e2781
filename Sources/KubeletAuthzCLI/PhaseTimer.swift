import Foundation

/// `KUBELET_AUTHZ_TIMINGS=1` prints how long each phase took to stderr, for benchmarks.
final class PhaseTimer {
    private let enabled = ConsoleIO.environment["KUBELET_AUTHZ_TIMINGS"] == "1"
    private var last = ContinuousClock.now
    private var phases: [(String, Duration)] = []

    func mark(_ name: String) {
        guard enabled else { return }
        let now = ContinuousClock.now
        phases.append((name, now - last))
        last = now
    }

    func report() {
        guard enabled else { return }
        let text = phases.map { name, d -> String in
            let ms = Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
            return "\(name)=\(String(format: "%.0f", ms))ms"
        }.joined(separator: " ")
        ConsoleIO.err("timings: \(text)\n")
    }
}
