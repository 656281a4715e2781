import CLITestSupport
import Foundation
import TestSupport
import Testing

@Suite("kubelet-authz map")
struct MapCommandTests {
    @Test("every mapping vector through the command", arguments: Fixtures.vectors.kubeletMapping)
    func vectors(_ v: MappingVector) async throws {
        for (minor, gate) in v.kubelets {
            var args = ["map", "-o", "json", "--kube-version", "1.\(minor)"]
            if let gate { args += ["--feature-gates", "KubeletFineGrainedAuthz=\(gate)"] }
            let r = await kubeletAuthz(args + [v.method, v.path])
            #expect(r.code == 0, "\(r.err)")
            let json = try jsonObject(r.out)
            let checks = try #require(json["checks"] as? [[String: String]])
            #expect(checks.map { ExpectedCheck(verb: $0["verb"]!, subresource: $0["subresource"]!) } == v.expected, "1.\(minor) gate=\(String(describing: gate))")
            #expect(checks.allSatisfy { $0["resource"] == "nodes" })
            #expect(json["kubeVersion"] as? String == "1.\(minor)")
            #expect(json["method"] as? String == v.method)
            #expect(json["path"] as? String == v.path)
            #expect(json["routing"] as? String != nil)
            #expect(json.keys.contains("endpoint"))
        }
    }

    @Test("the JSON contract: verb, routing, endpoint, redirect")
    func contract() async throws {
        let r = await kubeletAuthz(["map", "-o", "json", "HEAD", "/exec/ns/pod/ctr?command=id"])
        let json = try jsonObject(r.out)
        #expect(json["verb"] as? String == "")
        #expect(json["path"] as? String == "/exec/ns/pod/ctr")
        #expect(json["kubeVersion"] as? String == "1.36")
        let endpoint = try #require(json["endpoint"] as? [String: Any])
        #expect(endpoint["canExecuteCommands"] as? Bool == true)

        let redirect = try jsonObject(await kubeletAuthz(["map", "-o", "json", "GET", "/stats"]).out)
        #expect(redirect["routing"] as? String == "redirect")
        #expect((redirect["redirect"] as? [String: Any])?["status"] as? Int == 307)
        #expect((redirect["redirect"] as? [String: Any])?["location"] as? String == "/stats/")

        let flagz = try jsonObject(await kubeletAuthz(["map", "-o", "json", "GET", "/foo"]).out)
        #expect(flagz["routing"] as? String == "notFound")
    }

    @Test("a locked gate warns but answers")
    func lockedGate() async throws {
        let r = await kubeletAuthz(["map", "--feature-gates", "KubeletFineGrainedAuthz=false", "GET", "/pods"])
        #expect(r.code == 0)
        #expect(r.err.contains("Warning: feature gate KubeletFineGrainedAuthz is locked"))
        #expect(!r.out.contains("Warning"), "warnings go to stderr")
        #expect(r.out.contains("proxy"))
    }

    @Test("bad flag values exit 2 with a message", arguments: [
        (["map", "--kube-version", "latest", "GET", "/pods"], "--kube-version \"latest\""),
        (["map", "--feature-gates", "Bogus=true", "GET", "/pods"], "unrecognized feature gate: Bogus"),
        (["map", "--feature-gates", "KubeletFineGrainedAuthz=yes", "GET", "/pods"], "invalid value of KubeletFineGrainedAuthz=yes"),
        (["map", "-o", "xml", "GET", "/pods"], "xml"),
        (["map", "GET", "pods"], "must start with \"/\""),
        (["map", "GE T", "/pods"], "not an HTTP method"),
        (["map", "GET"], "Missing expected argument"),
        (["map", "--bogus", "GET", "/pods"], "Unknown option '--bogus'"),
    ])
    func badFlags(_ c: ([String], String)) async {
        let r = await kubeletAuthz(c.0)
        #expect(r.code == 2)
        #expect(r.err.contains(c.1), "\(r.err)")
        #expect(r.out.isEmpty)
    }

    @Test("help exits 0")
    func help() async {
        let r = await kubeletAuthz(["map", "--help"])
        #expect(r.code == 0)
        #expect(r.out.contains("USAGE"))
    }
}
