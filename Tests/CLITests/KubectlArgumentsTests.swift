import CLITestSupport
import Foundation
@testable import KubeletAuthzCLI
import TestSupport
import Testing

/// kubectl's joined option forms (`-ojson`, `-o=json`, `-nNS`, `-n=NS`) are split only where an
/// option can stand.
@Suite("kubectl argument forms")
struct KubectlArgumentsTests {
    @Test("joined short options are split", arguments: [
        (["-ojson"], ["-o", "json"]), (["-o=json"], ["-o", "json"]),
        (["-nmonitoring"], ["-n", "monitoring"]), (["-n=monitoring"], ["-n", "monitoring"]),
        (["-fcluster.yaml"], ["-f", "cluster.yaml"]), (["-f=-"], ["-f", "-"]),
        (["-ojsonpath={.a=b}"], ["-o", "jsonpath={.a=b}"]),
    ])
    func split(_ c: ([String], [String])) {
        #expect(KubectlArguments.normalize(["scan"] + c.0) == ["scan"] + c.1)
    }

    @Test("the value of an option, and anything after --, is left alone", arguments: [
        ["explain", "--as", "-ofoo", "GET", "/pods"],
        ["explain", "--as-group", "-nadmins", "--as", "x", "GET", "/pods"],
        ["who-can", "--node", "-fnode", "GET", "/pods"],
        ["scan", "-o", "-nothing"],
        ["map", "--", "-ojson", "/pods"],
        ["scan", "--output=json", "-A"],
    ])
    func leftAlone(_ arguments: [String]) {
        #expect(KubectlArguments.normalize(arguments) == arguments)
    }

    @Test("-nNS and -n=NS choose the namespace as -n NS does")
    func joinedNamespace() async throws {
        let file = try Fixtures.temporaryFile("chart-\(UUID().uuidString).yaml", KubectlHabitsTests.chart)
        func names(_ flag: [String]) async throws -> [String] {
            let r = await kubeletAuthz(["scan", "-f", file, "-ojson"] + flag)
            #expect(r.code == 0, "\(r.err)")
            return (try jsonObject(r.out)["subjects"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }.sorted()
        }
        let separate = try await names(["-n", "monitoring"])
        #expect(separate == ["agent", "alice"])
        #expect(try await names(["-nmonitoring"]) == separate)
        #expect(try await names(["-n=monitoring"]) == separate)
    }

    /// Every option that takes a value, by every name, from the commands' own definitions.
    static func definedValueOptions() throws -> Set<String> {
        let dump = try #require(try JSONSerialization.jsonObject(with: Data(KubeletAuthz._dumpHelp().utf8)) as? [String: Any])
        var out = Set<String>()
        func visit(_ command: [String: Any]) {
            for argument in command["arguments"] as? [[String: Any]] ?? [] where argument["kind"] as? String == "option" {
                for name in argument["names"] as? [[String: Any]] ?? [] {
                    let n = name["name"] as? String ?? ""
                    out.insert((name["kind"] as? String == "short" ? "-" : "--") + n)
                }
            }
            for sub in command["subcommands"] as? [[String: Any]] ?? [] { visit(sub) }
        }
        visit(try #require(dump["command"] as? [String: Any]))
        return out
    }

    @Test("the list of value-taking options is the commands' own")
    func valueOptionsMatchDefinitions() throws {
        let defined = try Self.definedValueOptions()
        #expect(defined.count > 20, "\(defined)")
        #expect(KubectlArguments.valueOptions == defined,
                "missing: \(defined.subtracting(KubectlArguments.valueOptions).sorted()); stale: \(KubectlArguments.valueOptions.subtracting(defined).sorted())")
    }
}
