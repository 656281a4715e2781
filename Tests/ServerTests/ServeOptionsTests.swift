import Foundation
import Governance
@testable import KubeletAuthzServer
import Testing

struct ServeOptionsTests {
    @Test func neverDenyEntries() throws {
        var list = NeverDenyList.defaults(apiServerKubeletClient: "apiserver-kubelet")
        #expect(list.exemption(user: "apiserver-kubelet", groups: []) == "user apiserver-kubelet")
        #expect(list.exemption(user: "x", groups: ["system:nodes"]) == "group system:nodes")
        #expect(list.exemption(user: "admin", groups: ["system:masters"]) == "group system:masters")
        #expect(list.exemption(user: "kube-apiserver-kubelet-client", groups: []) == nil)
        try list.add("user/ops-bot")
        try list.add("group/sre")
        #expect(list.exemption(user: "ops-bot", groups: []) != nil)
        #expect(list.exemption(user: "y", groups: ["sre"]) != nil)
        for bad in ["ops-bot", "sa/ops", "user/", "/x"] {
            #expect(throws: NeverDenyList.ParseError.self) { try list.add(bad) }
        }
    }

    @Test(arguments: [
        ("127.0.0.1:8443", "127.0.0.1", 8443), ("[::1]:0", "::1", 0), ("localhost:8080", "localhost", 8080),
    ])
    func listenAddresses(text: String, host: String, port: Int) throws {
        let a = try ListenAddress(text, option: "--address")
        #expect(a.host == host && a.port == port)
    }

    @Test(arguments: ["8443", ":8443", "host:99999", "host:x", "[::1:80"])
    func badListenAddresses(text: String) {
        #expect(throws: ListenAddress.ParseError.self) { try ListenAddress(text, option: "--address") }
    }

    /// The day a review is judged on, against Foundation's calendar.
    @Test(arguments: [0.0, 951_782_400, 1_795_780_800, 1_795_823_999, 4_107_542_400, -86_400])
    func utcDays(epoch: Double) {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date(timeIntervalSince1970: epoch))
        #expect(UTCDay.day(epochSeconds: epoch) == Day(year: c.year!, month: c.month!, day: c.day!))
    }
}
