@testable import KubeClient
import Testing

@Suite("server certificate names, matched as Go's VerifyHostname matches them")
struct ServerIdentityTests {
    typealias Alt = ServerIdentity.AltName

    @Test("host names, wildcards, IP literals", arguments: [
        ([Alt.dns("api.lab.test")], "api.lab.test", true),
        ([.dns("API.Lab.Test.")], "api.lab.test", true),
        ([.dns("api.lab.test")], "API.LAB.TEST.", true),
        ([.dns("*.lab.test")], "api.lab.test", true),
        ([.dns("*.lab.test")], "lab.test", false),
        ([.dns("*.lab.test")], "a.api.lab.test", false),
        ([.dns("api.*.test")], "api.lab.test", false),
        ([.ip([127, 0, 0, 1])], "wrong-name.test", false),  // the dialled address does not stand in for the name
        ([.ip([127, 0, 0, 1]), .dns("localhost")], "wrong-name.test", false),
        ([.ip([127, 0, 0, 1])], "127.0.0.1", true),
        ([.dns("127.0.0.1")], "127.0.0.1", false),  // an IP literal matches IP names only
        ([.ip([127, 0, 0, 2])], "127.0.0.1", false),
        ([.ip([UInt8](repeating: 0, count: 15) + [1])], "[::1]", true),
        ([.dns("")], "", false),
        ([], "api.lab.test", false),
    ])
    func matches(_ c: ([Alt], String, Bool)) {
        #expect(ServerIdentity.matches(c.0, name: c.1) == c.2)
    }

    @Test("names a tls-server-name may not be")
    func serverNames() {
        #expect(ServerIdentity.serverNameProblem("kubernetes.default.svc") == nil)
        #expect(ServerIdentity.serverNameProblem("10.0.0.1") == nil)
        #expect(ServerIdentity.serverNameProblem("wröng.test")?.contains("ASCII") == true)
        for bad in ["", "a/b", "host:443", "a b", "[::1]"] { #expect(ServerIdentity.serverNameProblem(bad) != nil, "\(bad)") }
        #expect(ServerIdentity.describe(.ip([127, 0, 0, 1])) == "127.0.0.1")
        #expect(ServerIdentity.describe(.ip([UInt8](repeating: 0, count: 15) + [1])) == "::1")
    }
}
