import ArgumentParser
import Foundation
import Governance
import KubeClient
import KubeJSON
import RBAC

struct VerifyCommand: AsyncParsableCommand, DocumentedByExamples {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Cross-check our verdicts with the API server's: real SubjectAccessReviews against a live cluster.",
        discussion: """
        For every subject the kubelet-access inventory names, asks the API server whether it may \
        get, create, update, patch and delete each kubelet subresource (nodes/proxy, stats, \
        metrics, log, pods, healthz, configz, checkpoint, statusz, spec) of a sample of nodes — \
        each node its grants are pinned to by resourceNames, and one they are not; --all asks \
        for every node. Our own answer, computed from the objects just read, is compared with \
        each reply; every disagreement is printed in full (ours, theirs, the rule) and the exit \
        code is 1.

        Needs create on subjectaccessreviews.authorization.k8s.io besides the read-only \
        permissions (deploy/kubelet-authz-reader.yaml).
        """ + "\n\n" + HelpExamples.section(examples)
    )

    static let examples = """
        kubelet-authz verify
        kubelet-authz verify --context prod --all -o json
        """

    @OptionGroup var live: LiveClusterOptions
    @Flag(help: "Ask about every node, not a sample.") var all = false
    @Option(name: .shortAndLong, help: ArgumentHelp("Output: table, json, jsonpath=TEMPLATE, jsonpath-file=FILE.", valueName: "FORMAT"),
            completion: OutputRequest<OutputFormat>.completion(names: false))
    var output = "table"

    func run() async throws {
        let output = try OutputRequest<OutputFormat>(self.output, names: false, command: "verify")
        let client = try await live.client()
        do {
            try await verify(client, output: output)
            await client.shutdown()
        } catch {
            await client.shutdown()
            throw error
        }
    }

    func verify(_ client: KubeAPIClient, output: OutputRequest<OutputFormat>) async throws {
        let read: LiveClusterReader.Result
        do { read = try await LiveClusterReader.read(client) } catch { throw CLIError.badInput("\(error)") }
        let snapshot = read.snapshot
        let policy = snapshot.policy()
        let inventory = KubeletAccessInventory.build(policy: policy, profile: .init())
        let checks = VerificationPlan.checks(inventory: inventory, nodes: snapshot.nodes.map(\.name), policy: policy, allNodes: all)
        let theirs: [SubjectAccessReview.Status]
        do { theirs = try await SubjectAccessReviewClient.ask(client, checks.map(\.review)) } catch { throw CLIError.badInput("\(error)") }
        let disagreements = zip(checks, theirs).filter { $0.ours.allowed != $1.allowed }
        switch output {
        case .format(.json), .jsonPath, .name:
            try output.writeJSON(.object([
                ("server", .string(client.server)), ("serverVersion", read.serverVersion.map(JSONValue.string)),
                ("checked", .number(Double(checks.count))),
                ("subjects", .number(Double(Set(checks.map(\.subject)).count))),
                ("disagreements", .array(disagreements.map { json($0, $1) })),
            ]))
        case .format(.table):
            for (check, their) in disagreements { ConsoleIO.out(text(check, their) + "\n") }
            // Nodes are sampled per subject, so the factors are subject–node pairs, not
            // subjects × nodes: the product printed is the number of reviews sent.
            struct Pair: Hashable { let subject: Subject, node: String }
            let pairs = Set(checks.map { Pair(subject: $0.subject, node: $0.node) }).count
            let subjects = Set(checks.map(\.subject)).count, nodes = Set(checks.map(\.node)).count
            ConsoleIO.out("Checked \(checks.count) combinations (\(pairs) subject–node pair\(pairs == 1 ? "" : "s") of \(subjects) subject\(subjects == 1 ? "" : "s") on \(nodes) node\(nodes == 1 ? "" : "s") × \(KubeletPermissions.subresources.count) subresources × \(VerificationPlan.verbs.count) verbs) with SubjectAccessReviews to \(client.server): \(disagreements.count) disagreement\(disagreements.count == 1 ? "" : "s").\n")
        }
        if !disagreements.isEmpty { throw CLIError.silent(1) }
    }

    func verdict(_ s: SubjectAccessReview.Status) -> String { s.allowed ? "allowed" : (s.denied ? "denied" : "no opinion (denied)") }

    func text(_ c: VerificationCheck, _ their: SubjectAccessReview.Status) -> String {
        """
        DISAGREEMENT: \(c.subject.kind) \(c.subject.namespace.isEmpty ? "" : c.subject.namespace + "/")\(c.subject.name) \(c.verb) nodes/\(c.subresource) \(c.node)
          as:     user \(c.user.name), groups \(c.user.groups.joined(separator: ", "))
          ours:   \(verdict(c.ours))\(c.ours.reason.isEmpty ? "" : " — " + c.ours.reason)
          rule:   \(c.oursRule ?? "none: no binding grants it")
          theirs: \(verdict(their))\(their.reason.isEmpty ? "" : " — " + their.reason)\(their.evaluationError.isEmpty ? "" : " (evaluationError: " + their.evaluationError + ")")

        """
    }

    func json(_ c: VerificationCheck, _ their: SubjectAccessReview.Status) -> JSONValue {
        func status(_ s: SubjectAccessReview.Status) -> JSONValue {
            .object([("allowed", .bool(s.allowed)), ("denied", .bool(s.denied)), ("reason", .string(s.reason)),
                     ("evaluationError", s.evaluationError.isEmpty ? nil : .string(s.evaluationError))])
        }
        return .object([
            ("subject", .object([("kind", .string(c.subject.kind)), ("name", .string(c.subject.name)),
                                 ("namespace", c.subject.namespace.isEmpty ? nil : .string(c.subject.namespace))])),
            ("user", .string(c.user.name)), ("groups", .strings(c.user.groups)),
            ("verb", .string(c.verb)), ("resource", .string("nodes/" + c.subresource)), ("node", .string(c.node)),
            ("ours", status(c.ours)), ("rule", c.oursRule.map(JSONValue.string)), ("theirs", status(their)),
        ])
    }
}
