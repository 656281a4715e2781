import Evidence
import Governance

/// Kubelet authorization decisions as they were observed, for the report's evidence section:
/// from the audit log (`scan --audit`, `--store`), or from a server that answers the API
/// server's kubelet SubjectAccessReviews and fills this as it aggregates its decisions.
public struct DashboardLiveEvidence: Sendable, Hashable {
    /// Decisions of one subject on one node for one subresource and verb.
    public struct Decision: Sendable, Hashable {
        public var subject: SubjectKey
        public var node: String
        public var subresource: String
        public var verb: String
        public var allowed: Int
        public var denied: Int
        /// Decisions whose verdict is not known (an audit event without its response) or that
        /// had no opinion.
        public var undecided: Int
        /// Of the denials, those the kubelet then let through on its `nodes/proxy` fallback
        /// (KEP-2862: a denied fine-grained check is followed by a `nodes/proxy` check): the
        /// request was served after all.
        public var deniedThenPassedViaProxy: Int
        /// Epoch seconds.
        public var firstSeen: Double
        public var lastSeen: Double

        public init(subject: SubjectKey, node: String, subresource: String, verb: String,
                    allowed: Int, denied: Int, undecided: Int = 0, deniedThenPassedViaProxy: Int = 0, firstSeen: Double, lastSeen: Double) {
            self.subject = subject
            self.node = node
            self.subresource = subresource
            self.verb = verb
            self.allowed = allowed
            self.denied = denied
            self.undecided = undecided
            self.deniedThenPassedViaProxy = deniedThenPassedViaProxy
            self.firstSeen = firstSeen
            self.lastSeen = lastSeen
        }
    }

    /// Where the decisions come from, as a sentence's subject: "the audit log",
    /// "the authorization webhook (observe mode: denials are what enforce would deny)".
    public var source: String
    public var decisions: [Decision]
    /// Caveats the reader needs: blind spots of the log, the server's mode.
    public var notes: [String]

    public init(source: String, decisions: [Decision], notes: [String] = []) {
        self.source = source
        self.decisions = decisions
        self.notes = notes
    }

    /// The evidence `scan --audit` joined: one decision per usage row, the kubelet's own
    /// reviews and the API server's node proxy alike (a proxy request is authorized as
    /// `nodes/proxy` on the node it names), and the blind spots as notes.
    public init(evidence: ScanEvidence) {
        source = "the audit log"
        decisions = evidence.usage.map { u in
            Decision(subject: SubjectKey(kind: u.key.subjectKind, name: u.key.subjectName, namespace: u.key.subjectNamespace),
                     node: u.key.node, subresource: u.key.subresource, verb: u.key.verb,
                     allowed: u.allowed, denied: u.denied, undecided: u.unknown, deniedThenPassedViaProxy: u.deniedButPassedViaProxy,
                     firstSeen: u.firstSeen, lastSeen: u.lastSeen)
        }
        notes = evidence.blindSpots.map { b in b.message + (b.location.map { " [\($0)]" } ?? "") }
    }

    /// First and last time any decision was seen; nil without decisions.
    public var window: ClosedRange<Double>? {
        guard let first = decisions.map(\.firstSeen).min(), let last = decisions.map(\.lastSeen).max(), first <= last else { return nil }
        return first...last
    }
}
