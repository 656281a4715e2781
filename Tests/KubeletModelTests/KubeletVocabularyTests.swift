import Foundation
import KubeletModel
import TestSupport
import Testing

@Suite("Kubelet vocabulary per release")
struct KubeletVocabularyTests {
    struct Case: Decodable, CustomTestStringConvertible, Sendable {
        let kubeVersion: String
        let featureGates: String?
        let checked: [String]
        let fallback: [String]
        let kubeletAPIAdmin: [String]?
        var testDescription: String { "\(kubeVersion) \(featureGates ?? "default gates")" }

        var profile: KubeletProfile {
            KubeletProfile(version: KubernetesVersion(kubeVersion)!,
                           featureGates: try! FeatureGateSettings.parse(featureGates.map { [$0] } ?? []))
        }
    }

    static let cases: [Case] = {
        struct File: Decodable { let cases: [Case] }
        return try! JSONDecoder().decode(File.self, from: Fixtures.data("release-vocabulary.json")).cases
    }()

    @Test("checked and fallback subresources per release and gates", arguments: cases)
    func vocabulary(_ c: Case) {
        let v = KubeletVocabulary(profile: c.profile)
        #expect(v.checked.map(\.rawValue) == c.checked)
        #expect(v.fallbackSubresources.map(\.rawValue) == c.fallback)
        if let admin = c.kubeletAPIAdmin {
            #expect(APIServerKubeletClient.bootstrapRoleSubresources(in: c.profile.version).map(\.rawValue) == admin)
        }
    }

    /// The derived tables are the mapper's answers, route by route, for every modelled profile.
    @Test("every table equals what the mapper and router say", arguments: KubeletProfile.modelledProfiles)
    func derivedFromMapper(_ profile: KubeletProfile) {
        let v = KubeletVocabulary(profile: profile)
        #expect(v.routes.map(\.pattern) == KubeletRouter.registeredPatterns(profile: profile))
        var union = Set<String>()
        for route in v.routes {
            let mapped = KubeletAttributeMapper.subresources(forPath: route.samplePath, profile: profile)
            #expect(route.subresources.map(\.rawValue) == mapped, "\(route.pattern)")
            // A path the router serves is authorized as mapped.
            let request = try! KubeletRequestPath(route.samplePath)
            #expect(KubeletRouter.route(method: "GET", path: request, profile: profile) == .ok, "\(route.pattern)")
            union.formUnion(mapped)
            #expect(v.narrowestSubresource(forPath: route.samplePath)?.rawValue == mapped.first { $0 != "proxy" }, "\(route.pattern)")
        }
        #expect(Set(v.checked.map(\.rawValue)) == union)
        #expect(v.fallbackSubresources.allSatisfy(KubeletVocabulary.fallbackSubresourcesInAnyRelease.contains))
        for sub in v.checked { #expect(!v.patterns(reaching: sub).isEmpty) }
    }

    struct KubeadmRelease: Decodable, Sendable, CustomStringConvertible {
        let kubeadm: String
        let createsBinding: Bool
        let certificateGroup: String?
        var description: String { kubeadm }
    }

    static let kubeadmReleases: [KubeadmRelease] = {
        struct File: Decodable { let rows: [KubeadmRelease] }
        return (try? JSONDecoder().decode(File.self, from: Fixtures.data("kubeadm-apiserver-kubelet-client.json")).rows) ?? []
    }()

    @Test("kubeadm releases that create kubeadm:apiserver-kubelet-client (the fixture cites the PRs and releases)",
          arguments: kubeadmReleases)
    func kubeadmBinding(_ row: KubeadmRelease) throws {
        let v = try #require(KubernetesVersion(row.kubeadm))
        let patch = try #require(Int(row.kubeadm.split(separator: ".").last ?? ""))
        #expect(APIServerKubeletClient.kubeadmCreatesBinding(minor: v.minor, patch: patch) == row.createsBinding)
        // Before the binding, the certificate carried one of the groups KA015 names.
        if let group = row.certificateGroup { #expect(APIServerKubeletClient.legacyCertificateGroups.contains(group)) }
    }

    @Test("the kubeadm fixture is read, and a release without its patch level is not assumed to bind")
    func kubeadmUnknownPatch() {
        #expect(Self.kubeadmReleases.count >= 10)
        #expect(!APIServerKubeletClient.kubeadmCreatesBinding(minor: 36, patch: nil))
        #expect(!APIServerKubeletClient.kubeadmCreatesBinding(minor: 35, patch: nil))
        #expect(APIServerKubeletClient.kubeadmCreatesBinding(minor: 37, patch: nil))
    }
}

extension KubeletVocabularyTests {
    /// Evidence pairs a denied check with the `proxy` check after it for exactly these: the
    /// names some release (default gates or all on) tries before its fallback.
    @Test("the fallback subresources of any release")
    func anyRelease() {
        #expect(Set(KubeletVocabulary.fallbackSubresourcesInAnyRelease.map(\.rawValue)) == Set(Self.cases.flatMap(\.fallback)))
    }
}
