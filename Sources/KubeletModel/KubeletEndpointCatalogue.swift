/// What a kubelet endpoint can do to the node or its pods, for ranking access by power.
public enum KubeletCapability: String, Sendable, Codable, CaseIterable {
    case commandExecution          // run a command in any container on the node
    case attach                    // join a container's main process streams, inject stdin
    case portForward               // TCP tunnel into a pod's network namespace
    case memoryDump                // CRIU checkpoint: the container's memory, secrets included
    case configChange              // change the kubelet's own behaviour (log verbosity)
    case profiling                 // Go profiling: a CPU profile is a denial-of-service lever
    case readPodSpecs              // full pod specs, env values included
    case readContainerLogs         // container stdout/stderr — prompts, on inference servers
    case readNodeLogs              // files under /var/log, the journal
    case readMetrics               // Prometheus metrics: labels carry pod, model and GPU names
    case readStats                 // CPU, memory, filesystem, network usage per pod
    case readConfig                // the effective KubeletConfiguration or flags
    case readHealth                // health checks
    case readStatus                // build, version, start time

    /// Capabilities that let the caller act inside workloads, not only read about them.
    public var isExecution: Bool {
        switch self {
        case .commandExecution, .attach: return true
        default: return false
        }
    }
}

/// One family of kubelet paths, as pkg/kubelet/server/server.go registers them.
public struct KubeletEndpoint: Sendable, Hashable, Codable {
    /// A template a person can read: `/exec/{namespace}/{pod}/{container}`.
    public let path: String
    /// Prefixes in the kubelet's own `isSubpath` sense; the first family that claims a path owns it.
    let prefixes: [String]
    public let methods: [String]
    public let exposes: String
    public let capabilities: [KubeletCapability]
    /// Inclusive release range in which the kubelet serves it.
    public let since: Int?
    public let until: Int?
    /// A gate that must be on for the route to exist.
    public let gate: FeatureGate?

    public var canExecuteCommands: Bool { capabilities.contains(where: \.isExecution) }

    public func isServed(by profile: KubeletProfile) -> Bool {
        let minor = profile.version.major > 1 ? Int.max : profile.version.minor
        if let since, minor < since { return false }
        if let until, minor > until { return false }
        if let gate, !profile.isEnabled(gate) { return false }
        return true
    }
}

public enum KubeletEndpointCatalogue {
    public static let all: [KubeletEndpoint] = [
        .init(path: "/exec/{namespace}/{pod}/{container}", prefixes: ["/exec"], methods: ["GET", "POST"],
              exposes: "runs a command in any container on the node (GET = WebSocket, POST = SPDY); the command and pod never reach the API server's audit log",
              capabilities: [.commandExecution], since: nil, until: nil, gate: nil),
        .init(path: "/run/{namespace}/{pod}/{container}", prefixes: ["/run"], methods: ["POST"],
              exposes: "runs a command (query cmd=) in any container on the node and returns its output",
              capabilities: [.commandExecution], since: nil, until: nil, gate: nil),
        .init(path: "/attach/{namespace}/{pod}/{container}", prefixes: ["/attach"], methods: ["GET", "POST"],
              exposes: "attaches to a container's main process: reads its output, writes its stdin",
              capabilities: [.attach], since: nil, until: nil, gate: nil),
        .init(path: "/portForward/{namespace}/{pod}", prefixes: ["/portForward"], methods: ["GET", "POST"],
              exposes: "opens TCP tunnels into a pod's network namespace (reaches its localhost-only ports)",
              capabilities: [.portForward], since: nil, until: nil, gate: nil),
        .init(path: "/containerLogs/{namespace}/{pod}/{container}", prefixes: ["/containerLogs"], methods: ["GET"],
              exposes: "container logs of every pod on the node — on inference servers these can hold prompts and outputs",
              capabilities: [.readContainerLogs], since: nil, until: nil, gate: nil),
        .init(path: "/checkpoint/{namespace}/{pod}/{container}", prefixes: ["/checkpoint/"], methods: ["POST"],
              exposes: "writes a CRIU checkpoint of a container to the node: a memory dump, with every secret the process held",
              capabilities: [.memoryDump], since: 25, until: nil, gate: .containerCheckpoint),
        .init(path: "/pods", prefixes: ["/pods"], methods: ["GET"],
              exposes: "the full PodList of pods bound to the node: specs with env values (model ids, sometimes tokens), images, volumes",
              capabilities: [.readPodSpecs], since: nil, until: nil, gate: nil),
        .init(path: "/runningpods/", prefixes: ["/runningpods/"], methods: ["GET"],
              exposes: "pods as the container runtime sees them",
              capabilities: [.readPodSpecs], since: nil, until: nil, gate: nil),
        .init(path: "/stats/summary", prefixes: ["/stats/"], methods: ["GET", "POST"],
              exposes: "Summary API: CPU, memory, filesystem and network usage of the node, its pods and containers",
              capabilities: [.readStats], since: nil, until: nil, gate: nil),
        .init(path: "/metrics", prefixes: ["/metrics"], methods: ["*"],
              exposes: "kubelet Prometheus metrics, and /metrics/cadvisor, /metrics/resource, /metrics/probes, /metrics/slis: per-container usage with pod, namespace and image labels",
              capabilities: [.readMetrics], since: nil, until: nil, gate: nil),
        .init(path: "/logs/{path}", prefixes: ["/logs/"], methods: ["GET"],
              exposes: "node log files under /var/log and, with NodeLogQuery, the journal",
              capabilities: [.readNodeLogs], since: nil, until: nil, gate: nil),
        .init(path: "/healthz", prefixes: ["/healthz"], methods: ["*"],
              exposes: "kubelet health checks (/healthz/log, /healthz/ping, /healthz/syncloop)",
              capabilities: [.readHealth], since: nil, until: nil, gate: nil),
        .init(path: "/configz", prefixes: ["/configz"], methods: ["*"],
              exposes: "the kubelet's effective KubeletConfiguration (auth modes, paths, feature gates)",
              capabilities: [.readConfig], since: nil, until: nil, gate: nil),
        .init(path: "/flagz", prefixes: ["/flagz"], methods: ["*"],
              exposes: "the kubelet's command-line flags",
              capabilities: [.readConfig], since: 33, until: nil, gate: .componentFlagz),
        .init(path: "/statusz", prefixes: ["/statusz"], methods: ["*"],
              exposes: "build, version and start time of the kubelet",
              capabilities: [.readStatus], since: 33, until: nil, gate: .componentStatusz),
        .init(path: "/debug/pprof/{profile}", prefixes: ["/debug/pprof"], methods: ["GET"],
              exposes: "Go profiling of the kubelet; a long CPU profile or trace loads the node",
              capabilities: [.profiling], since: nil, until: nil, gate: nil),
        .init(path: "/debug/flags/v", prefixes: ["/debug/flags/v"], methods: ["PUT"],
              exposes: "changes the kubelet's log verbosity",
              capabilities: [.configChange], since: nil, until: nil, gate: nil),
        .init(path: "/spec/", prefixes: ["/spec/"], methods: ["GET"],
              exposes: "cAdvisor machine info (removed in 1.21)",
              capabilities: [.readStats], since: nil, until: 20, gate: nil),
    ]

    /// The family a decoded path belongs to, judged with the kubelet's own prefix rule.
    public static func endpoint(forPath path: String) -> KubeletEndpoint? {
        all.first { endpoint in endpoint.prefixes.contains { SubpathMatcher.isSubpath(path, of: $0) } }
    }

    /// Families a subresource opens at this profile: every endpoint one of whose paths maps
    /// to the subresource, first or as the fallback.
    public static func endpoints(reachableWith subresource: String, profile: KubeletProfile) -> [KubeletEndpoint] {
        all.filter { endpoint in
            endpoint.isServed(by: profile) && KubeletAttributeMapper
                .subresources(forPath: samplePath(endpoint), profile: profile).contains(subresource)
        }
    }

    /// A concrete path inside the family, to run through the mapper.
    public static func samplePath(_ endpoint: KubeletEndpoint) -> String {
        endpoint.path
            .replacingOccurrences(of: "{namespace}", with: "ns")
            .replacingOccurrences(of: "{pod}", with: "pod")
            .replacingOccurrences(of: "{container}", with: "ctr")
            .replacingOccurrences(of: "{path}", with: "syslog")
            .replacingOccurrences(of: "{profile}", with: "heap")
    }
}

import Foundation
