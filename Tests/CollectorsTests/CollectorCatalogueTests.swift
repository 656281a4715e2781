import Collectors
import Foundation
import KubeJSON
import KubeletModel
import TestSupport
import Testing

/// The catalogue is data, checked rather than trusted: against its schema, against the loader's
/// rules, and every minimal grant against the project's own kubelet mapper.
@Suite("collector catalogue")
struct CollectorCatalogueTests {
    static let dataURL = Fixtures.repositoryRoot.appendingPathComponent("Sources/Collectors/collectors.json")
    static let schemaURL = Fixtures.repositoryRoot.appendingPathComponent("Sources/Collectors/collectors.schema.json")

    static func json(_ url: URL) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: url)) }
    static func validator() throws -> SchemaValidator { SchemaValidator(root: try json(schemaURL)) }

    /// The document with one collector's member replaced (nil removes it).
    static func mutated(_ doc: JSONValue, collector index: Int, _ key: String, _ value: JSONValue?) -> JSONValue {
        guard case .object(var top) = doc, let i = top.firstIndex(where: { $0.0 == "collectors" }),
              case .array(var list) = top[i].1, case .object(var entry) = list[index] else { return doc }
        entry.removeAll { $0.0 == key }
        if let value { entry.append((key, value)) }
        list[index] = .object(entry)
        top[i].1 = .array(list)
        return .object(top)
    }

    static func bytes(_ v: JSONValue) -> Data {
        var out = Data()
        JSONWriter.pretty(v) { out.append(contentsOf: $0) }
        return out
    }

    @Test("the data satisfies its schema")
    func schemaHolds() throws {
        let errors = try Self.validator().validate(try Self.json(Self.dataURL))
        #expect(errors.isEmpty, "\(errors.prefix(20))")
    }

    @Test("the schema check can fail: a missing field, a bad enum, a source without origin, too few entries")
    func schemaCanFail() throws {
        let doc = try Self.json(Self.dataURL), v = try Self.validator()
        #expect(v.validate(Self.mutated(doc, collector: 0, "sources", nil)).contains("$.collectors[0].sources: required"))
        #expect(v.validate(Self.mutated(doc, collector: 2, "status", .string("fine"))).contains { $0.hasPrefix("$.collectors[2].status") })
        #expect(!v.validate(Self.mutated(doc, collector: 1, "sources", .array([.object([("version", .string("1")), ("date", .string("2026-01"))])]))).isEmpty)
        #expect(!v.validate(Self.mutated(doc, collector: 1, "id", .string("Not A Slug"))).isEmpty)
        guard case .object(var top) = doc, let i = top.firstIndex(where: { $0.0 == "collectors" }), case .array(let list) = top[i].1 else { Issue.record("shape"); return }
        top[i].1 = .array(Array(list.prefix(29)))
        #expect(v.validate(.object(top)).contains { $0.contains("fewer than 30") })
    }

    @Test("the bundled catalogue loads: at least 30 entries, unique ids, every entry sourced")
    func bundled() throws {
        let catalogue = try CollectorCatalogue.bundled()
        #expect(catalogue.collectors.count >= 30)
        #expect(Set(catalogue.collectors.map(\.id)).count == catalogue.collectors.count)
        for c in catalogue.collectors { #expect(!c.sources.isEmpty, "\(c.id)") }
        // What the binary carries is the file in the repository, not a stale copy.
        let fromFile = try CollectorCatalogue.decode(Data(contentsOf: Self.dataURL))
        #expect(fromFile.collectors == catalogue.collectors)
    }

    @Test("decoding errors name the field", arguments: [
        ("status", JSONValue.string("fine"), "collectors[3].status"),
        ("worksWithoutProxy", JSONValue.string("yes"), "collectors[3].worksWithoutProxy"),
        ("notes", nil, "collectors[3].notes"),
    ] as [(String, JSONValue?, String)])
    func errorsNameTheField(_ c: (String, JSONValue?, String)) throws {
        let doc = Self.mutated(try Self.json(Self.dataURL), collector: 3, c.0, c.1)
        #expect(throws: CollectorCatalogueError.self) { try CollectorCatalogue.decode(Self.bytes(doc)) }
        do { _ = try CollectorCatalogue.decode(Self.bytes(doc)) } catch { #expect(error.field == c.2, "\(error)") }
    }

    @Test("a repeated id and an unordered release band are refused")
    func loaderRules() throws {
        let doc = try Self.json(Self.dataURL)
        let repeated = Self.mutated(doc, collector: 1, "id", doc["collectors"].flatMap { if case .array(let a) = $0 { return a[0]["id"] }; return nil })
        do { _ = try CollectorCatalogue.decode(Self.bytes(repeated)); Issue.record("repeat accepted") } catch { #expect(error.field == "collectors[1].id") }
        let bands = JSONValue.array([.object([("since", .string("1.33")), ("rules", .array([]))]), .object([("since", .string("1.20")), ("rules", .array([]))])])
        do { _ = try CollectorCatalogue.decode(Self.bytes(Self.mutated(doc, collector: 0, "minimalGrant", bands))); Issue.record("order accepted") } catch {
            #expect(error.field == "collectors[0].minimalGrant[1].since")
        }
    }

    @Test("every minimal grant is what the kubelet mapper says, band by band")
    func minimalGrantsMatchTheMapper() throws {
        for c in try CollectorCatalogue.bundled().collectors {
            let derived = KubeletNeeds.bands(for: c.kubeletPaths)
            #expect(c.minimalGrant.map(\.since) == derived.map(\.since), "\(c.id): bands \(c.minimalGrant.map(\.since)) but the mapper changes at \(derived.map(\.since))")
            for (written, mapped) in zip(c.minimalGrant, derived) {
                #expect(written.pairs == mapped.pairs, "\(c.id) from \(written.since): data \(written.pairs.sorted()) mapper \(mapped.pairs.sorted())")
            }
        }
    }

    @Test("worksWithoutProxy agrees with the newest minimal grant; unknown paths claim nothing")
    func withoutProxyIsConsistent() throws {
        for c in try CollectorCatalogue.bundled().collectors {
            let newest = try #require(c.minimalGrant(for: .newest))
            if c.pathsComplete { #expect(c.worksWithoutProxy == !newest.grantsProxy, "\(c.id)") }
            else { #expect(!c.worksWithoutProxy, "\(c.id): paths not complete, cannot claim it works without nodes/proxy") }
            if c.status == .notApplicable { #expect(c.kubeletPaths.isEmpty, "\(c.id)") }
            let defaultHasProxy = c.defaultGrant.contains { $0.resources.contains("nodes/proxy") }
            if c.status == .migrated { #expect(!defaultHasProxy, "\(c.id)") }
            if c.status == .needsProxy || c.status == .optIn { #expect(defaultHasProxy, "\(c.id)") }
        }
    }

    @Test("the updates since the survey are in the data")
    func updates() throws {
        let cat = try CollectorCatalogue.bundled()
        func entry(_ id: String) throws -> Collector { try #require(cat.collector(named: id), "\(id)") }
        let hasProxy = { (c: Collector) in c.defaultGrant.contains { $0.resources.contains("nodes/proxy") } }
        let gmp = try entry("gke-managed-prometheus")
        #expect(!hasProxy(gmp) && gmp.defaultGrant.contains { $0.resources.contains("nodes/metrics") })
        #expect(gmp.notes.contains("Autopilot"))
        #expect(hasProxy(try entry("aks-ama-metrics")))
        #expect(hasProxy(try entry("amazon-cloudwatch-observability")))
        let dynatrace = try entry("dynatrace-logmonitoring")
        #expect(dynatrace.notes.contains("kubeletFineGrainedAuthz") && dynatrace.defaultGrant.contains { $0.resources == ["nodes/pods"] })
        let otel = try entry("otel-kubeletstats")
        #expect(otel.kubeletPaths.contains { $0.path == "/pods" })
        #expect(otel.minimalGrant(for: .newest)?.pairs.contains(ResourceVerb(resource: "nodes/pods", verb: "get")) == true)
    }

    @Test("lookup by id or name ignores case; unknown names get the closest ids")
    func lookup() throws {
        let cat = try CollectorCatalogue.bundled()
        #expect(cat.collector(named: "METRICS-SERVER")?.id == "metrics-server")
        #expect(cat.collector(named: "netdata")?.name == "Netdata")
        #expect(cat.collector(named: "no-such-agent") == nil)
        #expect(cat.closestIDs(to: "metric-server").first == "metrics-server")
        // Nothing near: no suggestion, rather than the shortest ids.
        #expect(cat.closestIDs(to: "zzzz").isEmpty)
        #expect(cat.closestIDs(to: "").isEmpty)
    }

    @Test("only /api/v1/nodes/NAME/proxy/… goes through the API server's node proxy")
    func apiServerProxyPaths() throws {
        func use(_ path: String) throws -> Collector.PathUse {
            try JSONDecoder().decode(Collector.PathUse.self, from: Data("{\"path\":\"\(path)\",\"basis\":\"docs\"}".utf8))
        }
        #expect(try use("/api/v1/nodes/{node}/proxy/metrics").viaAPIServerProxy)
        #expect(try use("/api/v1/nodes/n1/proxy").viaAPIServerProxy)
        #expect(try !use("/api/v1/nodes/{node}").viaAPIServerProxy)
        #expect(try !use("/api/v1/nodes/{node}/status").viaAPIServerProxy)
        #expect(try !use("/metrics/cadvisor").viaAPIServerProxy)
    }
}

/// The mapper-driven derivation itself, on Kubernetes behaviour the project's fixtures hold.
@Suite("kubelet needs of path uses")
struct KubeletNeedsTests {
    static func use(_ path: String, method: String? = nil) throws -> Collector.PathUse {
        var json = "{\"path\": \"\(path)\", \"when\": null, \"basis\": \"source\""
        if let method { json += ", \"method\": \"\(method)\"" }
        return try JSONDecoder().decode(Collector.PathUse.self, from: Data((json + "}").utf8))
    }

    static func needs(_ path: String, _ minor: Int, method: String? = nil) throws -> [String] {
        try KubeletNeeds.pairs(for: [use(path, method: method)], profile: KubeletProfile(version: .v(minor))).sorted().map(\.description)
    }

    @Test("/pods needs nodes/proxy before 1.33 and nodes/pods from 1.33")
    func pods() throws {
        #expect(try Self.needs("/pods", 32) == ["get nodes/proxy"])
        #expect(try Self.needs("/pods", 33) == ["get nodes/pods"])
        let gated = KubeletProfile(version: .v(32), featureGates: FeatureGateSettings([.kubeletFineGrainedAuthz: true]))
        #expect(try KubeletNeeds.pairs(for: [Self.use("/pods")], profile: gated).map(\.description) == ["get nodes/pods"])
    }

    @Test("exec, container logs and the API server's node proxy need nodes/proxy on every release")
    func proxyOnly() throws {
        for minor in [18, 33, 36] {
            #expect(try Self.needs("/exec/{namespace}/{pod}/{container}", minor, method: "POST") == ["create nodes/proxy"])
            #expect(try Self.needs("/containerLogs/{namespace}/{pod}/{container}", minor) == ["get nodes/proxy"])
            #expect(try Self.needs("/api/v1/nodes/{node}/proxy/metrics/cadvisor", minor) == ["get nodes/proxy"])
            #expect(try Self.needs("/stats/summary", minor) == ["get nodes/stats"])
            #expect(try Self.needs("/metrics/cadvisor", minor) == ["get nodes/metrics"])
        }
    }

    @Test("a path the kubelet no longer serves needs nothing: /spec/ is gone from 1.21")
    func unserved() throws {
        #expect(try Self.needs("/spec/", 20) == ["get nodes/spec"])
        #expect(try Self.needs("/spec/", 21) == [])
    }

    @Test("bands start where the answer changes")
    func bands() throws {
        let bands = KubeletNeeds.bands(for: [try Self.use("/pods"), try Self.use("/metrics")])
        #expect(bands.map(\.since) == ["1.18", "1.33"])
        #expect(bands.last?.rules == [GrantRule(resources: ["nodes/pods", "nodes/metrics"], verbs: ["get"])])
    }
}
