import ArgumentParser
import Collectors
import KubeJSON
import KubeletModel
import Reports

enum CollectorsFormat: String, CaseIterable { case table, json, yaml }

/// `collectors [NAME]`: the catalogue of agents that reach the kubelet, as shipped with this
/// build. No cluster is read; `plan` and `scan` will match workloads against the same data.
struct CollectorsCommand: AsyncParsableCommand, DocumentedByExamples {
    static let configuration = CommandConfiguration(
        commandName: "collectors",
        abstract: "List the agents known to reach the kubelet, and the grant each needs.",
        discussion: """
        For each agent: how to recognise it, the kubelet paths it calls, the narrowest kubelet \
        grant per Kubernetes release (derived from the kubelet's own mapping), whether it works \
        without nodes/proxy, and the upstream files the entry was read from. The table shows the \
        grant on the newest release modelled (\(KubernetesVersion.newest)); NAME matches an id or a name.
        """ + "\n\n" + HelpExamples.section(examples)
    )

    static let examples = """
        kubelet-authz collectors
        kubelet-authz collectors metrics-server
        kubelet-authz collectors -o yaml datadog-agent
        kubelet-authz collectors -o jsonpath='{.minimalGrant[*].since}' netdata
        """

    @Argument(help: ArgumentHelp("A collector's id or name (case-insensitive).", valueName: "NAME"))
    var name: String?
    @Option(name: .shortAndLong, help: ArgumentHelp("Output: table, json, yaml, jsonpath=TEMPLATE, jsonpath-file=FILE.", valueName: "FORMAT"),
            completion: OutputRequest<CollectorsFormat>.completion(names: false))
    var output = "table"

    func run() async throws {
        let output = try OutputRequest<CollectorsFormat>(self.output, names: false, command: "collectors")
        let catalogue: CollectorCatalogue
        do { catalogue = try CollectorCatalogue.bundled() } catch {
            // The data is compiled in and tested; reaching this is a build defect, said plainly.
            throw CLIError(message: "\(error)", exitCode: 2)
        }
        var selected = catalogue.collectors
        if let name {
            guard let one = catalogue.collector(named: name) else {
                let closest = catalogue.closestIDs(to: name)
                let hint = closest.isEmpty ? "" : "; closest: " + closest.joined(separator: ", ")
                throw CLIError.badInput("unknown collector \"\(name)\"\(hint) (kubelet-authz collectors lists them all)")
            }
            selected = [one]
        }
        let document = name == nil ? CollectorJSON.document(catalogue) : CollectorJSON.collector(selected[0])
        switch output {
        case .format(.json), .jsonPath, .name: try output.writeJSON(document)
        case .format(.yaml):
            do { ConsoleIO.out(try YAMLWriter.yaml(document)) } catch {
                throw CLIError.badInput("-o yaml: \(error)")
            }
        case .format(.table):
            ConsoleIO.out(name == nil ? Self.table(selected) : Self.detail(selected[0]))
        }
    }

    static func table(_ collectors: [Collector]) -> String {
        var table = Table(headers: ["ID", "STATUS", "WITHOUT-PROXY", "PATHS", "MINIMAL GRANT (\(KubernetesVersion.newest))"])
        for c in collectors {
            table.rows.append([c.id, c.status.rawValue, withoutProxy(c), paths(c),
                               c.minimalGrant(for: .newest)?.summary ?? "-"])
        }
        return table.render()
    }

    /// One collector, every field a reviewer needs, one per line.
    static func detail(_ c: Collector) -> String {
        var out = "ID:            \(c.id)\n"
        out += "Name:          \(c.name)\n"
        out += "Vendor:        \(c.vendor)\n"
        out += "Status:        \(c.status.rawValue)\n"
        out += "Without proxy: \(withoutProxy(c))\(c.sinceVersion.map { " (since \($0))" } ?? "")\n"
        out += "Recognise:\n"
        for (label, values) in [("images", c.recognise.images), ("charts", c.recognise.charts),
                                ("serviceAccounts", c.recognise.serviceAccounts), ("namespaces", c.recognise.namespaces)] where !values.isEmpty {
            out += "  \(label): \(values.joined(separator: ", "))\n"
        }
        out += "Kubelet paths:\(c.kubeletPaths.isEmpty ? " none" : "")\(c.pathsComplete ? "" : " (not complete)")\n"
        for p in c.kubeletPaths {
            out += "  \(p.httpMethod) \(p.path) [\(p.basis.rawValue)]\(p.when.map { " when \($0)" } ?? "")\n"
        }
        out += "Minimal grant:\n"
        for band in c.minimalGrant { out += "  \(band.since)+: \(band.summary)\n" }
        out += "Default grant: \(c.defaultGrant.isEmpty ? "-" : c.defaultGrant.map(\.summary).joined(separator: "; "))\n"
        out += "Sources:\n"
        for s in c.sources { out += "  \(s.citation) (\(s.version), \(s.date))\n" }
        out += "Notes:         \(c.notes)\n"
        return out
    }

    static func withoutProxy(_ c: Collector) -> String {
        if !c.pathsComplete && !c.worksWithoutProxy { return "unknown" }
        return c.worksWithoutProxy ? "yes" : "no"
    }

    /// A count: the paths themselves are too long for a table row (`collectors NAME` lists them).
    static func paths(_ c: Collector) -> String { c.kubeletPaths.isEmpty ? "-" : String(c.kubeletPaths.count) }
}
