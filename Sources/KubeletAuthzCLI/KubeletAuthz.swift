import ArgumentParser
import Foundation
import KubeletAuthzApp

/// The root command. `run(arguments:)` is the whole program, so tests drive the real parser
/// and commands in-process.
public struct KubeletAuthz: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "kubelet-authz",
        abstract: "Who can reach which kubelet path on which node, with what power — decided exactly as Kubernetes does.",
        discussion: """
        Exit codes: 0 answered; 1 findings at or above --fail-on, verify disagreed with the API server, explain --exit-code was denied, or plan's proof failed (or --fail-on-unprovable met an unproven part); 2 bad input, an empty input without --allow-empty, or a cluster that cannot be read.
        """,
        version: VersionCommand.headline,
        subcommands: [ScanCommand.self, PlanCommand.self, EvidenceCommand.self, MapCommand.self, CollectorsCommand.self, GuardrailCommand.self, ExplainCommand.self, WhoCanCommand.self, ReviewCommand.self, SnapshotCommand.self, VerifyCommand.self, HistoryCommand.self, DiffCommand.self, FleetCommand.self, AcceptCommand.self, FindingsCommand.self, ServeCommand.self, CompletionCommand.self, VersionCommand.self]
    )

    public init() {}

    public static func run(arguments: [String]) async -> Int32 {
        // Stores released on other threads are closed before the process may exit.
        defer { BackgroundRelease.waitForAll() }
        do {
            var command = try parseAsRoot(KubectlArguments.normalize(arguments))
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch let error as CLIError {
            if !error.message.isEmpty { ConsoleIO.err("error: \(error.message)\n") }
            return error.exitCode
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { ConsoleIO.out(message + "\n") }
                return 0
            }
            ConsoleIO.err(message + "\n")
            // Usage errors are bad input: the documented exit code is 2, not EX_USAGE.
            return 2
        }
    }
}
