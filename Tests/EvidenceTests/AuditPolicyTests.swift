import Evidence
import Foundation
import Testing

@Suite("Audit policy")
struct AuditPolicyTests {
    func policy(_ rules: String, omit: String = "") throws -> AuditPolicy {
        try AuditPolicy.decode(Data("apiVersion: audit.k8s.io/v1\nkind: Policy\n\(omit)rules:\n\(rules)".utf8), source: "policy.yaml")
    }

    let kubeletReview = AuditPolicy.Request(user: "system:node:n1", groups: ["system:nodes", "system:authenticated"], verb: "create",
                                            isResourceRequest: true, apiGroup: "authorization.k8s.io", resource: "subjectaccessreviews")

    /// Rule matching as staging/src/k8s.io/apiserver/pkg/audit/policy/checker.go does it.
    @Test("matching", arguments: [
        ("- level: Metadata\n", AuditPolicy.Level.metadata),
        ("- level: None\n  userGroups: [system:nodes]\n- level: RequestResponse\n", .none),
        ("- level: Request\n  users: [someone]\n- level: Metadata\n", .metadata),
        ("- level: RequestResponse\n  resources: [{group: authorization.k8s.io, resources: [subjectaccessreviews]}]\n", .requestResponse),
        ("- level: RequestResponse\n  resources: [{group: authorization.k8s.io, resources: [\"*\"]}]\n", .requestResponse),
        ("- level: RequestResponse\n  resources: [{group: \"*\", resources: [subjectaccessreviews]}]\n", .none),  // no group wildcard
        ("- level: RequestResponse\n  namespaces: [\"\"]\n", .requestResponse),  // cluster-scoped is ""
        ("- level: RequestResponse\n  namespaces: [kube-system]\n", .none),
        ("- level: Request\n  verbs: [get]\n", .none),
        ("- level: Request\n  nonResourceURLs: [\"*\"]\n", .none),
    ])
    func matching(_ c: (String, AuditPolicy.Level)) throws {
        #expect(try policy(c.0).level(kubeletReview) == c.1)
    }

    @Test("resource forms: */sub, res/* (which also matches the bare resource), resourceNames")
    func resourceForms() throws {
        let nodeProxy = AuditPolicy.Request(user: "u", groups: [], verb: "get", isResourceRequest: true, resource: "nodes", subresource: "proxy", name: "n1")
        let nodes = AuditPolicy.Request(user: "u", groups: [], verb: "get", isResourceRequest: true, resource: "nodes", name: "n1")
        #expect(try policy("- level: Request\n  resources: [{group: \"\", resources: [\"*/proxy\"]}]\n").level(nodeProxy) == .request)
        #expect(try policy("- level: Request\n  resources: [{group: \"\", resources: [\"nodes/*\"]}]\n").level(nodeProxy) == .request)
        #expect(try policy("- level: Request\n  resources: [{group: \"\", resources: [\"nodes/*\"]}]\n").level(nodes) == .request)
        #expect(try policy("- level: Request\n  resources: [{group: \"\", resources: [nodes/proxy], resourceNames: [n2]}]\n").level(nodeProxy) == .none)
    }

    @Test("blind spots: level, shadowing, omitted stage, node proxy hidden")
    func blindSpots() throws {
        let good = try policy("- level: RequestResponse\n  userGroups: [system:nodes]\n  verbs: [create]\n  resources: [{group: authorization.k8s.io, resources: [subjectaccessreviews]}]\n- level: Metadata\n")
        #expect(BlindSpotAnalyzer.fromPolicy(good).isEmpty)

        let shadowed = try policy("- level: None\n  userGroups: [system:nodes]\n  verbs: [create]\n- level: Metadata\n  userGroups: [system:nodes]\n- level: RequestResponse\n  resources: [{group: authorization.k8s.io}]\n- level: Metadata\n")
        let spots = BlindSpotAnalyzer.fromPolicy(shadowed)
        #expect(spots.map(\.kind) == [.policyLevel, .policyShadowed])
        #expect(spots[0].location == "policy.yaml:4")
        #expect(spots[1].message.contains("rule 3 would log"))

        let requestOnly = try policy("- level: Request\n")
        #expect(BlindSpotAnalyzer.fromPolicy(requestOnly).map(\.kind) == [.policyLevel])

        let omitted = try policy("- level: RequestResponse\n", omit: "omitStages: [ResponseComplete]\n")
        #expect(BlindSpotAnalyzer.fromPolicy(omitted).map(\.kind) == [.policyOmitsResponseComplete])

        let hidesProxy = try policy("- level: None\n  resources: [{group: \"\", resources: [nodes/proxy]}]\n- level: RequestResponse\n")
        #expect(BlindSpotAnalyzer.fromPolicy(hidesProxy).map(\.kind) == [.policyHidesNodeProxy])
    }

    @Test("bad policies name the line")
    func errors() {
        #expect { try policy("- level: Everything\n") } throws: { ($0 as! AuditPolicy.DecodeError).line == 4 }
        #expect { try policy("- level: Metadata\n  user: [x]\n") } throws: { ($0 as! AuditPolicy.DecodeError).message.contains("unknown field user") }
        #expect { try AuditPolicy.decode(Data("kind: Policy\nrules: []\n".utf8), source: "p") } throws: { ($0 as! AuditPolicy.DecodeError).message.contains("at least one rule") }
    }
}
