import Foundation
import KubeletModel
import TestSupport
import Testing

struct RoutingCase: Decodable, Sendable, CustomTestStringConvertible {
    let kubeVersion: String
    let featureGates: String?
    let method: String
    let path: String
    let routing: String
    let status: Int?
    let location: String?
    let source: String
    var testDescription: String { "\(kubeVersion) \(method) \(path)" }

    static let all: [RoutingCase] = {
        struct File: Decodable { let cases: [RoutingCase] }
        return try! JSONDecoder().decode(File.self, from: Fixtures.data("kubelet-routing.json")).cases
    }()
}

@Suite("Kubelet router")
struct KubeletRouterTests {
    @Test("router answers", arguments: RoutingCase.all)
    func route(_ c: RoutingCase) throws {
        let gates = try FeatureGateSettings.parse(c.featureGates.map { [$0] } ?? [])
        let profile = KubeletProfile(version: try #require(KubernetesVersion(c.kubeVersion)), featureGates: gates)
        let routing = KubeletRouter.route(method: c.method, path: try KubeletRequestPath(c.path), profile: profile)
        #expect(routing.name == c.routing)
        if case .redirect(let status, let location) = routing {
            #expect(status == c.status)
            #expect(location == c.location)
        }
    }

    @Test("Go path cleaning", arguments: [
        ("/a//b", "/a/b"), ("/a/./b/", "/a/b/"), ("/a/../../b", "/b"), ("/", "/"), ("//", "/"), ("/a/b/..", "/a"),
    ])
    func clean(_ pair: (String, String)) {
        #expect(KubeletRouter.cleanPath(pair.0) == pair.1)
    }
}

@Suite("Kubelet texts")
struct KubeletResponseTests {
    /// The body the measured 1.36.2 kubelet sent, and a third-party 1.34/1.35 report of the
    /// same format (pkg/kubelet/server/server.go, the multi-attribute auth filter).
    @Test("forbidden body, multi-attribute form")
    func forbidden() {
        let p = KubeletProfile(version: .v(36))
        let checks = KubeletAttributeMapper.checks(method: "GET", path: "/statusz", profile: p)
        #expect(KubeletResponse.forbiddenBody(user: "kube-apiserver-kubelet-client", checks: checks, profile: p)
                == "Forbidden (user=kube-apiserver-kubelet-client, verb=get, resource=nodes, subresource(s)=[statusz])\n")
        let pods = KubeletAttributeMapper.checks(method: "GET", path: "/pods", profile: p)
        #expect(KubeletResponse.forbiddenBody(user: "u", checks: pods, profile: p)
                == "Forbidden (user=u, verb=get, resource=nodes, subresource(s)=[pods proxy])\n")
    }

    @Test("forbidden body before 1.32: one subresource, no newline")
    func forbiddenOld() {
        let p = KubeletProfile(version: .v(31))
        let checks = KubeletAttributeMapper.checks(method: "POST", path: "/exec/a/b/c", profile: p)
        #expect(KubeletResponse.forbiddenBody(user: "u", checks: checks, profile: p)
                == "Forbidden (user=u, verb=create, resource=nodes, subresource=proxy)")
    }

    @Test("redirect body is written for GET only")
    func redirect() {
        #expect(KubeletResponse.redirectBody(status: 307, location: "/stats/", method: "GET") == "<a href=\"/stats/\">Temporary Redirect</a>.\n\n")
        #expect(KubeletResponse.redirectBody(status: 301, location: "/stats/", method: "POST") == "")
    }
}

@Suite("Versions and gates")
struct VersionAndGateTests {
    @Test("version parsing", arguments: [
        ("1.36", 36), ("v1.36.2", 36), ("v1.30.1+k3s1", 30), ("1.29.3-eks-1234", 29), ("v1.33", 33),
    ])
    func parse(_ c: (String, Int)) {
        #expect(KubernetesVersion(c.0)?.minor == c.1)
    }

    @Test("not versions", arguments: ["", "1", "latest", "1.x", "v1.36x", "1.36.x"])
    func notVersions(_ s: String) {
        #expect(KubernetesVersion(s) == nil)
    }

    @Test("gate parsing errors name the problem")
    func gateErrors() {
        #expect(throws: FeatureGateSettings.ParseError.unknownGate("Bogus")) { try FeatureGateSettings.parse(["Bogus=true"]) }
        #expect(throws: FeatureGateSettings.ParseError.invalidValue(gate: "KubeletFineGrainedAuthz", value: "maybe")) {
            try FeatureGateSettings.parse(["KubeletFineGrainedAuthz=maybe"])
        }
        #expect(throws: FeatureGateSettings.ParseError.missingEquals("KubeletFineGrainedAuthz")) {
            try FeatureGateSettings.parse(["KubeletFineGrainedAuthz"])
        }
    }

    @Test("a locked gate set against its lock is applied with a warning; a gate a release lacks is ignored")
    func lockedGate() throws {
        let p = KubeletProfile(version: .v(36), featureGates: try FeatureGateSettings.parse(["KubeletFineGrainedAuthz=false"]))
        #expect(!p.fineGrainedAuthz)
        #expect(p.warnings.count == 1 && p.warnings[0].contains("locked"))
        let old = KubeletProfile(version: .v(31), featureGates: try FeatureGateSettings.parse(["KubeletFineGrainedAuthz=true"]))
        #expect(!old.fineGrainedAuthz)
        #expect(old.warnings.count == 1 && old.warnings[0].contains("does not exist"))
        let alpha = KubeletProfile(version: .v(32), featureGates: try FeatureGateSettings.parse(["KubeletFineGrainedAuthz=t"]))
        #expect(alpha.fineGrainedAuthz && alpha.warnings.isEmpty)
    }
}

@Suite("Endpoint catalogue")
struct EndpointCatalogueTests {
    @Test("command execution is marked on exec, run and attach only")
    func execution() {
        let exec = Set(KubeletEndpointCatalogue.all.filter(\.canExecuteCommands).map(\.path))
        #expect(exec == ["/exec/{namespace}/{pod}/{container}", "/run/{namespace}/{pod}/{container}", "/attach/{namespace}/{pod}/{container}"])
    }

    @Test("nodes/proxy opens every execution endpoint at every release")
    func proxyOpensExec() {
        for minor in 18...36 {
            let reach = KubeletEndpointCatalogue.endpoints(reachableWith: "proxy", profile: KubeletProfile(version: .v(minor)))
            #expect(reach.filter(\.canExecuteCommands).count == 3, "1.\(minor)")
        }
    }

    @Test("nodes/pods opens /pods only where the gate is on")
    func podsSubresource() {
        #expect(KubeletEndpointCatalogue.endpoints(reachableWith: "pods", profile: KubeletProfile(version: .v(32))).isEmpty)
        #expect(Set(KubeletEndpointCatalogue.endpoints(reachableWith: "pods", profile: KubeletProfile(version: .v(33))).map(\.path)) == ["/pods", "/runningpods/"])
    }

    @Test("paths find their family with the kubelet's prefix rule", arguments: [
        ("/exec/a/b/c", "/exec/{namespace}/{pod}/{container}"), ("/runningpods/", "/runningpods/"),
        ("/run/a/b/c", "/run/{namespace}/{pod}/{container}"), ("/metrics/cadvisor", "/metrics"), ("/healthz/ping", "/healthz"),
    ])
    func family(_ c: (String, String)) {
        #expect(KubeletEndpointCatalogue.endpoint(forPath: c.0)?.path == c.1)
    }

    @Test("unknown paths have no family", arguments: ["/metricsfoo", "/foo", "/runningPods/"])
    func unknown(_ p: String) {
        #expect(KubeletEndpointCatalogue.endpoint(forPath: p) == nil)
    }
}

struct HandlerCase: Decodable, Sendable, CustomTestStringConvertible {
    let method: String
    let path: String
    let status: Int
    let source: String
    var testDescription: String { "\(method) \(path)" }

    static let all: [HandlerCase] = {
        struct File: Decodable { let cases: [HandlerCase] }
        return try! JSONDecoder().decode(File.self, from: Fixtures.data("kubelet-handlers.json")).cases
    }()
}

@Suite("Kubelet handlers after authorization")
struct KubeletHandlerTests {
    @Test("status", arguments: HandlerCase.all)
    func status(_ c: HandlerCase) {
        #expect(KubeletHandlerRoutes.answer(method: c.method, path: c.path).status == c.status)
    }
}
