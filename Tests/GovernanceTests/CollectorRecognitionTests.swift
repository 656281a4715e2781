import Cluster
import Collectors
import Foundation
import Governance
import KubeletModel
import RBAC
import TestSupport
import Testing

/// The scan recognises catalogue collectors and judges their kubelet grant against the
/// catalogue: on the bundled demo (by its data) and on small clusters built here.
@Suite("CollectorRecognition")
struct CollectorRecognitionTests {
    static let catalogue = try! CollectorCatalogue.bundled()
    static let now = Day(year: 2026, month: 11, day: 27)

    /// One ServiceAccount run by one DaemonSet, bound to one ClusterRole rule on node subresources.
    static func cluster(namespace: String, serviceAccount: String, image: String,
                        resources: [String], verbs: [String] = ["get"], nodes: [String] = []) throws -> ClusterSnapshot {
        let names = nodes.isEmpty ? "" : "\n  resourceNames: [\(nodes.joined(separator: ", "))]"
        let yaml = """
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: \(serviceAccount), namespace: \(namespace)}
        ---
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: agent, namespace: \(namespace)}
        spec:
          selector: {matchLabels: {app: agent}}
          template:
            metadata: {labels: {app: agent}}
            spec:
              serviceAccountName: \(serviceAccount)
              containers:
              - {name: agent, image: "\(image)"}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: agent}
        rules:
        - apiGroups: [""]
          resources: [\(resources.joined(separator: ", "))]
          verbs: [\(verbs.joined(separator: ", "))]\(names)
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: agent}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: agent}
        subjects:
        - {kind: ServiceAccount, name: \(serviceAccount), namespace: \(namespace)}
        """
        var s = ClusterSnapshot()
        s.merge(try ClusterDocumentDecoder.decode(Data(yaml.utf8), source: "built.yaml"))
        s.resolveDuplicates()
        return s
    }

    static func scan(_ s: ClusterSnapshot, release: Int = 36) -> ScanReport {
        ClusterScanner.scan(s, options: ScanOptions(kubeVersion: .v(release), now: now))
    }

    static func agent(_ r: ScanReport) -> ScanSubject? { r.subjects.first { $0.key.kind == Subject.serviceAccountKind } }

    /// The subject's held (subresource, verb) pairs, from the inventory.
    static func held(_ s: ScanSubject) -> Set<ResourceVerb> {
        Set(s.inventory.access.flatMap { sub, a in a.verbs.map { ResourceVerb(resource: "nodes/" + sub, verb: $0) } })
    }

    @Test("the demo's recognised agents: signals come from their workloads, the verdict from the catalogue")
    func demo() throws {
        let demo = ScannerTests.demo
        let report = ScannerTests.report
        let recognised = report.subjects.filter { $0.collector != nil }
        #expect(!recognised.isEmpty)
        for s in recognised {
            let c = s.collector!
            let key = s.key
            let workloads = demo.workloads.filter { $0.namespace == key.namespace && $0.serviceAccountName == key.name }
            let repositories = workloads.flatMap(\.images).map(CollectorMatcher.repository)
            #expect(c.match.signals.contains { $0.kind != .namespace }, "\(key): recognised by a hint only")
            for signal in c.match.signals {
                switch signal.kind {
                case .image:
                    #expect(c.collector.recognise.images.contains(signal.value))
                    #expect(repositories.contains { $0.hasPrefix(CollectorMatcher.repository(signal.value)) }, "\(key): \(signal)")
                case .serviceAccount:
                    #expect(signal.value == key.name && c.collector.recognise.serviceAccounts.contains(key.name))
                case .chart:
                    #expect(c.collector.recognise.charts.contains(signal.value))
                    // From a `# Source:` comment or a `helm.sh/chart` label.
                    #expect(workloads.contains { $0.source?.template.flatMap { CollectorMatcher.chart(ofTemplate: $0.path) } == signal.value
                        || $0.helmChart == signal.value }, "\(key): \(signal)")
                case .namespace:
                    #expect(signal.value == key.namespace && c.collector.recognise.namespaces.contains(key.namespace))
                }
            }
            let minimal = c.collector.minimalGrant(for: report.profile.version)?.pairs ?? []
            #expect(c.minimalGrant == minimal, "\(key)")
            #expect(c.widerThanNeeded == !Self.held(s).isSubset(of: minimal), "\(key)")
            let flagged = report.findings.contains { $0.rule == .collectorWiderThanNeeded && $0.subject == key }
            #expect(flagged == (c.firm && c.widerThanNeeded), "\(key)")
        }
        // Subjects the catalogue cannot know stay unrecognised: no user or group is an agent.
        #expect(report.subjects.allSatisfy { $0.key.kind == Subject.serviceAccountKind || $0.collector == nil })
    }

    @Test("the demo's verdicts, pinned: which agent each is, wider or not, judged or not")
    func demoPinned() {
        let report = ScannerTests.report
        func verdict(_ ns: String, _ name: String) -> String? {
            guard let c = report.subjects.first(where: { $0.key.namespace == ns && $0.key.name == name })?.collector else { return nil }
            return "\(c.collector.id) wider=\(c.widerThanNeeded) firm=\(c.firm)"
        }
        #expect(verdict("datadog", "datadog") == "datadog-agent wider=false firm=true")
        #expect(verdict("kube-system", "metrics-server") == "metrics-server wider=false firm=true")
        #expect(verdict("kubecost", "kubecost-prometheus-server") == "kubecost wider=true firm=true")
        #expect(verdict("logging", "fluent-bit") == "fluent-bit wider=true firm=true")
        #expect(verdict("monitoring", "netdata") == "netdata wider=true firm=true")
        // Its chart scraped through the API server's node proxy before 28.7.0: not judged.
        #expect(verdict("monitoring", "prometheus-server") == "prometheus wider=false firm=false")
        let flagged = report.findings.filter { $0.rule == .collectorWiderThanNeeded }.map { "\($0.subject!.name) \($0.severity)" }.sorted()
        #expect(flagged == ["fluent-bit high", "kubecost-prometheus-server medium", "netdata high"])
    }

    @Test("an entry that holds only from some agent version on (sinceVersion) is reported, never narrowed on")
    func sinceVersion() throws {
        let entry = try #require(Self.catalogue.collectors.first { $0.id == "prometheus" })
        #expect(entry.sinceVersion != nil && entry.pathsComplete)
        let r = Self.scan(try Self.cluster(namespace: "apps", serviceAccount: "prometheus-server", image: "quay.io/prometheus/prometheus:v3.0.0",
                                           resources: ["nodes/proxy", "nodes/metrics"]))
        let c = try #require(Self.agent(r)?.collector)
        #expect(c.collector.id == "prometheus" && !c.firm && c.widerThanNeeded)
        #expect(!r.findings.contains { $0.rule == .collectorWiderThanNeeded })
    }

    @Test("recognised by image alone, with the signal that matched")
    func byImage() throws {
        let r = Self.scan(try Self.cluster(namespace: "apps", serviceAccount: "scraper",
                                           image: "registry.k8s.io/metrics-server/metrics-server:v0.8.1", resources: ["nodes/metrics"]))
        let c = try #require(Self.agent(r)?.collector)
        #expect(c.collector.id == "metrics-server")
        #expect(c.match.signals.map(\.description) == ["image registry.k8s.io/metrics-server/metrics-server"])
    }

    @Test("recognised by a distinctive ServiceAccount name whatever the image")
    func byServiceAccount() throws {
        let r = Self.scan(try Self.cluster(namespace: "apps", serviceAccount: "metrics-server",
                                           image: "registry.example.com/own/build:1", resources: ["nodes/metrics"]))
        let c = try #require(Self.agent(r)?.collector)
        #expect(c.collector.id == "metrics-server")
        #expect(c.match.signals.map(\.description) == ["serviceAccount metrics-server"])
    }

    @Test("recognised by the chart `helm template` names above the workload, subcharts as themselves")
    func byHelmChart() throws {
        // A mirrored image and an own ServiceAccount name: only the chart says which agent it is.
        func rendered(_ template: String) throws -> ScanReport { try Self.helmAgent(source: template) }
        let fluent = try #require(Self.agent(try rendered("fluent-bit"))?.collector)
        #expect(fluent.collector.id == "fluent-bit")
        #expect(fluent.match.signals.map(\.description) == ["chart fluent-bit"])
        let sub = try #require(Self.agent(try rendered("observability/charts/netdata"))?.collector)
        #expect(sub.collector.id == "netdata")
        // A chart named like a common word says nothing on its own; an unknown chart neither.
        #expect(Self.catalogue.collectors.contains { $0.recognise.charts.contains("agent") })
        #expect(Self.agent(try rendered("agent"))?.collector == nil)
        #expect(Self.agent(try rendered("in-house-monitoring"))?.collector == nil)
        #expect(CollectorMatcher.chart(ofTemplate: "a/charts/b/templates/sub/x.yaml") == "b")
        #expect(CollectorMatcher.chart(ofTemplate: "templates/x.yaml") == nil)
    }

    /// An agent with a mirrored image and an own ServiceAccount name, bound to `get
    /// nodes/proxy`: only its chart can say which agent it is — the `helm.sh/chart` label
    /// (`chart`, on the object or its pod template; a live cluster, `kubectl get -o yaml`) or
    /// the `# Source:` comments `helm template` writes (`source`). Read as YAML, or as JSON.
    static func helmAgent(chart: String? = nil, onTemplate: Bool = false, source: String? = nil, json: Bool = false) throws -> ScanReport {
        let own = chart.map { onTemplate ? "" : #", "labels": {"helm.sh/chart": "\#($0)"}"# } ?? ""
        let pod = chart.map { onTemplate ? #", "helm.sh/chart": "\#($0)""# : "" } ?? ""
        let comment = source.map { "# Source: \($0)/templates/rbac.yaml\n" } ?? ""
        // Flow YAML is JSON with a comment before it: one text for both readers.
        let workload = """
        {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent", "namespace": "obs"\(own)},
         "spec": {"selector": {"matchLabels": {"app": "agent"}},
                  "template": {"metadata": {"labels": {"app": "agent"\(pod)}},
                               "spec": {"serviceAccountName": "node-reader",
                                        "containers": [{"name": "agent", "image": "mirror.example.com/obs/agent:7"}]}}}}
        """
        let rbac = """
        \(comment)apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: agent}
        rules:
        - {apiGroups: [""], resources: [nodes/proxy], verbs: [get]}
        ---
        \(comment)apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: agent}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: agent}
        subjects:
        - {kind: ServiceAccount, name: node-reader, namespace: obs}
        """
        var s = ClusterSnapshot()
        s.merge(try ClusterDocumentDecoder.decode(Data(rbac.utf8), source: "rbac.yaml"))
        let text = json ? workload : (source.map { "# Source: \($0)/templates/daemonset.yaml" } ?? "# as kubectl get -o yaml") + "\n" + workload
        s.merge(try ClusterDocumentDecoder.decode(Data(text.utf8), source: json ? "live.json" : "live.yaml"))
        #expect(s.workloads.count == 1)
        s.resolveDuplicates()
        return Self.scan(s)
    }

    @Test("the helm.sh/chart label recognises as the # Source: comment does, version stripped", arguments: [false, true])
    func byHelmLabel(json: Bool) throws {
        for (label, onTemplate) in [("fluent-bit-0.47.10", false), ("fluent-bit-0.47.10", true), ("fluent-bit-1.2.3-rc.1", false)] {
            let agent = try #require(Self.agent(try Self.helmAgent(chart: label, onTemplate: onTemplate, json: json))?.collector, "\(label)")
            #expect(agent.collector.id == "fluent-bit", "\(label)")
            #expect(agent.match.signals.map(\.description) == ["chart fluent-bit"], "\(label)")
        }
        // The label and the comment naming one chart are one signal (comments only in YAML).
        let both = try #require(Self.agent(try Self.helmAgent(chart: "fluent-bit-0.47.10", source: "fluent-bit", json: json))?.collector)
        #expect(both.match.signals.map(\.description) == ["chart fluent-bit"])
        // An unknown chart recognises nothing; a common-word chart alone neither.
        #expect(Self.agent(try Self.helmAgent(chart: "in-house-monitoring-2.0.1", json: json))?.collector == nil)
        #expect(Self.agent(try Self.helmAgent(chart: "agent-1.0.0", json: json))?.collector == nil)
    }

    @Test("a namespace alone, or a common ServiceAccount name alone, recognises nothing")
    func notByHints() throws {
        let monitoring = Self.catalogue.collectors.filter { $0.recognise.namespaces.contains("monitoring") }
        #expect(!monitoring.isEmpty)
        let r = Self.scan(try Self.cluster(namespace: "monitoring", serviceAccount: "scraper",
                                           image: "registry.example.com/own/scraper:1", resources: ["nodes/metrics"]))
        #expect(Self.agent(r)?.collector == nil)
        // `collector` is a catalogue ServiceAccount name, but a word anyone uses.
        #expect(Self.catalogue.collectors.contains { $0.recognise.serviceAccounts.contains("collector") })
        let generic = Self.scan(try Self.cluster(namespace: "apps", serviceAccount: "collector",
                                                 image: "registry.example.com/own/collector:1", resources: ["nodes/metrics"]))
        #expect(Self.agent(generic)?.collector == nil)
        #expect(Self.agent(generic)?.inventory.access["metrics"] != nil)
    }

    @Test("the minimal grant, pinned to nodes, is not wider than needed")
    func narrow() throws {
        let entry = try #require(Self.catalogue.collector(named: "metrics-server"))
        let minimal = try #require(entry.minimalGrant(for: .v(36)))
        let rules = minimal.rules
        #expect(rules.count == 1)
        let r = Self.scan(try Self.cluster(namespace: "kube-system", serviceAccount: "metrics-server",
                                           image: "registry.k8s.io/metrics-server/metrics-server:v0.8.1",
                                           resources: rules[0].resources, verbs: rules[0].verbs, nodes: ["node-a"]))
        let s = try #require(Self.agent(r))
        let c = try #require(s.collector)
        #expect(!c.widerThanNeeded && c.excess.isEmpty)
        #expect(Self.held(s) == minimal.pairs)
        #expect(!r.findings.contains { $0.rule == .collectorWiderThanNeeded })
    }

    @Test("nodes/proxy is flagged where the entry's paths no longer need it (1.36), not where /pods needs it (1.31)")
    func proxyByRelease() throws {
        let entry = try #require(Self.catalogue.collector(named: "fluent-bit"))
        try #require(entry.pathsComplete)
        try #require(entry.minimalGrant(for: .v(31))?.grantsProxy == true)
        try #require(entry.minimalGrant(for: .v(36))?.grantsProxy == false)
        let image = entry.recognise.images[0] + ":4.0.3"
        let cluster = try Self.cluster(namespace: "logging", serviceAccount: "shipper", image: image, resources: ["nodes/proxy"])

        let new = Self.scan(cluster, release: 36)
        let c36 = try #require(Self.agent(new)?.collector)
        #expect(c36.collector.id == entry.id)
        #expect(c36.widerThanNeeded && c36.excessIncludesProxy && !c36.needsProxy)
        let finding = try #require(new.findings.first { $0.rule == .collectorWiderThanNeeded })
        #expect(finding.severity == .high)
        #expect(finding.message.contains(entry.name) && finding.message.contains("get nodes/proxy"))
        #expect(finding.message.contains(CollectorAssessment.text(entry.minimalGrant(for: .v(36))!.pairs)))

        let old = Self.scan(cluster, release: 31)
        let c31 = try #require(Self.agent(old)?.collector)
        #expect(!c31.widerThanNeeded && c31.needsProxy)
        #expect(!old.findings.contains { $0.rule == .collectorWiderThanNeeded })
    }

    @Test("with KubeletFineGrainedAuthz off, the kubelet model answers: /pods needs nodes/proxy again")
    func gateOff() throws {
        let entry = try #require(Self.catalogue.collector(named: "fluent-bit"))
        let cluster = try Self.cluster(namespace: "logging", serviceAccount: "shipper", image: entry.recognise.images[0] + ":4", resources: ["nodes/proxy"])
        let gates = FeatureGateSettings([.kubeletFineGrainedAuthz: false])
        let r = ClusterScanner.scan(cluster, options: ScanOptions(kubeVersion: .v(36), featureGates: gates, now: Self.now))
        let c = try #require(Self.agent(r)?.collector)
        #expect(c.minimalGrant == KubeletNeeds.pairs(for: entry.kubeletPaths, profile: r.profile))
        #expect(c.needsProxy && !c.widerThanNeeded)
    }

    @Test("an entry that does not list every path is reported, but never narrowed on")
    func notFirm() throws {
        let entry = try #require(Self.catalogue.collectors.first { !$0.pathsComplete && !$0.recognise.images.isEmpty })
        let image = try #require(entry.recognise.images.first { i in
            Self.catalogue.collectors.filter { $0.recognise.images.contains(i) }.count == 1
        })
        let r = Self.scan(try Self.cluster(namespace: "apps", serviceAccount: "own-agent", image: image + ":1",
                                           resources: ["nodes/proxy", "nodes/log", "nodes/checkpoint"], verbs: ["get", "create"]))
        let c = try #require(Self.agent(r)?.collector)
        #expect(c.collector.id == entry.id && !c.firm && c.widerThanNeeded)
        #expect(!r.findings.contains { $0.rule == .collectorWiderThanNeeded })
    }
}
