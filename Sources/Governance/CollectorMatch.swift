import Collectors

/// A catalogue entry a subject's workloads were recognised as, with the signals that said so.
public struct CollectorMatch: Sendable, Hashable {
    /// One piece of evidence: `image quay.io/prometheus/prometheus`, `serviceAccount metrics-server`.
    public struct Signal: Sendable, Hashable, CustomStringConvertible {
        public enum Kind: String, Sendable, Hashable {
            case image, serviceAccount, chart, namespace
        }
        public let kind: Kind
        /// The catalogue's pattern that matched (the image prefix, not the workload's tagged image).
        public let value: String

        public init(_ kind: Kind, _ value: String) {
            self.kind = kind
            self.value = value
        }

        public var description: String { "\(kind.rawValue) \(value)" }
    }

    public let collector: Collector
    /// Strong signals first (images, the ServiceAccount, the Helm chart), the namespace hint last.
    public let signals: [Signal]

    public init(collector: Collector, signals: [Signal]) {
        self.collector = collector
        self.signals = signals
    }
}
