import KubeletModel

/// One agent of the catalogue: how to recognise its workload, what it calls on the kubelet and
/// the narrowest kubelet grant per release. Read from `collectors.json`; `plan` and `scan` will
/// match workloads against `recognise` and compare a subject's grant with `minimalGrant(for:)`.
public struct Collector: Sendable, Hashable, Codable {
    /// Signals that identify the agent's workload. Namespaces are hints only: anyone can use them.
    public struct Recognition: Sendable, Hashable, Codable {
        /// Image prefixes (registry/repository, without tag).
        public let images: [String]
        public let charts: [String]
        public let serviceAccounts: [String]
        public let namespaces: [String]
    }

    /// One kubelet path the agent calls.
    public struct PathUse: Sendable, Hashable, Codable {
        /// A kubelet path, or `/api/v1/nodes/{node}/proxy/…` for the API server's node proxy.
        public let path: String
        /// The HTTP method; the kubelet's verb comes from it. Absent means GET.
        public let method: String?
        /// The configuration or version condition for the call; nil = always.
        public let when: String?
        public let basis: Basis

        public enum Basis: String, Sendable, Hashable, Codable, CaseIterable, ClosedValueSet {
            case source, docs, chart, inferred
        }

        public var httpMethod: String { method ?? "GET" }

        /// Whether the call goes through the API server's node proxy, where only `nodes/proxy`
        /// is ever checked whatever kubelet path follows.
        public var viaAPIServerProxy: Bool {
            path.hasPrefix("/api/v1/nodes/") && path.dropFirst("/api/v1/nodes/".count).split(separator: "/", omittingEmptySubsequences: false).dropFirst().first == "proxy"
        }
    }

    /// Where an entry's facts were read.
    public struct Source: Sendable, Hashable, Codable {
        public let url: String?
        public let repo: String?
        public let path: String?
        public let version: String
        public let date: String

        /// `repo/path` or the URL, for tables and reports.
        public var citation: String {
            if let repo, let path { return "\(repo)/\(path)" }
            return url ?? ""
        }
    }

    public let id: String
    public let name: String
    public let vendor: String
    public let recognise: Recognition
    public let kubeletPaths: [PathUse]
    /// False when the survey could not establish every path: the minimal grant then covers
    /// only the listed ones, and nothing may be narrowed on its word alone.
    public let pathsComplete: Bool
    public let minimalGrant: [ReleaseGrant]
    public let defaultGrant: [GrantRule]
    public let worksWithoutProxy: Bool
    public let sinceVersion: String?
    public let status: CollectorStatus
    public let sources: [Source]
    public let notes: String

    /// The band in force at `version`: the last whose `since` is not after it. Releases older
    /// than the first band behave like it, as the kubelet model treats them.
    public func minimalGrant(for version: KubernetesVersion) -> ReleaseGrant? {
        minimalGrant.last { $0.release <= version } ?? minimalGrant.first
    }
}
