import Foundation
import KubeletModel
import TestSupport
import Testing

@Suite("Kubelet model against the vectors")
struct KubeletMappingVectorTests {
    @Test("isSubpath", arguments: Fixtures.vectors.isSubpath)
    func subpath(_ v: SubpathVector) {
        #expect(SubpathMatcher.isSubpath(v.subpath, of: v.path) == v.expected)
    }

    @Test("request → checks, per release and gate", arguments: Fixtures.vectors.kubeletMapping)
    func mapping(_ v: MappingVector) throws {
        for (minor, gate) in v.kubelets {
            var settings = FeatureGateSettings()
            if let gate { settings.values[.kubeletFineGrainedAuthz] = gate }
            let profile = KubeletProfile(version: .v(minor), featureGates: settings)
            let got = KubeletAttributeMapper.checks(method: v.method, path: v.path, profile: profile)
                .map { ExpectedCheck(verb: $0.verb, subresource: $0.subresource) }
            #expect(got == v.expected, "1.\(minor) gate=\(gate.map(String.init) ?? "default")")
            #expect(KubeletAttributeMapper.checks(method: v.method, path: v.path, profile: profile).allSatisfy { $0.resource == "nodes" })
        }
    }

    @Test("every vector's gate label agrees with the release default")
    func gateDefaults() {
        for v in Fixtures.vectors.kubeletMapping {
            guard let labelled = v.featureGate["KubeletFineGrainedAuthz"] ?? nil else { continue }
            for (minor, gate) in v.kubelets where gate == nil {
                #expect(KubeletProfile(version: .v(minor)).fineGrainedAuthz == labelled, "\(v.id) at 1.\(minor)")
            }
        }
    }
}

@Suite("HTTP method → verb")
struct VerbMappingTests {
    struct Conventions: Decodable {
        struct Meta: Decodable {
            struct C: Decodable { let verbMapping: [String: String] }
            let conventions: C
        }
        let meta: Meta
    }

    @Test("the vectors' verb table")
    func table() throws {
        let c = try JSONDecoder().decode(Conventions.self, from: Fixtures.data("vectors.json"))
        #expect(c.meta.conventions.verbMapping.count == 5)
        for (method, verb) in c.meta.conventions.verbMapping {
            #expect(HTTPVerbMapping.verb(forMethod: method) == verb)
        }
    }

    /// The vectors' `unmappedMethods` convention: everything else is the empty verb — the
    /// documentation's HEAD → get row is wrong.
    @Test("unmapped methods give the empty verb", arguments: ["HEAD", "OPTIONS", "CONNECT", "TRACE", "get", "Post", "PROPFIND"])
    func unmapped(_ method: String) {
        #expect(HTTPVerbMapping.verb(forMethod: method) == "")
    }
}
