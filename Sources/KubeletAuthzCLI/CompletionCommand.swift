import ArgumentParser

/// `kubelet-authz completion bash|zsh|fish`, as kubectl spells it: the script on stdout, for
/// `source <(kubelet-authz completion bash)` or the shell's completion directory.
struct CompletionCommand: AsyncParsableCommand, DocumentedByExamples {
    static let configuration = CommandConfiguration(
        commandName: "completion",
        abstract: "Print a shell completion script (bash, zsh or fish).",
        discussion: HelpExamples.section(examples)
    )

    static let examples = """
        source <(kubelet-authz completion bash)
        kubelet-authz completion zsh > "${fpath[1]}/_kubelet-authz"
        kubelet-authz completion fish > ~/.config/fish/completions/kubelet-authz.fish
        """

    enum Shell: String, ExpressibleByArgument, CaseIterable { case bash, zsh, fish }

    @Argument(help: "The shell: bash, zsh or fish.") var shell: Shell

    func run() async throws {
        let target: CompletionShell = switch shell {
        case .bash: .bash
        case .zsh: .zsh
        case .fish: .fish
        }
        ConsoleIO.out(KubeletAuthz.completionScript(for: target))
    }
}
