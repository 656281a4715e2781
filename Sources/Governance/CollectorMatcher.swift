import Cluster
import Collectors

/// Recognises a ServiceAccount's workloads as a catalogue collector. Pure and conservative: a
/// wrong match would judge a grant against another agent's needs, so a subject is left
/// unrecognised rather than guessed at.
///
/// Image prefixes and ServiceAccount names are strong signals; a namespace is only a hint
/// (anyone can deploy into `monitoring`), so it breaks ties but never recognises on its own.
/// A Helm chart is strong too, read from the `# Source: CHART/templates/…` comment that
/// `helm template` writes above each workload, or from the workload's `helm.sh/chart` label
/// (`Workload.helmChart`): one signal whichever says it, as both name the same chart.
public enum CollectorMatcher {
    /// ServiceAccount names the catalogue lists that are common words: on their own they say
    /// nothing about which agent runs (`collector` is GKE's, but also anyone's collector).
    /// With an image match they still count.
    public static let indistinctServiceAccounts: Set<String> = [
        "agent", "alloy", "collector", "default", "exporter", "metrics", "metrics-agent", "monitoring", "prometheus", "vector",
    ]

    /// At most one collector for the ServiceAccount `namespace/name` run by `workloads`:
    /// the entry with the most strong signals; among equals, the longer image prefix (a
    /// product's own repository over its vendor's), then the namespace hint. Still tied → nil.
    public static func match(serviceAccount name: String, namespace: String, workloads: [Workload],
                             catalogue: [Collector]) -> CollectorMatch? {
        let repositories = Set(workloads.flatMap(\.images).map(repository))
        let charts = Set(workloads.compactMap { $0.source?.template.flatMap { chart(ofTemplate: $0.path) } } + workloads.compactMap(\.helmChart))
        // No image, no chart and a name no entry lists: nothing can match (most ServiceAccounts
        // of a large cluster), so the catalogue's patterns are not worked through for them.
        if repositories.isEmpty && charts.isEmpty && !catalogue.contains(where: { $0.recognise.serviceAccounts.contains(name) }) { return nil }
        struct Candidate {
            let match: CollectorMatch
            let strong: Int
            let longestImage: Int
            let hinted: Bool
        }
        var candidates: [Candidate] = []
        for c in catalogue {
            var signals: [CollectorMatch.Signal] = []
            var longest = 0
            for pattern in c.recognise.images {
                let p = normalised(pattern)
                if repositories.contains(where: { $0 == p || $0.hasPrefix(p + "/") }) {
                    signals.append(.init(.image, pattern))
                    longest = max(longest, p.count)
                }
            }
            let imageMatched = !signals.isEmpty
            // A common word counts only beside an image of the same entry.
            if c.recognise.serviceAccounts.contains(name), imageMatched || !indistinctServiceAccounts.contains(name) {
                signals.append(.init(.serviceAccount, name))
            }
            // A chart named like a common word (`agent`) counts only beside an image, as above.
            var chartMatched = false
            for chart in c.recognise.charts where charts.contains(chart) && (imageMatched || !indistinctServiceAccounts.contains(chart)) {
                signals.append(.init(.chart, chart))
                chartMatched = true
            }
            guard !signals.isEmpty else { continue }
            let hinted = c.recognise.namespaces.contains(namespace)
            if hinted { signals.append(.init(.namespace, namespace)) }
            candidates.append(Candidate(match: CollectorMatch(collector: c, signals: signals),
                                        strong: (imageMatched ? 1 : 0) + (signals.contains { $0.kind == .serviceAccount } ? 1 : 0) + (chartMatched ? 1 : 0),
                                        longestImage: longest, hinted: hinted))
        }
        let best = candidates.max { ($0.strong, $0.longestImage, $0.hinted ? 1 : 0) < ($1.strong, $1.longestImage, $1.hinted ? 1 : 0) }
        guard let best else { return nil }
        let tied = candidates.filter { ($0.strong, $0.longestImage, $0.hinted) == (best.strong, best.longestImage, best.hinted) }
        return tied.count == 1 ? best.match : nil
    }

    /// The chart a rendered template came from: the name before its last `templates` folder,
    /// so a subchart (`kube-prometheus-stack/charts/kube-state-metrics/templates/x.yaml`) is
    /// itself, not its parent.
    public static func chart(ofTemplate path: String) -> String? {
        let parts = path.split(separator: "/")
        guard let t = parts.lastIndex(of: "templates"), t > 0 else { return nil }
        return String(parts[t - 1])
    }

    /// The repository of an image reference, without tag or digest and with Docker Hub's
    /// implicit names spelled one way: `docker.io/library/nginx:1` and `nginx` are one image.
    public static func repository(_ image: String) -> String {
        var s = Substring(image)
        if let at = s.firstIndex(of: "@") { s = s[..<at] }
        // A colon after the last slash starts a tag; one before it is a registry's port.
        if let colon = s.lastIndex(of: ":"), s.lastIndex(of: "/").map({ colon > $0 }) ?? true { s = s[..<colon] }
        return normalised(String(s))
    }

    static func normalised(_ repository: String) -> String {
        var s = repository.lowercased()
        for prefix in ["index.docker.io/", "registry-1.docker.io/", "docker.io/"] where s.hasPrefix(prefix) {
            s.removeFirst(prefix.count)
            break
        }
        if s.hasPrefix("library/") { s.removeFirst("library/".count) }
        return s
    }
}
