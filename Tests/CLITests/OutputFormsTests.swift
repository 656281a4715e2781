import CLITestSupport
import Foundation
import TestSupport
import Testing

/// kubectl's `-o name` and `-o jsonpath=…`: the template runs over exactly the `-o json`
/// document, and `-o name` lists the same subjects the JSON does.
@Suite("-o name and -o jsonpath")
struct OutputFormsTests {
    static func subjectLines(_ json: [String: Any]) -> [String] {
        (json["subjects"] as? [[String: Any]] ?? []).map { s in
            let kind = s["kind"] as? String ?? "", ns = s["namespace"] as? String ?? "", name = s["name"] as? String ?? ""
            return ns.isEmpty ? "\(kind)/\(name)" : "\(kind)/\(ns)/\(name)"
        }
    }

    @Test("who-can -o name: a subject a line, the JSON's subjects in order")
    func whoCanNames() async throws {
        let args = ["who-can", "-f", exampleDir, "GET", "/exec/tenant-a-inference/llm-0/vllm"]
        let names = await kubeletAuthz(args + ["-o", "name"])
        #expect(names.code == 0, "\(names.err)")
        let json = try jsonObject(await kubeletAuthz(args + ["-o", "json"]).out)
        #expect(names.out == Self.subjectLines(json).map { $0 + "\n" }.joined())
        #expect(names.out.contains("ServiceAccount/datadog/datadog\n"))
        #expect(names.out.contains("Group/system:masters\n"))
    }

    @Test("scan -o name lists the inventory's subjects; findings -o name the rule ids")
    func scanAndFindingsNames() async throws {
        let names = await kubeletAuthz(["scan", "-f", exampleDir, "-o", "name"])
        #expect(names.code == 0, "\(names.err)")
        let json = try jsonObject(await kubeletAuthz(["scan", "-f", exampleDir, "-o", "json"]).out)
        #expect(!names.out.isEmpty)
        #expect(names.out == Self.subjectLines(json).map { $0 + "\n" }.joined())

        let ids = await kubeletAuthz(["findings", "-o", "name"])
        let catalogue = try JSONSerialization.jsonObject(with: Data(await kubeletAuthz(["findings", "-o", "json"]).out.utf8)) as? [[String: Any]] ?? []
        #expect(ids.out == catalogue.compactMap { $0["id"] as? String }.map { $0 + "\n" }.joined())
        #expect(ids.out.hasPrefix("KA001\n"))
    }

    @Test("-o name where nothing has a name lists the formats the command has", arguments: [
        (["map", "-o", "name", "GET", "/pods"], "map prints table, json, jsonpath=TEMPLATE, jsonpath-file=FILE"),
        (["evidence", "-o", "name", "x.log"], "evidence prints table, json, csv, jsonpath=TEMPLATE, jsonpath-file=FILE"),
        (["scan", "-o", "xml"], "scan prints table, wide, json, yaml, csv, markdown, sarif, html, name, jsonpath=TEMPLATE, jsonpath-file=FILE"),
    ])
    func unsupported(_ c: ([String], String)) async {
        let r = await kubeletAuthz(c.0)
        #expect(r.code == 2)
        #expect(r.err.contains(c.1), "\(r.err)")
    }

    @Test("-o jsonpath in kubectl's spellings", arguments: [
        ["-o", "jsonpath={.path}"], ["-ojsonpath={.path}"], ["-o=jsonpath={.path}"], ["--output=jsonpath={.path}"], ["-o", "jsonpath=path: {.path}"],
    ])
    func spellings(_ flag: [String]) async {
        let r = await kubeletAuthz(["map"] + flag + ["GET", "/pods"])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out == (flag.last!.contains("path: ") ? "path: /pods" : "/pods"))
    }

    @Test("a template runs over the -o json document: ranges, filters, strings raw")
    func overTheJSONDocument() async throws {
        let args = ["who-can", "-f", exampleDir, "--node", "gpu-node-1", "GET", "/pods"]
        let json = try jsonObject(await kubeletAuthz(args + ["-o", "json"]).out)
        let subjects = json["subjects"] as? [[String: Any]] ?? []
        let names = await kubeletAuthz(args + ["-o", #"jsonpath={range .subjects[*]}{.kind}/{.name}{"\n"}{end}"#])
        #expect(names.out == subjects.map { "\($0["kind"] as? String ?? "")/\($0["name"] as? String ?? "")\n" }.joined())
        let sas = await kubeletAuthz(args + ["-o", #"jsonpath={.subjects[?(@.kind=="ServiceAccount")].name}"#])
        #expect(sas.out == subjects.filter { $0["kind"] as? String == "ServiceAccount" }.compactMap { $0["name"] as? String }.joined(separator: " "))
        #expect(!sas.out.isEmpty)
    }

    @Test("jsonpath-file reads the template from a file")
    func templateFile() async throws {
        let file = try Fixtures.temporaryFile("template-\(UUID().uuidString).txt", "{.verb} {.checks[*].subresource}\n")
        let r = await kubeletAuthz(["map", "-o", "jsonpath-file=\(file)", "GET", "/pods"])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out == "get pods proxy")
    }

    @Test("a bad template is exit 2 with its position; a missing key prints nothing, as kubectl get does")
    func errors() async {
        let parse = await kubeletAuthz(["map", "-o", "jsonpath={.checks[0}", "GET", "/pods"])
        #expect(parse.code == 2)
        #expect(parse.err.contains("-o jsonpath: unterminated array at character 9"), "\(parse.err)")
        #expect(parse.err.contains("\n  {.checks[0}\n          ^"), "\(parse.err)")
        let bounds = await kubeletAuthz(["map", "-o", "jsonpath={.checks[5]}", "GET", "/pods"])
        #expect(bounds.code == 2)
        #expect(bounds.err.contains("array index out of bounds: index 5, length 2"), "\(bounds.err)")
        let missing = await kubeletAuthz(["map", "-o", "jsonpath={.nothing}", "GET", "/pods"])
        #expect(missing.code == 0)
        #expect(missing.out == "")
        let empty = await kubeletAuthz(["map", "-o", "jsonpath", "GET", "/pods"])
        #expect(empty.code == 2)
        #expect(empty.err.contains("-o jsonpath needs a template"))
    }
}
